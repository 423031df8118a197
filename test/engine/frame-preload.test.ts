/** A frame worker's painter built ahead of 'init' (frame-preload.ts): used only for the sources it was built from. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { preloadedAs, preloadOf } from '../../src/engine/render/frame-preload.js';
import type { PainterSource } from '../../src/engine/render/frame-painter.js';
import { prepareRender } from '../../src/engine/render/prepare-render.js';
import type { RenderPlan } from '../../src/engine/render/frame-plan.js';
import type { FrameWorkerReply, FrameWorkerRequest } from '../../src/engine/render/frame-worker.js';
import { startFrameWorker } from '../../src/engine/render/frame-worker-pool.js';
import type { RenderJob } from '../../src/core/ports.js';
import { makeTexture, meanAbsDiff } from './helpers.js';

const W = 160;
const H = 90;
const job = (image: Buffer): RenderJob => ({
  taskId: 't',
  model: 'turbo',
  motions: [{ name: 'Zoom In', strength: 1 }],
  prompt: '',
  enhancePrompt: false,
  seed: 1,
  width: W,
  height: H,
  duration: 1,
  fps: 12,
  images: [image],
});

describe('frame preload', () => {
  let a: { sources: PainterSource[]; plan: RenderPlan };
  let b: { sources: PainterSource[]; plan: RenderPlan };
  let worker: Worker;
  before(async () => {
    a = await prepareRender(job(await makeTexture(3)), { maxImagePixels: 40_000_000 });
    b = await prepareRender(job(await makeTexture(4)), { maxImagePixels: 40_000_000 });
    worker = startFrameWorker();
  });
  after(() => worker.terminate());

  it('names the preload only when every source was sent in it', () => {
    const one = preloadOf(a.sources, W, H);
    assert.equal(preloadedAs(a.sources), one.key);
    assert.equal(preloadedAs(b.sources), undefined);
    assert.equal(preloadedAs([...a.sources, ...b.sources]), undefined);
    assert.notEqual(preloadOf(b.sources, W, H).key, one.key);
  });

  it('draws the init sources: with their preload as without it, never a preload of others', async () => {
    const init = (sources: PainterSource[], slot: SharedArrayBuffer): FrameWorkerRequest => ({
      type: 'init',
      sources,
      width: W,
      height: H,
      slots: [slot],
    });
    const draw = async (requests: (slot: SharedArrayBuffer) => FrameWorkerRequest[], plan: RenderPlan) => {
      const slot = new SharedArrayBuffer(W * H * 4);
      const reply = new Promise<FrameWorkerReply>((resolve) => worker.once('message', resolve));
      for (const r of requests(slot)) worker.postMessage(r);
      worker.postMessage({ type: 'frame', index: 0, slot: 0, frame: plan.frameAt(0) } satisfies FrameWorkerRequest);
      assert.deepEqual(await reply, { type: 'done', index: 0 });
      worker.postMessage({ type: 'reset' } satisfies FrameWorkerRequest);
      return new Uint8Array(slot);
    };
    const plainA = await draw((s) => [init(a.sources, s)], a.plan);
    const plainB = await draw((s) => [init(b.sources, s)], b.plan);
    assert.ok(meanAbsDiff(plainA, plainB) > 1, 'the two pictures differ');
    const preloaded = await draw(
      (s) => [{ type: 'preload', ...preloadOf(a.sources, W, H) }, init(a.sources, s)],
      a.plan,
    );
    assert.equal(meanAbsDiff(preloaded, plainA), 0);
    // A preload of picture A, then a render of picture B: B is drawn.
    const other = await draw((s) => [{ type: 'preload', ...preloadOf(a.sources, W, H) }, init(b.sources, s)], b.plan);
    assert.equal(meanAbsDiff(other, plainB), 0);
  });
});
