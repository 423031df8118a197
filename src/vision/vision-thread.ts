/**
 * Runs the vision models off the calling thread. A look at a picture is ~0.3–0.8 s of
 * synchronous WebAssembly (a model's run cannot be interrupted), which on the embedded
 * service's main thread would stall every HTTP request for that long. One worker thread
 * per process does the looks instead (models loaded once, there); it is spawned on first
 * use and does not keep the process alive while idle.
 */
import { Worker } from 'node:worker_threads';
import type { RgbPicture } from './picture.js';
import type { SceneVision, SeeOptions } from './scene-vision.js';
import type { VisionReply, VisionRequest } from './vision-worker.js';

let worker: Worker | undefined;
/** The thread ends as soon as it has answered what it was asked (releaseVision). */
let releasing = false;
let nextId = 1;
const pending = new Map<number, { resolve: (v: SceneVision | undefined) => void; reject: (e: Error) => void }>();

function end(w: Worker): void {
  releasing = false;
  warmed = false;
  if (worker === w) worker = undefined;
  void w.terminate();
}

function thread(): Worker {
  releasing = false;
  if (worker) return worker;
  const w = new Worker(new URL('./vision-worker.mjs', import.meta.url));
  w.on('message', (reply: VisionReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) {
      w.unref();
      if (releasing) end(w);
    }
    if ('error' in reply) p.reject(new Error(`vision: ${reply.error}`));
    else p.resolve(reply.vision);
  });
  const fail = (error: Error): void => {
    // A thread released while idle owes nothing; the requests pending now are a new one's.
    if (worker !== w) return;
    worker = undefined;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`vision thread exited (${code})`)));
  w.unref();
  worker = w;
  return w;
}

type Request = VisionRequest extends infer R ? (R extends VisionRequest ? Omit<R, 'id'> : never) : never;

/** `keepAlive: false`: the request alone does not keep the process running (a warm-up). */
function ask(req: Request, keepAlive = true): Promise<SceneVision | undefined> {
  const w = thread();
  const id = nextId++;
  return new Promise<SceneVision | undefined>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (keepAlive) w.ref();
    w.postMessage({ ...req, id });
  });
}

let looksAskedFor = 0;
/** How many looks this process has asked the vision thread for (tests: a picture is looked at once). */
export function looksAsked(): number {
  return looksAskedFor;
}

/** seeScene in the vision thread. */
export async function seeSceneOffThread(picture: RgbPicture, options: SeeOptions): Promise<SceneVision> {
  looksAskedFor++;
  return (await ask({ op: 'see', picture, options }))!;
}

/** segmentSubject in the vision thread (the look comes back with its person mask). */
export async function segmentSubjectOffThread(picture: RgbPicture, vision: SceneVision): Promise<SceneVision> {
  return (await ask({ op: 'segment', picture, vision }))!;
}

/**
 * Starts the vision thread and loads the runtime and the detector models there, in the
 * background, so that a process's first look does not wait for them (~1 s on two cores).
 * Idempotent once warm; a failure is left for the first look to report. `keep: false` is
 * a one-shot process (the CLI) loading early: its models may still be released for the
 * render's memory, as a service's are not (visionKeptWarm).
 */
let warmed = false;
/** Whether this process asked for warm models (a service between tasks). */
let keepWarm = false;
export function warmVision(opts: { keep?: boolean } = {}): void {
  if (opts.keep !== false) keepWarm = true;
  if (warmed) return;
  warmed = true;
  ask({ op: 'warm' }, false).catch(() => {
    warmed = false;
  });
}

/**
 * Ends the vision thread once it has answered every request in flight (at once when
 * idle), freeing its memory for the render; a later look starts a new one (the models
 * load again there, ~1 s on two cores). A request made meanwhile keeps it.
 */
export function releaseVision(): void {
  if (!worker) return;
  if (pending.size === 0) end(worker);
  else releasing = true;
}

/** Whether this process asked for warm models (warmVision): a service, not a one-shot CLI. */
export function visionKeptWarm(): boolean {
  return keepWarm;
}

/** Loads the models again after a release, where the process asked for warm models (warmVision). */
export function rewarmVision(): void {
  if (keepWarm) warmVision();
}
