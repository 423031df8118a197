/**
 * The whole server with the Higgsfield relay configured, relaying to the fake platform:
 * routing (effects to the cloud, camera moves local), relay slots beside local renders,
 * results served from our media store, the catalogue's renderability, cancel, nsfw,
 * /readyz and /metrics. Polling is fast (HIGGSFIELD_POLL_MS) so nothing waits seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FAKE_CREDENTIALS, startFakeHiggsfield, type FakeHiggsfield } from '../support/fake-higgsfield.js';
import { makeTestDataUri } from '../support/images.js';
import {
  KEY_A,
  bearer,
  getJson,
  postJson,
  startTestServer,
  waitForTask,
  type TestServer,
} from '../support/in-process.js';

const V2 = { authorization: `Key ${KEY_A}`, 'content-type': 'application/json' };

describe('relay to the Higgsfield cloud (fake platform)', () => {
  let fake: FakeHiggsfield;
  let server: TestServer;
  let image: string;

  before(async () => {
    fake = await startFakeHiggsfield();
    server = await startTestServer({
      HF_CREDENTIALS: FAKE_CREDENTIALS,
      HIGGSFIELD_BASE_URL: fake.baseUrl,
      HIGGSFIELD_POLL_MS: '20',
      HIGGSFIELD_TIMEOUT_MS: '3000',
      RELAY_CONCURRENCY: '2',
      WORKER_CONCURRENCY: '1',
    });
    image = await makeTestDataUri(320, 192);
  });
  after(async () => {
    await server?.close();
    await fake?.close();
  });

  function generate(motion_id: string, extra: Record<string, unknown> = {}) {
    return postJson(
      `${server.baseUrl}/higgsfield/generate`,
      { model: 'lite', motion_id, prompt: 'go', image: [image], seed: 7, ...extra },
      bearer(KEY_A),
    );
  }

  it('the catalogue says effects render on higgsfield and camera moves locally', async () => {
    const { body } = await getJson(`${server.baseUrl}/higgsfield/tpl/motions?size=1000`, bearer(KEY_A));
    const fire = body.find((m: { name: string }) => m.name === 'Set on Fire');
    const dolly = body.find((m: { name: string }) => m.name === 'Dolly In');
    assert.equal(fire.renderable, true);
    assert.deepEqual(fire.renderable_by, ['higgsfield']);
    assert.deepEqual(dolly.renderable_by, ['local']);
    assert.equal(fire.media.type, 'image', 'a relayed motion has no locally drawn animated preview');
    assert.equal(dolly.media.type, 'animated');
    assert.ok(
      body.every((m: { renderable: boolean }) => m.renderable),
      'every catalogue motion renders here now',
    );
  });

  it('an effect is accepted, relayed with one submit, and served from our media store with Range', async () => {
    const before = fake.submits.length;
    const submit = await generate('Set on Fire');
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const done = await waitForTask(server.baseUrl, submit.body.id, KEY_A, 60_000);
    assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    assert.equal(fake.submits.length - before, 1);
    assert.equal(done.params.engine, 'higgsfield');
    const results = done.jobs[0].results;
    for (const file of [results.raw, results.min, results.poster]) {
      assert.ok(file.url.startsWith(server.baseUrl), `${file.url} is ours, not the cloud's`);
    }
    const ranged = await fetch(results.raw.url, { headers: { range: 'bytes=0-7' } });
    assert.equal(ranged.status, 206);
    assert.equal(
      Buffer.from(await ranged.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
      'ftyp',
    );
    const poster = await fetch(results.poster.url);
    assert.equal(poster.headers.get('content-type'), 'image/jpeg');
  });

  it('a camera move stays local: the cloud sees nothing', async () => {
    const before = fake.submits.length;
    const submit = await generate('Dolly In', { width: 160, height: 96, duration: 2, fps: 12 });
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const done = await waitForTask(server.baseUrl, submit.body.id, KEY_A, 120_000);
    assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    assert.equal(done.params.engine, 'local');
    assert.equal(fake.submits.length, before);
  });

  it('camera control on a relayed effect is refused naming the field, never dropped', async () => {
    const before = fake.submits.length;
    const axes = await generate('Set on Fire', { camera: { zoom: 3 } });
    assert.equal(axes.status, 400, JSON.stringify(axes.body));
    assert.equal(axes.body.error.param, 'camera');
    assert.match(axes.body.error.message, /local engine only/);
    const loop = await generate('Set on Fire', { loop: true });
    assert.equal(loop.status, 400, JSON.stringify(loop.body));
    assert.equal(loop.body.error.param, 'loop');
    assert.equal(fake.submits.length, before);
  });

  it('relayed tasks run on their own slots beside a local render', async () => {
    // A long local render holds the one local slot; the relayed task does not wait for it.
    const local = await generate('Dolly In', { width: 640, height: 384, duration: 10, fps: 24 });
    const relayed = await generate('Set on Fire');
    const done = await waitForTask(server.baseUrl, relayed.body.id, KEY_A, 60_000);
    assert.equal(done.jobs[0].status, 'completed');
    const localNow = await getJson(`${server.baseUrl}/higgsfield/feed/${local.body.id}`, bearer(KEY_A));
    assert.notEqual(
      localNow.body.jobs[0].status,
      'completed',
      'the local render was still going when the relayed one finished',
    );
  });

  it("an upstream 'nsfw' ends the task in the nsfw state", async () => {
    fake.script.outcome = 'nsfw';
    try {
      const submit = await generate('Set on Fire');
      const done = await waitForTask(server.baseUrl, submit.body.id, KEY_A, 60_000);
      assert.equal(done.jobs[0].status, 'nsfw');
      assert.equal(done.error.code, 'content_nsfw');
    } finally {
      fake.script.outcome = 'completed';
    }
  });

  it('403 credits fails the task with a clear message; /metrics counts it', async () => {
    fake.script.submitFaults.push('credits');
    const submit = await generate('Set on Fire');
    const done = await waitForTask(server.baseUrl, submit.body.id, KEY_A, 60_000);
    assert.equal(done.jobs[0].status, 'failed');
    assert.equal(done.error.code, 'upstream_credits');
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    assert.match(metrics, /stillmotion_relay_credits_refused [1-9]/);
    assert.match(metrics, /stillmotion_relay_upstream_errors\{code="403"\} [1-9]/);
    assert.match(metrics, /stillmotion_relay_requests_in_flight 0/);
  });

  it('v2 cancel while the cloud still queues it: 202 here and canceled there', async () => {
    fake.script.queuedPolls = 1_000_000;
    const acceptedBefore = fake.accepted().length;
    try {
      const submit = await postJson(
        `${server.baseUrl}/higgsfield-ai/dop/lite`,
        { image_url: image, prompt: 'x', motion_id: 'Set on Fire' },
        V2,
      );
      assert.equal(submit.status, 200, JSON.stringify(submit.body));
      const id = submit.body.request_id;
      const deadline = Date.now() + 30_000;
      while (fake.accepted().length === acceptedBefore) {
        assert.ok(Date.now() < deadline, 'never reached the cloud');
        await new Promise((r) => setTimeout(r, 20));
      }
      const cancel = await postJson(`${server.baseUrl}/requests/${id}/cancel`, {}, V2);
      assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
      assert.ok(fake.cancels.some((c) => c.answered === 202));
      const status = await getJson(`${server.baseUrl}/requests/${id}/status`, V2);
      assert.equal(status.body.status, 'canceled');
    } finally {
      fake.script.queuedPolls = 1;
    }
  });

  it('/readyz shows the relay', async () => {
    const { status, body } = await getJson(`${server.baseUrl}/readyz`, {});
    assert.equal(status, 200);
    assert.equal(body.relay.engine, 'higgsfield');
    assert.equal(typeof body.relay.requests_in_flight, 'number');
    assert.equal(body.relay.credits_refused >= 1, true);
  });
});

describe('without Higgsfield credentials nothing changes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
  });
  after(async () => server?.close());

  it('an effect is refused with 422 naming the field and the engine it needs', async () => {
    const submit = await postJson(
      `${server.baseUrl}/higgsfield/generate`,
      { model: 'lite', motion_id: 'Set on Fire', prompt: '', image: [await makeTestDataUri(64, 64)] },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 422);
    assert.match(submit.body.error.message, /motion_id.*higgsfield/);
    const { body } = await getJson(`${server.baseUrl}/readyz`, {});
    assert.equal(body.relay, undefined);
  });
});
