/**
 * The content check end to end, in every dialect: a hit ends the task `nsfw` (never
 * rendered, scores in the error, inputs deleted, webhook sent), a pass renders, and the
 * server policy and the request's `check_nsfw` decide when it runs.
 *
 * Most servers here get a stand-in classifier that calls a picture 77 px wide explicit and
 * anything else neutral, so the verdict is the test's choice; one runs the real model with
 * a threshold so low that any picture reaches it, to show that model's scores decide.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Engine } from '../../src/core/ports.js';
import type { NsfwClassifier } from '../../src/nsfw/nsfw-classifier.js';
import { DIALECTS, pollIn, submitIn, waitIn, type DialectName } from '../support/dialects.js';
import { makeTestDataUri, makeTestPng } from '../support/images.js';
import { KEY_A, getJson, startTestServer, type TestServer } from '../support/in-process.js';
import { startReceiver, type Receiver } from '../platform/support/receiver.js';

const FAST_WEBHOOKS = { retry: { delaysMs: [100], windowMs: 60_000 }, pollMs: 25 };
const AUTH = { authorization: `Key ${KEY_A}` };

const stubClassifier: NsfwClassifier = {
  async classify(image) {
    const { width } = await sharp(image).metadata();
    return width === 77
      ? { drawing: 0.01, hentai: 0.03, neutral: 0.02, porn: 0.91, sexy: 0.03 }
      : { drawing: 0.1, hentai: 0.001, neutral: 0.89, porn: 0.005, sexy: 0.004 };
  },
};

function standInEngine() {
  const rendered = new Set<string>();
  const engine: Engine = {
    name: 'stand-in',
    canRender: () => ({ renderable: true }),
    async render(job, context) {
      rendered.add(job.taskId);
      const files = {
        raw: join(context.workDir, 'raw.mp4'),
        min: join(context.workDir, 'min.mp4'),
        poster: join(context.workDir, 'poster.jpg'),
      };
      await writeFile(files.raw, Buffer.from('video'));
      await writeFile(files.min, Buffer.from('video'));
      await writeFile(files.poster, await makeTestPng(16, 16));
      return { ...files, resolved: { width: 64, height: 64, fps: 12, frames: 24, duration: 2 } };
    },
  };
  return { engine, rendered };
}

/** The stored input's URL as the reseller feed shows it (every dialect's task is in the feed). */
async function inputUrlOf(baseUrl: string, id: string): Promise<string> {
  const { body } = await getJson(`${baseUrl}/higgsfield/feed/${id}`, AUTH);
  return body.params.input_image.url;
}

/** The dialect's status in a webhook body. */
function webhookStatus(dialect: DialectName, body: any): string {
  return dialect === 'v2' ? body.status : body.jobs[0].status;
}

let explicit: string;
let neutral: string;
before(async () => {
  explicit = await makeTestDataUri(77, 64);
  neutral = await makeTestDataUri(96, 64);
});

describe('check_nsfw with NSFW_CHECK=off (the default)', () => {
  let server: TestServer;
  let receiver: Receiver;
  let fake: ReturnType<typeof standInEngine>;
  before(async () => {
    receiver = await startReceiver();
    fake = standInEngine();
    server = await startTestServer(
      { ALLOW_PRIVATE_URLS: 'true' },
      { app: { engine: fake.engine, nsfwClassifier: stubClassifier, webhooks: FAST_WEBHOOKS } },
    );
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  for (const dialect of DIALECTS) {
    test(`${dialect}: check_nsfw true on an explicit picture ends nsfw, unrendered, inputs gone, webhook sent`, async () => {
      const hook = `${receiver.origin}/hook/${dialect}`;
      const { status, id, body } = await submitIn(dialect, server.baseUrl, explicit, { check_nsfw: true }, hook);
      assert.equal(status, 200, JSON.stringify(body));
      const input = await inputUrlOf(server.baseUrl, id!);
      const done = await waitIn(dialect, server.baseUrl, id!);
      assert.equal(done.status, 'nsfw');
      assert.match(
        done.error ?? '',
        /judged explicit: porn 0\.91, hentai 0\.03 \(score 0\.94 ≥ threshold 0\.8\)/,
        `${dialect} shows the scores`,
      );
      assert.equal(fake.rendered.has(id!), false, 'never rendered');
      assert.equal((await fetch(input, { headers: AUTH })).status, 404, 'the input was deleted');
      const [delivery] = await receiver.waitFor(1, { prefix: `/hook/${dialect}` });
      assert.equal(webhookStatus(dialect, JSON.parse(delivery!.body)), 'nsfw');
    });

    test(`${dialect}: check_nsfw true on a neutral picture renders; without it an explicit one renders too`, async () => {
      const checked = await submitIn(dialect, server.baseUrl, neutral, { check_nsfw: true });
      const unchecked = await submitIn(dialect, server.baseUrl, explicit);
      assert.equal((await waitIn(dialect, server.baseUrl, checked.id!)).status, 'completed');
      assert.equal(
        (await waitIn(dialect, server.baseUrl, unchecked.id!)).status,
        'completed',
        'off means no check unless asked',
      );
    });
  }

  test('reseller: the error carries the scores as data', async () => {
    const { id } = await submitIn('reseller', server.baseUrl, explicit, { check_nsfw: true });
    await waitIn('reseller', server.baseUrl, id!);
    const { body } = await getJson(`${server.baseUrl}/higgsfield/feed/${id}`, AUTH);
    assert.equal(body.error.code, 'nsfw');
    assert.deepEqual(
      {
        flagged: body.error.detail.nsfw.flagged,
        score: body.error.detail.nsfw.score,
        porn: body.error.detail.nsfw.images[0].scores.porn,
      },
      { flagged: true, score: 0.94, porn: 0.91 },
    );
    assert.equal(body.params.check_nsfw, true);
  });

  test('reseller: check_nsfw must be a boolean (a 400 naming the field)', async () => {
    const res = await submitIn('reseller', server.baseUrl, neutral, { check_nsfw: 'yes' });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /check_nsfw/);
  });
});

describe('NSFW_CHECK=block and NSFW_CHECK=flag', () => {
  let block: TestServer;
  let flag: TestServer;
  before(async () => {
    block = await startTestServer(
      { NSFW_CHECK: 'block' },
      { app: { engine: standInEngine().engine, nsfwClassifier: stubClassifier } },
    );
    flag = await startTestServer(
      { NSFW_CHECK: 'flag' },
      { app: { engine: standInEngine().engine, nsfwClassifier: stubClassifier } },
    );
  });
  after(async () => {
    await block?.close();
    await flag?.close();
  });

  test('block: every dialect ends an explicit picture nsfw with no field, and check_nsfw false cannot skip it', async () => {
    for (const dialect of DIALECTS) {
      const plain = await submitIn(dialect, block.baseUrl, explicit);
      const optOut = await submitIn(dialect, block.baseUrl, explicit, { check_nsfw: false });
      const fine = await submitIn(dialect, block.baseUrl, neutral);
      assert.equal((await waitIn(dialect, block.baseUrl, plain.id!)).status, 'nsfw', dialect);
      assert.equal((await waitIn(dialect, block.baseUrl, optOut.id!)).status, 'nsfw', `${dialect}: opt-out refused`);
      assert.equal((await waitIn(dialect, block.baseUrl, fine.id!)).status, 'completed', dialect);
    }
  });

  test('flag: an explicit picture renders, its scores recorded; check_nsfw false skips the check', async () => {
    const flagged = await submitIn('v1', flag.baseUrl, explicit);
    const skipped = await submitIn('v1', flag.baseUrl, explicit, { check_nsfw: false });
    const done = await waitIn('v1', flag.baseUrl, flagged.id!);
    assert.equal(done.status, 'completed');
    assert.deepEqual(
      { mode: done.body.input_params.nsfw_check.mode, flagged: done.body.input_params.nsfw_check.flagged },
      { mode: 'flag', flagged: true },
    );
    const feed = await getJson(`${flag.baseUrl}/higgsfield/feed/${flagged.id}`, AUTH);
    assert.equal(feed.body.params.nsfw_check.score, 0.94);
    const other = await waitIn('v1', flag.baseUrl, skipped.id!);
    assert.equal(other.status, 'completed');
    assert.equal(other.body.input_params.nsfw_check, undefined);
  });
});

describe('the real model decides', () => {
  let server: TestServer;
  before(async () => {
    // Any picture has some porn + hentai probability above 1e-6, so the real scores block it.
    server = await startTestServer(
      { NSFW_CHECK: 'block', NSFW_THRESHOLD: '0.000001' },
      { app: { engine: standInEngine().engine } },
    );
  });
  after(() => server?.close());

  test('with a threshold every picture reaches, the nsfwjs scores end the task nsfw', async () => {
    const { id } = await submitIn('v2', server.baseUrl, neutral);
    const done = await waitIn('v2', server.baseUrl, id!, 120_000);
    assert.equal(done.status, 'nsfw');
    const { body } = await getJson(`${server.baseUrl}/higgsfield/feed/${id}`, AUTH);
    const scores = body.error.detail.nsfw.images[0].scores;
    const sum = scores.drawing + scores.hentai + scores.neutral + scores.porn + scores.sexy;
    assert.ok(Math.abs(sum - 1) < 0.01, `real probabilities: ${JSON.stringify(scores)}`);
    assert.ok(scores.porn + scores.hentai < 0.5, 'and the picture itself still scored low');
    assert.equal((await pollIn('v2', server.baseUrl, id!)).status, 'nsfw');
  });
});
