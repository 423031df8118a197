/**
 * The official SDK (`@higgsfield/client`, v1 and v2 clients) against stillmotion, with
 * stillmotion relaying to the fake Higgsfield platform: an effect the local engine cannot
 * render ("Set on Fire") completes, its media is served by stillmotion (not the cloud),
 * the v2 webhook fires as for a local task, and the cloud saw one submit per task.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HiggsfieldClient } from '@higgsfield/client';
import { createHiggsfieldClient } from '@higgsfield/client/v2';
import { FAKE_CREDENTIALS, startFakeHiggsfield, type FakeHiggsfield } from '../support/fake-higgsfield.js';
import { makeTestPng } from '../support/images.js';
import { KEY_A, startTestServer, type TestServer } from '../support/in-process.js';
import { startReceiver, type Receiver } from '../platform/support/receiver.js';

const [KEY_ID, KEY_SECRET] = KEY_A.split(':') as [string, string];
const SDK_TIMING = { pollInterval: 100, maxPollTime: 120_000, maxRetries: 0 };

async function expectOurMp4(url: string, server: TestServer): Promise<void> {
  assert.ok(url.startsWith(server.baseUrl), `${url} is served by stillmotion`);
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  assert.equal(response.headers.get('content-type'), 'video/mp4');
  assert.equal(
    Buffer.from(await response.arrayBuffer())
      .subarray(4, 8)
      .toString('latin1'),
    'ftyp',
  );
}

describe('@higgsfield/client against stillmotion relaying to the cloud', () => {
  let fake: FakeHiggsfield;
  let server: TestServer;
  let receiver: Receiver;
  let png: Buffer;
  before(async () => {
    fake = await startFakeHiggsfield();
    receiver = await startReceiver();
    server = await startTestServer(
      {
        ALLOW_PRIVATE_URLS: 'true',
        HF_CREDENTIALS: FAKE_CREDENTIALS,
        HIGGSFIELD_BASE_URL: fake.baseUrl,
        HIGGSFIELD_POLL_MS: '20',
      },
      { app: { webhooks: { pollMs: 25 } } },
    );
    png = await makeTestPng(320, 192);
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
    await fake?.close();
  });

  it('v1: getMotions lists Set on Fire as renderable; generate completes it with our media', async () => {
    const client = new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: KEY_SECRET,
      baseURL: server.baseUrl,
      ...SDK_TIMING,
    });
    const fire = (await client.getMotions()).find((m) => m.name === 'Set on Fire');
    assert.ok(fire, 'the catalogue has Set on Fire');
    const publicUrl = await client.uploadImage(png, 'png');
    const before = fake.submits.length;
    const jobSet = await client.generate('/v1/image2video/dop', {
      model: 'dop-lite',
      prompt: 'the subject bursts into flames',
      seed: 1234,
      motions: [{ id: fire.id, strength: 0.8 }],
      input_images: [{ type: 'image_url', image_url: publicUrl }],
    } as unknown as Parameters<HiggsfieldClient['generate']>[1]);
    assert.equal(jobSet.isCompleted, true, JSON.stringify(jobSet.jobs));
    const job = jobSet.jobs[0]!;
    await expectOurMp4(job.results!.raw.url, server);
    await expectOurMp4(job.results!.min.url, server);
    assert.equal(fake.submits.length - before, 1, 'one submit for one task');
    assert.equal(fake.submits.at(-1)!.path, '/higgsfield-ai/dop/lite');
  });

  it('v2: subscribe with a webhook; the cloud result comes back from stillmotion and the hook fires', async () => {
    const hf = createHiggsfieldClient({ credentials: KEY_A, baseURL: server.baseUrl, ...SDK_TIMING });
    const upload = await new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: KEY_SECRET,
      baseURL: server.baseUrl,
    }).uploadImage(png, 'png');
    const before = fake.submits.length;
    const result = (await hf.subscribe('/higgsfield-ai/dop/turbo', {
      input: { image_url: upload, prompt: 'fire', motion_id: 'Set on Fire', seed: 99 },
      webhook: { url: `${receiver.origin}/hook/relay-v2`, secret: 'dropped-by-the-sdk' },
    })) as { status: string; request_id: string; video?: { url: string } };
    assert.equal(result.status, 'completed', JSON.stringify(result));
    await expectOurMp4(result.video!.url, server);
    assert.equal(fake.submits.length - before, 1);
    assert.equal(fake.submits.at(-1)!.path, '/higgsfield-ai/dop/turbo');
    const [hook] = await receiver.waitFor(1, { prefix: '/hook/relay-v2' });
    const body = JSON.parse(hook!.body);
    assert.equal(body.request_id, result.request_id);
    assert.equal(body.status, 'completed');
    assert.equal(body.video.url, result.video!.url);
  });
});
