/**
 * Produces a plan's frames in order, rendered concurrently: in worker threads (each with
 * two shared output slots, so a frame can be painted while the previous one is written)
 * or, with zero threads, in-process. The window of frames in flight is fixed, so memory
 * does not grow with clip length.
 */
import type { Worker } from 'node:worker_threads';
import { FramePainter, type PainterSource } from './frame-painter.js';
import type { RenderPlan } from './frame-plan.js';
import type { FrameWorkerData, FrameWorkerReply, FrameWorkerRequest } from './frame-worker.js';
import { startFrameWorker, type WorkerLease } from './frame-worker-pool.js';

const SLOTS_PER_WORKER = 2;

/** A painted frame; its pixels stay valid until `release()`. */
export interface PaintedFrame {
  index: number;
  /** The frame in the source's pixel format. */
  pixels: Uint8Array;
  /** For the frame `rgbaFrame` asked for (of a yuv420p source): its RGBA pixels too. */
  rgba?: Uint8Array;
  release(): void;
}

/**
 * How frames come out: RGBA, or yuv420p painted in the drawing threads (frame-painter.ts),
 * so that ffmpeg neither converts them nor reads 4 bytes a pixel from its pipe.
 */
export type FramePixelFormat = 'rgba' | 'yuv420p';

/** Bytes of one `width`×`height` frame in `format`. */
export function frameBytes(width: number, height: number, format: FramePixelFormat = 'rgba'): number {
  return format === 'rgba' ? width * height * 4 : (width * height * 3) / 2;
}

export interface FrameSource {
  /** The frames in order; stops early if the consumer stops iterating. */
  frames(): AsyncGenerator<PaintedFrame>;
  /**
   * Stops: after every frame was produced, pooled workers go back to their pool; otherwise
   * (cancellation, failure) the workers are terminated and pending frames reject. Safe to
   * call more than once.
   */
  close(): Promise<void>;
}

export interface FrameSourceOptions {
  plan: RenderPlan;
  sources: PainterSource[];
  width: number;
  height: number;
  threads: number;
  /** Workers lent by a FrameWorkerPool (otherwise started here and terminated at close). */
  lease?: WorkerLease;
  /** The frames' pixel format (default RGBA); yuv420p needs even sides (yuv420Fits). */
  pixelFormat?: FramePixelFormat;
  /** With yuv420p: one frame (the poster's) also painted as RGBA, handed over as `rgba`. */
  rgbaFrame?: number;
}

/** Creates a frame source over `threads` workers (0 = paint on the calling thread). */
export function createFrameSource(options: FrameSourceOptions): FrameSource {
  return options.threads > 0 ? workerSource(options) : inlineSource(options);
}

/** Whether frame `i` is also painted as RGBA (the poster of a yuv420p source). */
function alsoRgba(o: FrameSourceOptions, i: number): boolean {
  return o.pixelFormat === 'yuv420p' && o.rgbaFrame === i;
}

function inlineSource(o: FrameSourceOptions): FrameSource {
  const painter = new FramePainter(o.sources, o.width, o.height);
  const pixels = new Uint8Array(frameBytes(o.width, o.height, o.pixelFormat));
  return {
    async *frames() {
      for (let i = 0; i < o.plan.frames; i++) {
        const frame = o.plan.frameAt(i);
        painter.paint(frame, pixels);
        let rgba: Uint8Array | undefined;
        if (alsoRgba(o, i)) painter.paint(frame, (rgba = new Uint8Array(frameBytes(o.width, o.height))));
        yield { index: i, pixels, ...(rgba && { rgba }), release: () => {} };
      }
    },
    close: async () => {},
  };
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
}

function ownLease(threads: number): WorkerLease {
  const workers = Array.from({ length: threads }, () => startFrameWorker());
  const terminate = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return { workers, release: () => void terminate(), discard: terminate };
}

function workerSource(o: FrameSourceOptions): FrameSource {
  const bytes = frameBytes(o.width, o.height, o.pixelFormat);
  const pending = new Map<number, Pending>();
  let closed = false;
  let complete = false;
  const fail = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const lease = o.lease ?? ownLease(o.threads);
  const onMessage = (msg: FrameWorkerReply): void => {
    const p = pending.get(msg.index);
    if (!p) return;
    pending.delete(msg.index);
    if (msg.type === 'done') p.resolve();
    else p.reject(new Error(`frame ${msg.index}: ${msg.message}`));
  };
  const onError = (err: Error): void => fail(err);
  const onExit = (code: number): void => {
    if (!closed) fail(new Error(`a frame worker exited with code ${code}`));
  };
  // Where the RGBA copy of frame `rgbaFrame` goes: a third slot of the worker painting it.
  const rgbaAt =
    o.rgbaFrame !== undefined && alsoRgba(o, o.rgbaFrame) && o.rgbaFrame < o.plan.frames
      ? { w: o.rgbaFrame % lease.workers.length, slot: SLOTS_PER_WORKER }
      : undefined;
  const workers = lease.workers.map((worker: Worker, w) => {
    const slots = Array.from({ length: SLOTS_PER_WORKER }, () => new SharedArrayBuffer(bytes));
    if (rgbaAt?.w === w) slots.push(new SharedArrayBuffer(frameBytes(o.width, o.height)));
    const init: FrameWorkerData = { sources: o.sources, width: o.width, height: o.height, slots };
    worker.postMessage({ type: 'init', ...init } satisfies FrameWorkerRequest);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    return { worker, views: slots.map((s) => new Uint8Array(s)) };
  });
  const window = workers.length * SLOTS_PER_WORKER;
  // Round-robin: frame i goes to worker i mod n, slot (i div n) mod 2. With at most
  // `window` consecutive frames in flight, no slot is ever used by two frames at once.
  const place = (i: number): { w: number; slot: number } => ({
    w: i % workers.length,
    slot: Math.floor(i / workers.length) % SLOTS_PER_WORKER,
  });
  // The RGBA copy's request is answered under index -1 - i (frame indices are never negative).
  const dispatch = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('the frame source is closed'));
      const { w, slot } = place(i);
      const frame = o.plan.frameAt(i);
      const copy = rgbaAt && o.rgbaFrame === i ? -1 - i : undefined;
      let left = copy === undefined ? 1 : 2;
      const part = { resolve: () => void (--left === 0 && resolve()), reject };
      pending.set(i, part);
      workers[w]!.worker.postMessage({ type: 'frame', index: i, slot, frame } satisfies FrameWorkerRequest);
      if (copy !== undefined) {
        pending.set(copy, part);
        workers[w]!.worker.postMessage({
          type: 'frame',
          index: copy,
          slot: rgbaAt!.slot,
          frame,
        } satisfies FrameWorkerRequest);
      }
    });

  return {
    async *frames() {
      const inFlight = new Map<number, Promise<void>>();
      let next = 0;
      for (let i = 0; i < o.plan.frames; i++) {
        while (next < o.plan.frames && next < i + window) {
          const p = dispatch(next);
          p.catch(() => {}); // observed when awaited below; avoids an unhandled rejection on close
          inFlight.set(next, p);
          next++;
        }
        await inFlight.get(i);
        inFlight.delete(i);
        const { w, slot } = place(i);
        const rgba = rgbaAt && o.rgbaFrame === i ? workers[rgbaAt.w]!.views[rgbaAt.slot] : undefined;
        yield { index: i, pixels: workers[w]!.views[slot]!, ...(rgba && { rgba }), release: () => {} };
      }
      complete = pending.size === 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const { worker } of workers) {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      }
      if (complete) {
        lease.release();
        return;
      }
      fail(new Error('the frame source was closed'));
      await lease.discard();
    },
  };
}
