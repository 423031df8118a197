/**
 * The whole seed flow over real HTTP with the real local engine:
 * generate → feed (queued … completed) → download raw/min/poster with Range.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import {
  KEY_A,
  KEY_B,
  bearer,
  getJson,
  postJson,
  startTestServer,
  waitForTask,
  type TestServer,
} from '../support/in-process.js';

describe('generate → feed → download', () => {
  let server: TestServer;
  let image: string;
  before(async () => {
    server = await startTestServer();
    image = await makeTestDataUri(320, 180);
  });
  after(async () => server.close());

  it('renders a real MP4 that the owner can download, with Range support', async () => {
    const submit = await postJson(
      `${server.baseUrl}/higgsfield/generate`,
      {
        model: 'lite',
        motion_id: 'Dolly In',
        prompt: 'slow push in',
        image: [image],
        width: 160,
        height: 90,
        duration: 2,
        fps: 12,
      },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    assert.match(submit.body.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(submit.body), ['id']);

    const first = await getJson(`${server.baseUrl}/higgsfield/feed/${submit.body.id}`, bearer(KEY_A));
    assert.equal(first.status, 200);
    assert.ok(['queued', 'in_progress', 'completed'].includes(first.body.jobs[0].status));
    assert.equal(first.body.type, 'image2video');
    assert.equal(typeof first.body.created_at, 'number');
    assert.ok(first.body.params.seed >= 1 && first.body.params.seed <= 1_000_000, 'a seed is chosen and recorded');

    const done = await waitForTask(server.baseUrl, submit.body.id, KEY_A);
    assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    assert.equal(done.progress, 1);
    assert.deepEqual(done.jobs[0].result, done.jobs[0].results, 'result mirrors results');
    assert.equal(done.params.model, 'lite');
    assert.equal(done.params.motions[0].name, 'Dolly In');
    assert.equal(done.params.width, 160);
    assert.equal(done.params.height, 90);
    // What the engine understood is on the task, so a depth move never degrades unseen.
    assert.ok(['person', 'object', 'none'].includes(done.params.scene?.subject), JSON.stringify(done.params.scene));
    assert.ok(
      Array.isArray(done.params.scene.layers) && done.params.scene.layers.length >= 2,
      'the depth layers drawn',
    );
    assert.equal(typeof done.params.scene.depth?.ground?.horizon_from, 'string', 'snake_case on the wire');
    assert.equal(done.params.input_image.type, 'media_input');

    const rawUrl: string = done.jobs[0].results.raw.url;
    assert.ok(rawUrl.startsWith(server.baseUrl), 'absolute URL on this server');
    const raw = await fetch(rawUrl);
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type'), 'video/mp4');
    assert.equal(raw.headers.get('accept-ranges'), 'bytes');
    const bytes = Buffer.from(await raw.arrayBuffer());
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 file');
    assert.ok(bytes.length > 1000);

    const ranged = await fetch(rawUrl, { headers: { range: 'bytes=4-11' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 4-11/${bytes.length}`);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(4, 12));
    const suffix = await fetch(rawUrl, { headers: { range: 'bytes=-5' } });
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), bytes.subarray(bytes.length - 5));
    const beyond = await fetch(rawUrl, { headers: { range: `bytes=${bytes.length}-` } });
    assert.equal(beyond.status, 416);
    await beyond.arrayBuffer();

    const min = await fetch(done.jobs[0].results.min.url);
    assert.equal(min.headers.get('content-type'), 'video/mp4');
    assert.equal(
      Buffer.from(await min.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
      'ftyp',
    );
    const poster = await fetch(done.jobs[0].results.poster.url);
    assert.match(poster.headers.get('content-type') ?? '', /^image\//);
    await poster.arrayBuffer();

    const input = await fetch(done.params.input_image.url);
    assert.equal(input.status, 200);
    assert.equal(input.headers.get('content-type'), 'image/png');
    await input.arrayBuffer();
  });

  it('keeps keys apart: another key gets 404 for the task, no key gets 401', async () => {
    const submit = await postJson(
      `${server.baseUrl}/higgsfield/generate`,
      { model: 'lite', motion_id: 'Static', prompt: '', image: [image], width: 64, height: 64, duration: 2, fps: 12 },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200);
    const other = await getJson(`${server.baseUrl}/higgsfield/feed/${submit.body.id}`, bearer(KEY_B));
    assert.equal(other.status, 404);
    assert.equal(other.body.error.code, 'not_found');
    const anonymous = await getJson(`${server.baseUrl}/higgsfield/feed/${submit.body.id}`, {});
    assert.equal(anonymous.status, 401);
    const wrong = await getJson(`${server.baseUrl}/higgsfield/feed/${submit.body.id}`, bearer('key-a:not-the-secret'));
    assert.equal(wrong.status, 401);
    const viaPost = await postJson(
      `${server.baseUrl}/higgsfield/feed/${submit.body.id}`,
      { task_id: submit.body.id },
      bearer(KEY_A),
    );
    assert.equal(viaPost.status, 200);
    assert.equal(viaPost.body.id, submit.body.id);
    const platformForm = await getJson(`${server.baseUrl}/higgsfield/feed/${submit.body.id}`, {
      'hf-api-key': 'key-a',
      'hf-secret': 'secret-aaaaaaaaaaaaaaaa',
    });
    assert.equal(platformForm.status, 200);
    await waitForTask(server.baseUrl, submit.body.id, KEY_A);
  });

  it('renders the same request to the same video (seeded)', async () => {
    const body = {
      model: 'lite',
      motion_id: 'Handheld',
      prompt: '',
      seed: 4242,
      image: [image],
      width: 96,
      height: 64,
      duration: 2,
      fps: 12,
    };
    const a = await postJson(`${server.baseUrl}/higgsfield/generate`, body, bearer(KEY_A));
    const b = await postJson(`${server.baseUrl}/higgsfield/generate`, body, bearer(KEY_A));
    const [da, db] = [
      await waitForTask(server.baseUrl, a.body.id, KEY_A),
      await waitForTask(server.baseUrl, b.body.id, KEY_A),
    ];
    const [va, vb] = await Promise.all(
      [da, db].map(async (d) => Buffer.from(await (await fetch(d.jobs[0].results.raw.url)).arrayBuffer())),
    );
    assert.ok(va!.equals(vb!), 'same seed, same bytes');
  });
});
