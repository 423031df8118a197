/**
 * A warm pool of frame worker threads, owned by one engine: started lazily on the first
 * render (thread start-up and module loading cost ~0.3 s and the first frames of a fresh
 * thread draw slower), reused by later renders, and terminated by `close()`. Idle workers
 * are unref'd so an engine that is never closed does not keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import type { FrameWorkerRequest } from './frame-worker.js';

/** Starts one frame worker thread. */
export function startFrameWorker(): Worker {
  return new Worker(new URL('./frame-worker.mjs', import.meta.url));
}

/** Workers lent to one render; give them back with `release` or `discard`. */
export interface WorkerLease {
  readonly workers: Worker[];
  /** Returns healthy workers to the pool (their painters are dropped). */
  release(): void;
  /** Terminates the workers (cancellation or failure); the pool starts new ones later. */
  discard(): Promise<void>;
}

export class FrameWorkerPool {
  private idle: Worker[] = [];
  private readonly live = new Set<Worker>();
  private closed = false;
  /** Workers started so far (for tests and diagnostics). */
  started = 0;

  constructor(readonly size: number) {}

  /** Idle workers in the pool now. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Workers alive now (idle or lent). */
  get liveCount(): number {
    return this.live.size;
  }

  /**
   * Lends `count` workers (at most the pool's size): idle ones first, new ones for the rest.
   * A render that may not need them all takes what is idle now and at least one
   * (`acquire(Math.max(1, pool.idleCount))`), and more once it knows (local-engine.ts).
   */
  acquire(count = this.size): WorkerLease {
    if (this.closed) throw new Error('the frame worker pool is closed');
    const n = Math.max(1, Math.min(this.size, count));
    const workers = this.idle.splice(0, n);
    while (workers.length < n) workers.push(this.spawn());
    for (const w of workers) w.ref();
    let done = false;
    return {
      workers,
      release: () => {
        if (done) return;
        done = true;
        for (const w of workers) {
          if (!this.live.has(w)) continue; // it exited meanwhile
          if (this.closed || this.idle.length >= this.size) {
            this.live.delete(w);
            void w.terminate();
            continue;
          }
          w.postMessage({ type: 'reset' } satisfies FrameWorkerRequest);
          w.unref();
          this.idle.push(w);
        }
      },
      discard: async () => {
        if (done) return;
        done = true;
        for (const w of workers) this.live.delete(w);
        await Promise.all(workers.map((w) => w.terminate()));
      },
    };
  }

  /**
   * Starts idle workers up to `count` alive (the pool's size by default; none while a render
   * holds them).
   */
  prewarm(count = this.size): void {
    if (this.closed) return;
    const n = Math.min(this.size, count);
    while (this.live.size < n) {
      const w = this.spawn();
      w.unref();
      this.idle.push(w);
    }
  }

  private spawn(): Worker {
    const w = startFrameWorker();
    this.started++;
    this.live.add(w);
    // A worker that dies while idle is simply forgotten; a lent one is reported by its render.
    w.on('error', () => {});
    w.once('exit', () => {
      this.live.delete(w);
      this.idle = this.idle.filter((x) => x !== w);
    });
    return w;
  }

  /** Terminates every worker, idle or lent. Safe to call more than once. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.live];
    this.live.clear();
    this.idle = [];
    await Promise.all(all.map((w) => w.terminate()));
  }
}

/** One lease of both leases' workers: released or discarded together. */
export function joinLeases(a: WorkerLease, b: WorkerLease): WorkerLease {
  return {
    workers: [...a.workers, ...b.workers],
    release: () => {
      a.release();
      b.release();
    },
    discard: async () => {
      await Promise.all([a.discard(), b.discard()]);
    },
  };
}
