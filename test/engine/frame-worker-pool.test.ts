/** The engine's warm frame worker pool: started lazily, reused across renders, torn down. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../../src/core/errors.js';
import type { RenderJob } from '../../src/core/ports.js';
import { FrameWorkerPool, joinLeases } from '../../src/engine/render/frame-worker-pool.js';
import { drawingThreads } from '../../src/engine/render/render-video.js';
import { prepareRender } from '../../src/engine/render/prepare-render.js';
import { createLocalEngine } from '../../src/engine/index.js';
import { decodeGrey, makeTexture } from './helpers.js';

let root: string;
let texture: Buffer;
let n = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sm-pool-'));
  texture = await makeTexture(11);
});
after(() => rm(root, { recursive: true, force: true }));

// A Whip Pan's frames have motion-blur samples: its plan draws with every thread it is given
// (drawingThreads in render-video.ts), on any number of cores.
const job = (over: Partial<RenderJob> = {}): RenderJob => ({
  taskId: 't',
  model: 'turbo',
  motions: [{ name: 'Whip Pan', strength: 1 }],
  prompt: '',
  enhancePrompt: false,
  seed: 1,
  width: 160,
  height: 90,
  duration: 1,
  fps: 12,
  images: [texture],
  ...over,
});
const ctx = async (signal = new AbortController().signal, onProgress: (p: number) => void = () => {}) => {
  const workDir = join(root, String(n++));
  await import('node:fs/promises').then((fs) => fs.mkdir(workDir));
  return { workDir, signal, onProgress };
};

describe('frame worker pool', () => {
  it('lends the same workers again after a release and terminates them on close', async () => {
    const pool = new FrameWorkerPool(2);
    const a = pool.acquire();
    assert.equal(pool.started, 2);
    a.release();
    assert.equal(pool.idleCount, 2);
    const b = pool.acquire();
    assert.deepEqual(b.workers, a.workers);
    assert.equal(pool.started, 2);
    b.release();
    const exits = a.workers.map((w) => new Promise((r) => w.once('exit', r)));
    await pool.close();
    await Promise.all(exits);
    assert.equal(pool.liveCount, 0);
    assert.throws(() => pool.acquire(), /closed/);
  });

  it('lends what is asked for, idle workers first, and joins two leases into one', async () => {
    const pool = new FrameWorkerPool(2);
    pool.prewarm(1);
    assert.deepEqual([pool.started, pool.idleCount], [1, 1]);
    const a = pool.acquire(Math.max(1, pool.idleCount));
    assert.deepEqual([a.workers.length, pool.started], [1, 1]);
    const b = pool.acquire(1);
    assert.equal(pool.started, 2);
    const both = joinLeases(a, b);
    assert.deepEqual(both.workers, [...a.workers, ...b.workers]);
    both.release();
    assert.equal(pool.idleCount, 2);
    await pool.close();
  });

  it('replaces discarded workers with new ones', async () => {
    const pool = new FrameWorkerPool(1);
    const a = pool.acquire();
    await a.discard();
    const b = pool.acquire();
    assert.notEqual(b.workers[0], a.workers[0]);
    assert.equal(pool.started, 2);
    b.release();
    await pool.close();
  });
});

describe('local engine worker reuse', () => {
  it('starts its workers on the first render only, reuses them, and closes them', async () => {
    const engine = createLocalEngine({ renderThreads: 2 });
    assert.deepEqual(engine.workerStats(), { started: 0, alive: 0, idle: 0 });
    const first = await decodeGrey((await engine.render(job(), await ctx())).raw);
    assert.deepEqual(engine.workerStats(), { started: 2, alive: 2, idle: 2 });
    const second = await decodeGrey((await engine.render(job(), await ctx())).raw);
    assert.deepEqual(engine.workerStats(), { started: 2, alive: 2, idle: 2 });
    // Reused workers draw the same frames (no state leaks from the previous render).
    assert.ok(first.frames.every((f, i) => Buffer.compare(Buffer.from(f), Buffer.from(second.frames[i]!)) === 0));
    await engine.close();
    assert.equal(engine.workerStats().alive, 0);
    // A closed engine starts fresh workers if it is used again.
    await engine.render(job(), await ctx());
    assert.deepEqual(engine.workerStats(), { started: 4, alive: 2, idle: 2 });
    await engine.close();
  });

  it('warm() starts the workers before any render, and the first render uses them', async () => {
    const engine = createLocalEngine({ renderThreads: 2 });
    engine.warm();
    engine.warm();
    assert.deepEqual(engine.workerStats(), { started: 2, alive: 2, idle: 2 });
    await engine.render(job(), await ctx());
    assert.deepEqual(engine.workerStats(), { started: 2, alive: 2, idle: 2 });
    await engine.close();
  });

  it('warmed with one thread, starts a second only for a plan that draws with it', async () => {
    const engine = createLocalEngine({ renderThreads: 2 });
    engine.warm({ drawingThreads: 1 });
    assert.deepEqual(engine.workerStats(), { started: 1, alive: 1, idle: 1 });
    // A plain Zoom In draws with one thread on two cores and with both on more.
    const plain = job({ motions: [{ name: 'Zoom In', strength: 1 }] });
    const { plan } = await prepareRender(plain, { maxImagePixels: 40_000_000 });
    const wanted = drawingThreads(plan, 2);
    await engine.render(plain, await ctx());
    assert.deepEqual(engine.workerStats(), { started: wanted, alive: wanted, idle: wanted });
    await engine.render(job(), await ctx());
    assert.deepEqual(engine.workerStats(), { started: 2, alive: 2, idle: 2 });
    await engine.close();
  });

  it('terminates the lent workers on cancellation and starts new ones for the next render', async () => {
    const engine = createLocalEngine({ renderThreads: 2 });
    await engine.render(job(), await ctx());
    const controller = new AbortController();
    const c = await ctx(controller.signal, (p) => p > 0 && controller.abort());
    await assert.rejects(
      engine.render(job({ width: 640, height: 360, duration: 4, fps: 24 }), c),
      (e: unknown) => isAppError(e) && e.code === 'canceled',
    );
    assert.deepEqual(await readdir(c.workDir), []);
    assert.deepEqual(engine.workerStats(), { started: 2, alive: 0, idle: 0 });
    await engine.render(job(), await ctx());
    assert.deepEqual(engine.workerStats(), { started: 4, alive: 2, idle: 2 });
    await engine.close();
  });
});
