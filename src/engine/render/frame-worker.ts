/**
 * Worker-thread body: builds a FramePainter from shared source pixels and paints the
 * frames it is sent into shared output slots, answering with the frame index.
 */
import { parentPort } from 'node:worker_threads';
import { FramePainter, type PainterSource } from './frame-painter.js';
import type { FrameInstructions } from './frame-plan.js';
import { exposedGc } from './exposed-gc.js';
import { preloadedAs, type FramePreload } from './frame-preload.js';

export interface FrameWorkerData {
  sources: PainterSource[];
  width: number;
  height: number;
  slots: SharedArrayBuffer[];
}

export type FrameWorkerRequest =
  | ({ type: 'init' } & FrameWorkerData)
  | ({ type: 'preload' } & FramePreload)
  /** Back in the pool: drop the painter (and its copies of the pictures). */
  | { type: 'reset' }
  | { type: 'frame'; index: number; slot: number; frame: FrameInstructions };
export type FrameWorkerReply = { type: 'done'; index: number } | { type: 'error'; index: number; message: string };

/**
 * Each painted frame reads its pixels back from Skia into a new frame-sized buffer that is
 * garbage at once. Two things must happen for its memory to be reused by the next frame:
 * a young-generation collection after each frame (cheap: the worker's young heap is nearly
 * empty) finds it dead, and the event loop must turn, because the addon's finalizer that
 * frees the buffer runs as a deferred task, not inside the collection. Messages that arrive
 * together are delivered in one turn, so the worker queues them and handles one per turn;
 * otherwise the buffers of queued frames pile up (measured at 1080p: +8 MB a frame in a
 * loop without turns, 22 MB flat with them; README: Render performance, Memory).
 *
 * Back in the pool, a full collection frees the render's canvases (Skia memory held by
 * old-generation objects, tens of MB at 1080p) there and then, rather than whenever a later
 * collection happens to run: an idle worker holds nothing of the last render.
 */
const gc = exposedGc();

if (parentPort) {
  const port = parentPort;
  // Pooled: each render sends its sources in an 'init' message (maybe in a 'preload' before
  // it, frame-preload.ts) and 'reset' when it is done.
  let painter: FramePainter | undefined;
  let preloaded: { key: string; width: number; height: number; painter: FramePainter } | undefined;
  let targets: Uint8Array[] = [];
  const handle = (msg: FrameWorkerRequest): void => {
    if (msg.type === 'preload') {
      const { key, width, height } = msg;
      try {
        preloaded = { key, width, height, painter: new FramePainter(msg.sources, width, height) };
      } catch {
        preloaded = undefined; // 'init' builds the painter again and reports what fails
      }
      return;
    }
    if (msg.type === 'init') {
      const ready =
        preloaded &&
        preloaded.key === preloadedAs(msg.sources) &&
        preloaded.width === msg.width &&
        preloaded.height === msg.height
          ? preloaded.painter
          : undefined;
      preloaded = undefined;
      painter = ready ?? new FramePainter(msg.sources, msg.width, msg.height);
      targets = msg.slots.map((s) => new Uint8Array(s));
      return;
    }
    if (msg.type === 'reset') {
      painter = undefined;
      preloaded = undefined;
      targets = [];
      gc?.({ type: 'major' });
      return;
    }
    try {
      if (!painter) throw new Error('frame requested before init');
      painter.paint(msg.frame, targets[msg.slot]!);
      port.postMessage({ type: 'done', index: msg.index } satisfies FrameWorkerReply);
      gc?.({ type: 'minor' });
    } catch (err) {
      port.postMessage({
        type: 'error',
        index: msg.index,
        message: err instanceof Error ? err.message : String(err),
      } satisfies FrameWorkerReply);
    }
  };
  // In arrival order, one request per event-loop turn (see above).
  const queue: FrameWorkerRequest[] = [];
  const next = (): void => {
    handle(queue.shift()!);
    if (queue.length > 0) setImmediate(next);
  };
  port.on('message', (msg: FrameWorkerRequest) => {
    if (queue.push(msg) === 1) setImmediate(next);
  });
}
