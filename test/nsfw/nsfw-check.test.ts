/**
 * The content check: who decides whether it runs (server policy × request), what a hit
 * does, and the real nsfwjs model on pictures the tests make (loaded once per process).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeSampleImage } from '../../src/engine/index.js';
import {
  NsfwjsClassifier,
  nsfwModelLoads,
  type NsfwClassifier,
  type NsfwScores,
} from '../../src/nsfw/nsfw-classifier.js';
import { effectiveMode, nsfwPreRenderCheck } from '../../src/nsfw/nsfw-check.js';
import type { Task } from '../../src/core/task.js';
import { makeTestPng } from '../support/images.js';

const NEUTRAL: NsfwScores = { drawing: 0.05, hentai: 0.01, neutral: 0.9, porn: 0.02, sexy: 0.02 };
const EXPLICIT: NsfwScores = { drawing: 0.01, hentai: 0.04, neutral: 0.02, porn: 0.9, sexy: 0.03 };

/** Answers by the image's first byte, counting calls. */
function stubClassifier(byFirstByte: Record<number, NsfwScores>) {
  let calls = 0;
  const classifier: NsfwClassifier = {
    async classify(image) {
      calls++;
      return byFirstByte[image[0] ?? 0] ?? NEUTRAL;
    },
  };
  return { classifier, calls: () => calls };
}

const taskWith = (checkNsfw?: boolean): Task =>
  ({ id: 't', params: { images: [], ...(checkNsfw !== undefined && { checkNsfw }) } }) as unknown as Task;

describe('effectiveMode', () => {
  test('the request can raise the check to block, and can only skip what the server does not block', () => {
    const table = {
      off: [effectiveMode('off', undefined), effectiveMode('off', true), effectiveMode('off', false)],
      flag: [effectiveMode('flag', undefined), effectiveMode('flag', true), effectiveMode('flag', false)],
      block: [effectiveMode('block', undefined), effectiveMode('block', true), effectiveMode('block', false)],
    };
    assert.deepEqual(table, {
      off: ['off', 'block', 'off'],
      flag: ['flag', 'block', 'off'],
      block: ['block', 'block', 'block'],
    });
  });
});

describe('nsfwPreRenderCheck', () => {
  test('off: the classifier is never asked', async () => {
    const stub = stubClassifier({});
    const check = nsfwPreRenderCheck({ mode: 'off', threshold: 0.8 }, stub.classifier);
    assert.deepEqual(await check(taskWith(), [Buffer.from([1])]), { verdict: 'pass' });
    assert.equal(stub.calls(), 0);
  });

  test('block: the worst image decides, and the error carries every image’s scores', async () => {
    const stub = stubClassifier({ 2: EXPLICIT });
    const check = nsfwPreRenderCheck({ mode: 'off', threshold: 0.8 }, stub.classifier);
    const verdict = await check(taskWith(true), [Buffer.from([1]), Buffer.from([2])]);
    assert.equal(verdict.verdict, 'block');
    if (verdict.verdict !== 'block') return;
    assert.equal(verdict.status, 'nsfw');
    assert.equal(verdict.error.code, 'nsfw');
    assert.match(verdict.error.message, /input image 1 was judged explicit: porn 0\.9, hentai 0\.04 \(score 0\.94/);
    const record = verdict.error.detail?.nsfw as {
      flagged: boolean;
      score: number;
      images: { index: number; scores: NsfwScores }[];
    };
    assert.equal(record.flagged, true);
    assert.equal(record.score, 0.94);
    assert.deepEqual(
      record.images.map((i) => i.scores.porn),
      [0.02, 0.9],
    );
    assert.equal(stub.calls(), 2);
  });

  test('block below the threshold passes and records the scores; "sexy" alone is not explicit', async () => {
    const suggestive = { drawing: 0, hentai: 0.01, neutral: 0.04, porn: 0.05, sexy: 0.9 };
    const check = nsfwPreRenderCheck({ mode: 'block', threshold: 0.8 }, stubClassifier({ 3: suggestive }).classifier);
    const verdict = await check(taskWith(), [Buffer.from([3])]);
    assert.equal(verdict.verdict, 'pass');
    assert.equal(verdict.verdict === 'pass' && verdict.resolved?.nsfw?.flagged, false);
  });

  test('flag: a hit renders anyway, flagged in the record', async () => {
    const check = nsfwPreRenderCheck({ mode: 'flag', threshold: 0.8 }, stubClassifier({ 2: EXPLICIT }).classifier);
    const verdict = await check(taskWith(), [Buffer.from([2])]);
    assert.equal(verdict.verdict, 'pass');
    if (verdict.verdict !== 'pass') return;
    assert.deepEqual(
      { mode: verdict.resolved?.nsfw?.mode, flagged: verdict.resolved?.nsfw?.flagged },
      { mode: 'flag', flagged: true },
    );
  });
});

describe('the nsfwjs model (MobileNetV2 from the nsfwjs package, tfjs wasm)', () => {
  test('neutral pictures score low, and the model is loaded once for any number of images and classifiers', async (t) => {
    // The model comes from node_modules: any fetch while it loads would be a download.
    const realFetch = globalThis.fetch;
    const fetched: string[] = [];
    globalThis.fetch = (async (input: unknown) => {
      fetched.push(String(input));
      throw new Error('no network in this test');
    }) as typeof fetch;
    t.after(() => {
      globalThis.fetch = realFetch;
    });
    // (A 64×640 version of the test picture, squeezed to the model's square, scored porn 0.52:
    // its tan gradient reads as skin. It is not used here; docs/content-check.md lists such cases.)
    const images = [await makeSampleImage(), await makeTestPng(320, 180), await makeTestPng(640, 360)];
    const first = new NsfwjsClassifier();
    const second = new NsfwjsClassifier();
    const results = await Promise.all(images.map((image, i) => (i % 2 ? second : first).classify(image)));
    for (const [i, scores] of results.entries()) {
      const sum = Object.values(scores).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-3, `image ${i}: five probabilities adding up to 1 (${sum})`);
      assert.ok(scores.porn + scores.hentai < 0.05, `image ${i} is not explicit: ${JSON.stringify(scores)}`);
    }
    // The same bytes give the same scores (no state carried between images).
    assert.deepEqual(await first.classify(images[0]!), results[0]);
    assert.equal(nsfwModelLoads(), 1);
    assert.deepEqual(fetched, [], 'nothing was fetched');
  });
});
