/**
 * The API side of effect looks: the catalogue says the local engine renders them, a
 * generate request for one completes, and generative effects are still refused (422).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, startTestServer, waitForTask, type TestServer } from '../support/in-process.js';

describe('effect looks through the API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { listen: false });
  });
  after(() => server.close());

  it('lists the looks as renderable by "local", other effects by "higgsfield"', async () => {
    const res = await server.get(`/higgsfield/tpl/motions?size=1000`, bearer(KEY_A));
    assert.equal(res.status, 200);
    const byName = new Map<string, { renderable: boolean; renderable_by: string[]; kind: string }>(
      res.body.map((m: any) => [m.name, m]),
    );
    for (const name of ['VHS', 'Super 8MM', 'Lens Flare', 'Dirty Lens', 'Paparazzi', 'Datamosh', 'Lens Crack']) {
      const m = byName.get(name)!;
      assert.equal(m.kind, 'effect', name);
      assert.equal(m.renderable, true, name);
      assert.deepEqual(m.renderable_by, ['local'], name);
    }
    assert.deepEqual(byName.get('Building Explosion')!.renderable_by, ['higgsfield']);
  });

  it('renders a look and still refuses a generative effect naming motion_id', async () => {
    const image = [await makeTestDataUri()];
    const ok = await server.post(
      `/higgsfield/generate`,
      { model: 'lite', motion_id: 'VHS', prompt: '', seed: 4, width: 160, height: 90, duration: 2, fps: 12, image },
      bearer(KEY_A),
    );
    assert.equal(ok.status, 200);
    const done = await waitForTask(server, ok.body.id, KEY_A);
    assert.equal(done.status, 'completed');
    const refused = await server.post(
      `/higgsfield/generate`,
      { model: 'lite', motion_id: 'Building Explosion', prompt: '', image },
      bearer(KEY_A),
    );
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.param, 'motion_id');
    assert.match(refused.body.error.message, /higgsfield/);
  });
});
