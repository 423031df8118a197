/**
 * The `higgsfield` relay engine against the fake platform (test/support/fake-higgsfield.ts):
 * the wire format, one submit per task, the upstream record written before anything else,
 * every scripted fault mapped to our error catalogue, resume after a crash, results made
 * ours. Backoff waits go through an injected sleep, so no test waits real seconds.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { HiggsfieldApi } from '../../src/adapters/higgsfield/higgsfield-api.js';
import { HiggsfieldEngine } from '../../src/adapters/higgsfield/higgsfield-engine.js';
import { upstreamHostTrust } from '../../src/adapters/higgsfield/result-media.js';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';
import { isAppError, type AppError } from '../../src/core/errors.js';
import type { RenderJob, RenderOutput } from '../../src/core/ports.js';
import type { UpstreamRequest } from '../../src/core/task.js';
import { createSafeFetcher } from '../../src/inputs/safe-fetch.js';
import {
  FAKE_KEY_ID,
  FAKE_KEY_SECRET,
  startFakeHiggsfield,
  type FakeHiggsfield,
  type FakeScript,
} from '../support/fake-higgsfield.js';
import { makeTestPng } from '../support/images.js';

const catalogue = MotionCatalogue.load();
const SET_ON_FIRE = catalogue.platformIds('Set on Fire')![0]!;
const silent = { info() {}, warn() {}, error() {} };

interface Run {
  output?: RenderOutput;
  error?: AppError;
  /** Every value recordUpstream was called with, in order. */
  records: (UpstreamRequest | undefined)[];
  upstream: UpstreamRequest | undefined;
  progress: number[];
}

describe('higgsfield relay engine', () => {
  let fake: FakeHiggsfield;
  let workRoot: string;
  let png: Buffer;
  let delays: number[];
  let errorLogs: string[];

  before(async () => {
    png = await makeTestPng(320, 192);
    workRoot = await mkdtemp(join(tmpdir(), 'relay-engine-'));
  });
  after(async () => {
    await rm(workRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await fake?.close();
    delays = [];
    errorLogs = [];
  });
  after(async () => fake?.close());

  async function useFake(script: Partial<FakeScript> = {}): Promise<void> {
    await fake?.close();
    fake = await startFakeHiggsfield(script);
  }

  function engine(timeoutMs = 5000): HiggsfieldEngine {
    const limits = { timeoutMs, maxBytes: 50 * 1024 * 1024 };
    return new HiggsfieldEngine({
      api: new HiggsfieldApi({ baseUrl: fake.baseUrl, keyId: FAKE_KEY_ID, keySecret: FAKE_KEY_SECRET, timeoutMs }),
      catalogue,
      results: {
        trusted: createSafeFetcher({ ...limits, allowPrivate: true, isAllowedAddress: () => true }),
        guarded: createSafeFetcher({ ...limits, allowPrivate: false }),
        isTrusted: upstreamHostTrust(fake.baseUrl),
      },
      logger: { ...silent, error: (_obj: object, msg: string) => void errorLogs.push(msg) },
      sleep: async (ms, signal) => {
        delays.push(ms);
        if (signal.aborted) throw new Error(String(signal.reason));
        await new Promise((r) => setImmediate(r));
      },
      random: () => 0.5,
    });
  }

  function job(overrides: Partial<RenderJob> = {}): RenderJob {
    return {
      taskId: 'task-1',
      model: 'lite',
      motions: [{ name: 'Set on Fire', strength: 0.9 }],
      prompt: 'flames rise',
      enhancePrompt: true,
      seed: 4242,
      images: [png],
      imageTypes: ['image/png'],
      ...overrides,
    };
  }

  async function run(
    subject: HiggsfieldEngine,
    renderJob: RenderJob,
    signal = new AbortController().signal,
  ): Promise<Run> {
    const result: Run = { records: [], upstream: renderJob.upstream, progress: [] };
    const workDir = await mkdtemp(join(workRoot, 'w-'));
    try {
      result.output = await subject.render(renderJob, {
        workDir,
        signal,
        onProgress: (p) => result.progress.push(p),
        recordUpstream: async (upstream) => {
          result.records.push(upstream);
          result.upstream = upstream;
        },
      });
    } catch (error) {
      if (!isAppError(error)) throw error;
      result.error = error;
    }
    return result;
  }

  it('uploads, submits once with platform ids and Key auth, polls, and makes raw, min and poster', async () => {
    await useFake({ queuedPolls: 2, inProgressPolls: 2 });
    const r = await run(engine(), job());
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(fake.submits.length, 1);
    const [submit] = fake.submits;
    assert.equal(submit!.path, '/higgsfield-ai/dop/lite');
    assert.deepEqual(submit!.body.motions, [{ id: SET_ON_FIRE, strength: 0.9 }]);
    assert.equal(submit!.body.seed, 4242);
    assert.equal(submit!.body.prompt, 'flames rise');
    assert.match(String(submit!.body.image_url), /\/files\//);
    assert.equal(fake.uploads.length, 1);
    assert.equal(fake.uploads[0]!.authorization, undefined, 'the PUT carries no credentials');
    assert.equal(fake.uploads[0]!.bytes, png.length);
    assert.ok(fake.authHeaders.every((h) => h === `Key ${FAKE_KEY_ID}:${FAKE_KEY_SECRET}`));
    // The intent is recorded before the submit, the request id right after it.
    assert.deepEqual(
      r.records.map((u) => u?.state),
      ['submitting', 'accepted'],
    );
    assert.equal(r.upstream?.requestId, submit!.requestId);
    const out = r.output!;
    for (const path of [out.raw, out.min, out.poster]) assert.ok(existsSync(path), path);
    assert.equal(out.resolved.engine, 'higgsfield');
    assert.equal(out.resolved.width, 320);
    assert.equal(out.resolved.height, 192);
    assert.equal(out.resolved.upstream?.requestId, submit!.requestId);
    assert.ok(
      r.progress.some((p) => p > 0.1 && p < 0.93),
      'in_progress moves the progress',
    );
  });

  it('a combined name goes as its parts; two images go to first-last-frame with end_image_url', async () => {
    await useFake();
    const r = await run(
      engine(),
      job({
        motions: [{ name: 'Crash Zoom In + Face Punch', strength: 0.5 }],
        images: [png, png],
        imageTypes: ['image/png', 'image/png'],
      }),
    );
    assert.equal(r.error, undefined, r.error?.message);
    const [submit] = fake.submits;
    assert.equal(submit!.path, '/higgsfield-ai/dop/lite/first-last-frame');
    assert.deepEqual(
      submit!.body.motions,
      ['Crash Zoom In', 'Face Punch'].map((name) => ({ id: catalogue.platformIds(name)![0], strength: 0.5 })),
    );
    assert.match(String(submit!.body.end_image_url), /\/files\//);
    assert.equal(fake.uploads.length, 2);
  });

  it('polls with backoff from 2 s growing ×1.5 to 10 s (jitter injected at its midpoint)', async () => {
    await useFake({ queuedPolls: 6, inProgressPolls: 0 });
    const r = await run(engine(), job());
    assert.equal(r.error, undefined, r.error?.message);
    assert.deepEqual(delays, [2000, 3000, 4500, 6750, 10000, 10000, 10000]);
  });

  it('resumes polling the recorded request after a crash: no second upload or submit', async () => {
    await useFake({ queuedPolls: 3 });
    const first = new AbortController();
    const subject = engine();
    const pending = run(subject, job(), first.signal);
    while (fake.statusCalls < 1) await new Promise((r) => setTimeout(r, 5));
    first.abort('lease_lost'); // the worker "died" mid-poll
    const crashed = await pending.catch((error: unknown) => ({ crashed: error }));
    assert.ok('crashed' in crashed || crashed.error === undefined);
    assert.equal(fake.submits.length, 1);
    const recorded = fake.submits[0]!.requestId!;
    const resumed = await run(
      engine(),
      job({
        upstream: {
          engine: 'higgsfield',
          state: 'accepted',
          endpoint: '/higgsfield-ai/dop/lite',
          requestId: recorded,
          submittedAt: 1,
        },
      }),
    );
    assert.equal(resumed.error, undefined, resumed.error?.message);
    assert.equal(fake.submits.length, 1, 'exactly one submit');
    assert.equal(fake.uploads.length, 1, 'no second upload');
    assert.equal(resumed.output?.resolved.upstream?.requestId, recorded);
    assert.equal(fake.cancels.length, 0, 'a lost lease does not cancel upstream');
  });

  it('a submit recorded as sent but never answered is not sent again', async () => {
    await useFake();
    const r = await run(
      engine(),
      job({
        upstream: {
          engine: 'higgsfield',
          state: 'submitting',
          endpoint: '/higgsfield-ai/dop/lite',
          submittedAt: Date.UTC(2026, 0, 2),
        },
      }),
    );
    assert.equal(r.error?.code, 'upstream_uncertain');
    assert.match(r.error!.message, /2026-01-02T00:00:00\.000Z/);
    assert.equal(fake.submits.length, 0);
  });

  for (const fault of ['server_error', 'drop'] as const) {
    it(`a ${fault} on submit fails the task as uncertain and is never re-sent`, async () => {
      await useFake({ submitFaults: [fault] });
      const r = await run(engine(), job());
      assert.equal(r.error?.code, 'upstream_uncertain');
      assert.equal(r.error?.retryable, false);
      assert.match(r.error!.message, /not sent again/);
      assert.equal(fake.submits.length, 1, 'never submitted twice');
      assert.equal(r.upstream?.state, 'submitting', 'the uncertainty stays on the record');
    });
  }

  it('the concurrency cap is not a failure: it waits and submits again, then completes', async () => {
    await useFake({ submitFaults: ['concurrency_cap', 'concurrency_cap'] });
    const subject = engine();
    const r = await run(subject, job());
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(fake.submits.length, 3);
    assert.equal(fake.accepted().length, 1, 'one request bought');
    assert.deepEqual(
      r.records.map((u) => u?.state),
      ['submitting', undefined, 'submitting', undefined, 'submitting', 'accepted'],
    );
    assert.deepEqual(delays.slice(0, 2), [2000, 3000], 'backoff between capped submits');
    assert.equal(subject.health().concurrencyWaits, 2);
    assert.equal(subject.health().errorsByCode['400'], 2);
  });

  it('429 on submit honours Retry-After', async () => {
    await useFake({ submitFaults: ['rate_limited'] });
    const r = await run(engine(), job());
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(delays[0], 1000);
    assert.equal(fake.accepted().length, 1);
  });

  const refusals = [
    { fault: 'credits', code: 'upstream_credits', retryable: false, message: /not enough credits/ },
    { fault: 'unauthorized', code: 'upstream_unauthorized', retryable: false, message: /credentials \(401\)/ },
    { fault: 'invalid', code: 'upstream_rejected', retryable: false, message: /body\.prompt: Field required/ },
    { fault: 'blocked', code: 'upstream_unavailable', retryable: true, message: /blocked \(423\)/ },
  ] as const;
  for (const { fault, code, retryable, message } of refusals) {
    it(`a ${fault} refusal becomes ${code}`, async () => {
      await useFake({ submitFaults: [fault] });
      const subject = engine();
      const r = await run(subject, job());
      assert.equal(r.error?.code, code);
      assert.equal(r.error?.retryable, retryable);
      assert.match(r.error!.message, message);
      assert.ok(!r.error!.message.includes(FAKE_KEY_SECRET), 'no secret in the message');
      assert.equal(r.upstream, undefined, 'a refused submit is known not accepted: the record is cleared');
      assert.equal(fake.submits.length, 1);
      if (fault === 'credits') assert.equal(subject.health().creditsRefused, 1);
      if (fault === 'unauthorized')
        assert.ok(
          errorLogs.some((m) => /HF_API_KEY/.test(m)),
          'logged loudly for the operator',
        );
    });
  }

  const outcomes = [
    { outcome: 'failed', code: 'upstream_failed', message: /the model could not follow the motion/ },
    { outcome: 'nsfw', code: 'content_nsfw', message: /NSFW/ },
    { outcome: 'canceled', code: 'upstream_canceled', message: /canceled on the Higgsfield cloud/ },
  ] as const;
  for (const { outcome, code, message } of outcomes) {
    it(`an upstream '${outcome}' ends the task (${code})`, async () => {
      await useFake({ outcome });
      const r = await run(engine(), job());
      assert.equal(r.error?.code, code);
      assert.match(r.error!.message, message);
      assert.equal(fake.submits.length, 1);
    });
  }

  it('5xx and a status call that times out are retried polls, not new submits', async () => {
    await useFake({ statusFaults: ['server_error', 'hang', 'server_error'] });
    const subject = engine(300);
    const r = await run(subject, job());
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(fake.submits.length, 1);
    assert.ok(fake.statusCalls >= 5);
    const health = subject.health();
    assert.equal(health.errorsByCode['502'], 2);
    assert.equal(health.errorsByCode.timeout, 1);
    assert.equal(health.lastCallOk, true);
  });

  it('a slow result download fails the attempt retryably; the retry polls the same request', async () => {
    await useFake({ resultDelayMs: 1500 });
    const r = await run(engine(300), job());
    assert.equal(r.error?.code, 'render_failed');
    assert.equal(r.error?.retryable, true);
    fake.script.resultDelayMs = 0;
    const again = await run(engine(300), job({ upstream: r.upstream! }));
    assert.equal(again.error, undefined, again.error?.message);
    assert.equal(fake.submits.length, 1, 'the retry did not buy it again');
  });

  it('a result on another host goes through the SSRF guard (loopback refused)', async () => {
    await useFake();
    fake.script.resultOrigin = fake.baseUrl.replace('127.0.0.1', 'localhost');
    const r = await run(engine(), job());
    assert.equal(r.error?.code, 'upstream_error');
    assert.match(r.error!.message, /refused/);
  });

  it('cancelUpstream: 202 while queued there, false once it started', async () => {
    await useFake({ queuedPolls: 100 });
    const subject = engine();
    const controller = new AbortController();
    const pending = run(subject, job(), controller.signal);
    while (fake.accepted().length < 1) await new Promise((r) => setTimeout(r, 5));
    const requestId = fake.accepted()[0]!.requestId!;
    const task = {
      id: 't',
      upstream: { engine: 'higgsfield', state: 'accepted', endpoint: '/x', requestId, submittedAt: 1 },
    } as never;
    assert.equal(await subject.cancelUpstream(task), true);
    const r = await pending;
    assert.equal(r.error?.code, 'upstream_canceled');
    assert.equal(await subject.cancelUpstream(task), false, 'a canceled request cannot be canceled again');
    assert.deepEqual(
      fake.cancels.map((c) => c.answered),
      [202, 400],
    );
  });
});
