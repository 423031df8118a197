/**
 * The task runner: claim a task with a lease, render it through the engine, store the
 * results, finish the task. A lease is kept alive by a heartbeat; a runner that dies loses
 * it and the task goes back to the queue. Failed renders are retried with backoff up to
 * `maxAttempts`. Cancellation and shutdown reach the engine through one AbortSignal per
 * render. (Not to be confused with the engine's frame threads, `engine/render/frame-worker-pool.ts`.)
 */
import { AppError, isAppError } from './errors.js';
import type {
  Engine,
  Lease,
  MediaStore,
  QueueLane,
  RenderOutput,
  ScratchSpace,
  TaskQueue,
  TaskStore,
} from './ports.js';
import { mediaToken } from './task-service.js';
import type { RenderResolved, Task, TaskError, TaskResults, TaskStatus, UpstreamRequest } from './task.js';
import { mediaPrefixesOf } from './retention.js';

/**
 * A check on a task's input images before it renders (the content check). `block` ends
 * the task in `status` with `error`, its inputs deleted; `pass` may add to its record.
 */
export type PreRenderCheck = (task: Task, images: Buffer[]) => Promise<PreRenderVerdict>;
export type PreRenderVerdict =
  | { verdict: 'pass'; resolved?: Partial<RenderResolved> }
  | { verdict: 'block'; status: 'nsfw'; error: TaskError };

/** Thrown inside a render attempt when a pre-render check blocks the task. */
class RenderBlocked extends Error {
  constructor(readonly outcome: Extract<PreRenderVerdict, { verdict: 'block' }>) {
    super(outcome.error.message);
  }
}

export type RenderOutcome = 'completed' | 'failed' | 'nsfw' | 'canceled' | 'retried' | 'requeued';

export interface TaskRunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TaskRunnerDeps {
  store: TaskStore;
  queue: TaskQueue;
  media: MediaStore;
  engine: Engine;
  /** Scratch folders for renders: one per attempt, always handed back. */
  scratch: ScratchSpace;
  /** Local renders at once (the `render` lane). */
  concurrency: number;
  /**
   * Relayed tasks at once (the `relay` lane): a cloud engine's tasks only wait on the
   * network, so they run on slots of their own beside the local renders. Default 0.
   */
  relayConcurrency?: number;
  maxAttempts: number;
  leaseMs: number;
  logger: TaskRunnerLogger;
  /** Called once per finished render attempt (metrics). */
  onRenderFinished?: (outcome: RenderOutcome, seconds: number) => void;
  /** Called when a task reaches a terminal state through this runner (webhooks). */
  onTerminal?: (task: Task) => void;
  now?: () => number;
  /** Retry backoff for attempt n (1-based). */
  retryDelayMs?: (attempt: number) => number;
  /** Runs on the input images before each render (the content check). */
  beforeRender?: PreRenderCheck;
}

/** Why a render's signal was aborted. */
type AbortReason = 'canceled' | 'lease_lost' | 'shutdown';

const PROGRESS_INTERVAL_MS = 500;

export class TaskRunner {
  private readonly deps: TaskRunnerDeps;
  private readonly now: () => number;
  private readonly stopping = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly running = new Map<string, AbortController>();
  private readonly workerIdPrefix = `w-${process.pid}-${mediaToken().slice(0, 6)}`;

  constructor(deps: TaskRunnerDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  get activeRenders(): number {
    return this.running.size;
  }

  start(): void {
    // A process that renders gets its engine ready now rather than on the first task.
    if (this.deps.concurrency > 0) this.deps.engine.warm?.();
    for (let i = 0; i < this.deps.concurrency; i++) this.loops.push(this.loop(`${this.workerIdPrefix}-${i}`, 'render'));
    const relay = this.deps.engine.laneFor ? (this.deps.relayConcurrency ?? 0) : 0;
    for (let i = 0; i < relay; i++) this.loops.push(this.loop(`${this.workerIdPrefix}-r${i}`, 'relay'));
  }

  /**
   * Stops taking work. Running renders get `graceMs` to finish; after that they are
   * aborted and their tasks go back to the queue for the next start.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping.abort();
    const all = Promise.all(this.loops);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const controller of this.running.values()) controller.abort('shutdown' satisfies AbortReason);
      await all;
    }
  }

  private async loop(workerId: string, lane: QueueLane): Promise<void> {
    const { queue, leaseMs, logger } = this.deps;
    while (!this.stopping.signal.aborted) {
      let lease: Lease | undefined;
      try {
        lease = lane === 'render' ? await queue.claim(workerId, leaseMs) : await queue.claim(workerId, leaseMs, lane);
      } catch (err) {
        logger.error({ err, workerId }, 'claiming a task failed');
      }
      if (!lease) {
        await (lane === 'render'
          ? queue.waitForWork(1000, this.stopping.signal)
          : queue.waitForWork(1000, this.stopping.signal, lane)
        ).catch(() => undefined);
        continue;
      }
      try {
        await this.process(lease);
      } catch (err) {
        // process() handles its own failures; reaching here is a bug, so log it loudly
        // and let the lease expire so the task is retried.
        logger.error({ err, taskId: lease.taskId }, 'worker crashed while processing a task');
      }
    }
  }

  private async process(lease: Lease): Promise<void> {
    const { store, queue, maxAttempts, logger } = this.deps;
    const task = await store.get(lease.taskId);
    if (
      !task ||
      task.status === 'completed' ||
      task.status === 'failed' ||
      task.status === 'nsfw' ||
      task.status === 'canceled'
    ) {
      await queue.complete(lease);
      return;
    }
    if (lease.attempt > maxAttempts) {
      const error: TaskError = {
        code: 'attempts_exhausted',
        message: task.error?.message
          ? `gave up after ${maxAttempts} attempts; last error: ${task.error.message}`
          : `gave up after ${maxAttempts} attempts (the worker stopped each time)`,
      };
      await this.finish(task.id, lease, { status: 'failed', error }, ['queued', 'in_progress']);
      return;
    }
    const started = await store.update(
      task.id,
      { status: 'in_progress', attempts: lease.attempt, progress: 0, startedAt: this.now() },
      ['queued', 'in_progress'],
    );
    if (!started) {
      await queue.complete(lease); // canceled meanwhile
      return;
    }
    logger.info({ taskId: task.id, attempt: lease.attempt }, 'render started');
    const startedAt = performance.now();
    const controller = new AbortController();
    this.running.set(task.id, controller);
    const heartbeat = this.startHeartbeat(lease, controller);
    let workDir: string | undefined;
    try {
      workDir = await this.deps.scratch.create(task.id);
      const { output, extra } = await this.render(started, workDir, controller.signal);
      const results = await this.storeResults(output);
      const done = await this.finish(
        task.id,
        lease,
        {
          status: 'completed',
          results,
          resolved: { ...output.resolved, ...extra, engine: output.resolved.engine ?? this.deps.engine.name },
          progress: 1,
        },
        ['in_progress'],
      );
      this.deps.onRenderFinished?.(done ? 'completed' : 'canceled', (performance.now() - startedAt) / 1000);
      logger.info({ taskId: task.id, seconds: (performance.now() - startedAt) / 1000 }, 'render completed');
    } catch (err) {
      await this.handleFailure(started, lease, err, controller.signal, (performance.now() - startedAt) / 1000);
    } finally {
      clearInterval(heartbeat);
      this.running.delete(task.id);
      if (workDir !== undefined) await this.deps.scratch.remove(workDir);
    }
  }

  private async render(
    task: Task,
    workDir: string,
    signal: AbortSignal,
  ): Promise<{ output: RenderOutput; extra?: Partial<RenderResolved> }> {
    const { media, engine, store } = this.deps;
    const images = await Promise.all(task.params.images.map((image) => media.read(image.mediaKey)));
    const check = await this.deps.beforeRender?.(task, images);
    if (check?.verdict === 'block') throw new RenderBlocked(check);
    if (signal.aborted) throw new Error('aborted before rendering');
    const extra = check?.resolved;
    let lastWrite = 0;
    let lastValue = 0;
    const p = task.params;
    const output = await engine.render(
      {
        taskId: task.id,
        model: p.model,
        motions: p.motions.map((m) => ({ name: m.name, strength: m.strength })),
        prompt: p.prompt,
        enhancePrompt: p.enhancePrompt,
        seed: p.seed,
        images,
        imageTypes: p.images.map((image) => image.contentType),
        ...(task.upstream && { upstream: task.upstream }),
        ...(p.width !== undefined && { width: p.width }),
        ...(p.height !== undefined && { height: p.height }),
        ...(p.duration !== undefined && { duration: p.duration }),
        ...(p.fps !== undefined && { fps: p.fps }),
        ...(p.camera !== undefined && { camera: p.camera }),
      },
      {
        workDir,
        signal,
        recordUpstream: async (upstream: UpstreamRequest | undefined) => {
          const done = await store.update(task.id, { upstream }, ['in_progress']);
          if (!done)
            throw new AppError('canceled', `task ${task.id} is no longer in progress (canceled or taken over)`);
        },
        onProgress: (value) => {
          const now = this.now();
          if (now - lastWrite < PROGRESS_INTERVAL_MS || value - lastValue < 0.01) return;
          lastWrite = now;
          lastValue = value;
          // Progress is advisory: a lost write is harmless, so it is not awaited.
          void store
            .update(task.id, { progress: Math.min(0.99, Math.max(0, value)) }, ['in_progress'])
            .catch(() => undefined);
        },
      },
    );
    return { output, ...(extra && { extra }) };
  }

  private async storeResults(output: RenderOutput): Promise<TaskResults> {
    const token = mediaToken();
    const posterType = output.poster.endsWith('.webp')
      ? 'image/webp'
      : output.poster.endsWith('.png')
        ? 'image/png'
        : 'image/jpeg';
    const posterExt = posterType.split('/')[1] === 'jpeg' ? 'jpg' : (posterType.split('/')[1] as string);
    try {
      const [raw, min, poster] = await Promise.all([
        this.deps.media.putFile(`results/${token}/raw.mp4`, output.raw, 'video/mp4'),
        this.deps.media.putFile(`results/${token}/min.mp4`, output.min, 'video/mp4'),
        this.deps.media.putFile(`results/${token}/poster.${posterExt}`, output.poster, posterType),
      ]);
      return { raw, min, poster };
    } catch (error) {
      // A retry stores under a new token; what this attempt got up is nobody's (best effort:
      // a store that is down may refuse this too, and the error that matters is the first).
      await this.deps.media.deletePrefix(`results/${token}`).catch(() => undefined);
      throw error;
    }
  }

  /** Moves the task to a terminal state (guarded), removes it from the queue, notifies. */
  private async finish(
    taskId: string,
    lease: Lease,
    patch: Parameters<TaskStore['update']>[1],
    expected: Parameters<TaskStore['update']>[2],
  ): Promise<Task | undefined> {
    const done = await this.deps.store.update(taskId, { ...patch, finishedAt: this.now() }, expected);
    await this.deps.queue.complete(lease);
    if (done) this.deps.onTerminal?.(done);
    return done;
  }

  private async handleFailure(
    task: Task,
    lease: Lease,
    err: unknown,
    signal: AbortSignal,
    seconds: number,
  ): Promise<void> {
    const { store, queue, maxAttempts, logger } = this.deps;
    const reason = signal.aborted ? (signal.reason as AbortReason) : undefined;
    if (reason === 'canceled') {
      this.deps.onRenderFinished?.('canceled', seconds);
      await queue.complete(lease);
      const current = await store.get(task.id);
      if (current) this.deps.onTerminal?.(current);
      logger.info({ taskId: task.id }, 'render canceled');
      return;
    }
    if (reason === 'lease_lost') {
      // Another worker owns the task now; leave it alone.
      logger.warn({ taskId: task.id }, 'lease lost; render abandoned');
      return;
    }
    if (err instanceof RenderBlocked && reason === undefined) {
      const { status, error } = err.outcome;
      // A blocked task's inputs are not kept for the retention period, and they go before
      // the verdict is recorded: a client that reads `nsfw` must not still fetch the picture
      // (a crash in between leaves a task whose retry fails for want of its input).
      for (const prefix of mediaPrefixesOf(task)) await this.deps.media.deletePrefix(prefix).catch(() => undefined);
      await this.finish(task.id, lease, { status, error }, ['in_progress']);
      this.deps.onRenderFinished?.(status, seconds);
      logger.warn({ taskId: task.id, error }, 'task blocked before rendering');
      return;
    }
    if (reason === 'shutdown') {
      await store.update(task.id, { status: 'queued', progress: 0 }, ['in_progress']);
      await queue.release(lease, 0);
      this.deps.onRenderFinished?.('requeued', seconds);
      logger.info({ taskId: task.id }, 'render interrupted by shutdown; task re-queued');
      return;
    }
    const appError = isAppError(err)
      ? err
      : new AppError('render_failed', `render failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
    const error: TaskError = { code: appError.code, message: appError.message };
    // A relay engine reports the cloud's own terminal verdicts as errors with these codes.
    const terminal: TaskStatus | undefined =
      appError.code === 'content_nsfw' ? 'nsfw' : appError.code === 'upstream_canceled' ? 'canceled' : undefined;
    if (terminal || appError.code === 'canceled') {
      if (terminal) await this.finish(task.id, lease, { status: terminal, error }, ['in_progress']);
      else await queue.complete(lease);
      this.deps.onRenderFinished?.(terminal === 'nsfw' ? 'failed' : 'canceled', seconds);
      logger.info({ taskId: task.id, code: appError.code }, 'render ended upstream');
      return;
    }
    if (appError.retryable && lease.attempt < maxAttempts) {
      const delay = this.deps.retryDelayMs?.(lease.attempt) ?? Math.min(60_000, 2000 * 2 ** (lease.attempt - 1));
      await store.update(task.id, { status: 'queued', progress: 0, error }, ['in_progress']);
      await queue.release(lease, delay);
      this.deps.onRenderFinished?.('retried', seconds);
      logger.warn({ taskId: task.id, err, attempt: lease.attempt, delay }, 'render failed; will retry');
      return;
    }
    await this.finish(task.id, lease, { status: 'failed', error }, ['in_progress']);
    this.deps.onRenderFinished?.('failed', seconds);
    logger.warn({ taskId: task.id, err }, 'render failed');
  }

  /** The lane a task waits in: the engine decides (a relayed task gets the relay slots). */
  private enqueueOptions(task: Task): { lane?: QueueLane } {
    const lane = this.deps.engine.laneFor?.(task.params.motions.map((m) => m.name));
    return lane && lane !== 'render' ? { lane } : {};
  }

  /** Extends the lease every third of its length; aborts on loss or cancellation. */
  private startHeartbeat(lease: Lease, controller: AbortController): NodeJS.Timeout {
    const { queue, store, leaseMs } = this.deps;
    let busy = false;
    return setInterval(
      () => {
        if (busy || controller.signal.aborted) return;
        busy = true;
        void (async () => {
          try {
            const current = await store.get(lease.taskId);
            if (current?.status === 'canceled') return controller.abort('canceled' satisfies AbortReason);
            if (!(await queue.extend(lease, leaseMs))) controller.abort('lease_lost' satisfies AbortReason);
          } catch {
            // A store/queue hiccup: try again next beat; the lease has slack for it.
          } finally {
            busy = false;
          }
        })();
      },
      Math.max(50, Math.min(1000, Math.floor(leaseMs / 3))),
    );
  }

  /**
   * Re-enqueues tasks that are `queued` in the store but missing from the queue, and
   * `in_progress` tasks nobody has written for a long time (ten leases): their job may be
   * gone with a queue that lost its data (Redis restarted without persistence). Enqueue is
   * idempotent, so a task whose job still exists — held or waiting — is left as it is.
   */
  async reconcile(olderThanMs: number): Promise<number> {
    const now = this.now();
    const stale = await this.deps.store.listQueuedBefore(now - olderThanMs, 500);
    const stuck = await this.deps.store.listInProgressNotUpdatedSince(
      now - Math.max(olderThanMs, 10 * this.deps.leaseMs),
      500,
    );
    for (const task of [...stale, ...stuck]) await this.deps.queue.enqueue(task.id, this.enqueueOptions(task));
    return stale.length + stuck.length;
  }
}
