/**
 * The official JS SDK (`@higgsfield/client`, a dev dependency) against our server, only
 * its base URL changed: v1 `HiggsfieldClient` (getMotions, uploadImage, generate with
 * polling) and the v2 client (`subscribe` with polling and `hf_webhook`). The videos it
 * gets back are downloaded and checked to be real MP4 files.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthenticationError, HiggsfieldClient, ValidationError } from '@higgsfield/client';
import { createHiggsfieldClient } from '@higgsfield/client/v2';
import { makeTestPng } from '../support/images.js';
import { KEY_A, startTestServer, type TestServer } from '../support/in-process.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const [KEY_ID, KEY_SECRET] = KEY_A.split(':') as [string, string];
/** Small renders: extensions our v1/v2 schemas accept. */
const SMALL = { width: 160, height: 96, duration: 2, fps: 12 };
/** Fast polling; a failed request is not retried for long. */
const SDK_TIMING = { pollInterval: 100, maxPollTime: 120_000, maxRetries: 0 };

async function expectMp4(url: string): Promise<void> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  assert.equal(response.headers.get('content-type'), 'video/mp4');
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.ok(bytes.length > 1000, `${bytes.length} bytes`);
  assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an ISO-BMFF (MP4) file');
}

describe('@higgsfield/client against stillmotion', () => {
  let server: TestServer;
  let receiver: Receiver;
  let png: Buffer;
  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ ALLOW_PRIVATE_URLS: 'true' }, { app: { webhooks: { pollMs: 25 } } });
    png = await makeTestPng(320, 192);
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it('v1: getMotions, uploadImage, then generate with the public_url and polling', async () => {
    const client = new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: KEY_SECRET,
      baseURL: server.baseUrl,
      ...SDK_TIMING,
    });
    const motions = await client.getMotions();
    assert.ok(motions.length > 10);
    const dollyIn = motions.find((m) => m.name === 'Dolly In');
    const handheld = motions.find((m) => m.name === 'Handheld');
    assert.ok(dollyIn && handheld, 'the catalogue has Dolly In and Handheld');
    assert.equal(typeof dollyIn.preview_url, 'string');

    const publicUrl = await client.uploadImage(png, 'png');
    assert.ok(publicUrl.startsWith(`${server.baseUrl}/media/uploads/`), publicUrl);

    const jobSet = await client.generate('/v1/image2video/dop', {
      model: 'dop-lite',
      prompt: 'slow push in',
      seed: 500_000,
      motions: [
        { id: dollyIn.id, strength: 0.8 },
        { id: handheld.id, strength: 0.3 },
      ],
      input_images: [{ type: 'image_url', image_url: publicUrl }],
      enhance_prompt: true,
      ...SMALL,
    } as unknown as Parameters<HiggsfieldClient['generate']>[1]);
    assert.equal(jobSet.isCompleted, true, JSON.stringify(jobSet.jobs));
    const job = jobSet.jobs[0]!;
    assert.equal(job.status, 'completed');
    assert.ok(job.results);
    await expectMp4(job.results.raw.url);
    await expectMp4(job.results.min.url);
  });

  it('v1: the typed errors fire (ValidationError for a bad body, AuthenticationError for a bad key)', async () => {
    const client = new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: KEY_SECRET,
      baseURL: server.baseUrl,
      ...SDK_TIMING,
    });
    await assert.rejects(
      client.generate('/v1/image2video/dop', {
        model: 'dop-lite',
        prompt: 'x',
        input_images: [],
      } as unknown as Parameters<HiggsfieldClient['generate']>[1]),
      (error) => error instanceof ValidationError,
    );
    const stranger = new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: 'wrong-secret',
      baseURL: server.baseUrl,
      ...SDK_TIMING,
    });
    await assert.rejects(stranger.getMotions(), (error) => error instanceof AuthenticationError);
  });

  it('v2: subscribe with polling and a webhook (sent as hf_webhook)', async () => {
    const hf = createHiggsfieldClient({ credentials: KEY_A, baseURL: server.baseUrl, ...SDK_TIMING });
    const upload = await new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: KEY_SECRET,
      baseURL: server.baseUrl,
    }).uploadImage(png, 'png');
    const result = (await hf.subscribe('/higgsfield-ai/dop/lite', {
      input: { image_url: upload, prompt: 'orbit slowly', motion_id: 'Arc Right', seed: 42, ...SMALL },
      webhook: { url: `${receiver.origin}/hook/sdk-v2`, secret: 'dropped-by-the-sdk' },
    })) as { status: string; request_id: string; video?: { url: string } };
    assert.equal(result.status, 'completed', JSON.stringify(result));
    assert.ok(result.video);
    await expectMp4(result.video.url);

    const [hook] = await receiver.waitFor(1, { prefix: '/hook/sdk-v2' });
    const body = JSON.parse(hook!.body);
    assert.equal(body.request_id, result.request_id);
    assert.equal(body.status, 'completed');
    assert.equal(body.video.url, result.video.url);
  });

  it("v2: subscribe('/v1/image2video/dop') with v1 param names, as the SDK's README shows", async () => {
    const hf = createHiggsfieldClient({ credentials: KEY_A, baseURL: server.baseUrl, ...SDK_TIMING });
    const upload = await new HiggsfieldClient({
      apiKey: KEY_ID,
      apiSecret: KEY_SECRET,
      baseURL: server.baseUrl,
    }).uploadImage(png, 'png');
    const result = (await hf.subscribe('/v1/image2video/dop', {
      input: {
        model: 'dop-lite',
        prompt: 'push in',
        input_images: [{ type: 'image_url', image_url: upload }],
        motions: [{ id: 'Dolly In', strength: 0.8 }],
        seed: 7,
        ...SMALL,
      },
    })) as { status: string; request_id: string; video?: { url: string } };
    assert.equal(result.status, 'completed', JSON.stringify(result));
    assert.ok(result.video);
    await expectMp4(result.video.url);
  });
});
