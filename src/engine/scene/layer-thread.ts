/**
 * Builds the scene layers (scene-sources.ts buildSceneSources) in a thread of their own:
 * the refinement, the fill and the matting are most of a depth move's preparation, and
 * nothing else waits on them until the first frame, so on two cores the rest of the
 * preparation (the depth, the frame plan) runs on the calling thread beside them. The
 * pixels are shared memory (SharedArrayBuffer): level 0 becomes the plate in place there
 * as it would here, and the layers come back without a copy, so the caller must not read
 * level 0 again once it has asked (its thumbnails are made before).
 *
 * One thread per process, started ahead (startLayerThread: while the picture decodes,
 * so its modules load then), reused by later tasks, unref'd while idle so it never keeps
 * the process alive. Where no thread can be started the layers are built here.
 */
import { Worker } from 'node:worker_threads';
import type { PainterSource } from '../render/frame-painter.js';
import type { DecodedSource } from '../render/source-image.js';
import { reportStages, timing } from '../render/stage-clock.js';
import type { LayerReply, LayerRequest } from './layer-worker.js';
import { buildSceneSources, type SceneEstimate } from './scene-sources.js';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: LayerReply) => void; reject: (e: Error) => void }>();

function thread(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./layer-worker.mjs', import.meta.url));
  w.on('message', (reply: LayerReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) w.unref();
    p.resolve(reply);
  });
  const fail = (error: Error): void => {
    if (worker !== w) return;
    worker = undefined;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`layer thread exited (${code})`)));
  w.unref();
  worker = w;
  return w;
}

/** Starts the thread (if it is not running) so that its modules load before it is asked. */
export function startLayerThread(): void {
  try {
    thread();
  } catch {
    // Asked for later, the layers are built on the calling thread.
  }
}

/**
 * buildSceneSources in the layer thread; the stages it times there are reported to this
 * thread's stage clock. Level 0 of each picture is the plate's once this is called.
 */
export async function buildSceneSourcesOffThread(
  decoded: DecodedSource[],
  scenes: SceneEstimate[],
): Promise<PainterSource[]> {
  if (!scenes.some((s) => s.matte)) return buildSceneSources(decoded, scenes);
  let w: Worker;
  try {
    w = thread();
  } catch {
    return buildSceneSources(decoded, scenes);
  }
  const id = nextId++;
  const reply = await new Promise<LayerReply>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, decoded, scenes, timed: timing() } satisfies LayerRequest);
  });
  if ('error' in reply) throw new Error(`layers: ${reply.error}`);
  reportStages(reply.stages);
  return reply.sources;
}
