/**
 * A worker process's composition root: adapters + engine + worker pool, no HTTP server.
 * Run many of them (on many machines) against one BullMQ queue and one PostgreSQL store.
 */
import { pino, type Logger } from 'pino';
import { createAdapters } from './adapters/create-adapters.js';
import type { Config } from './config.js';
import type { Engine } from './core/ports.js';
import type { Task } from './core/task.js';
import { TaskRunner } from './core/task-runner.js';
import { engineFromConfig } from './engine-from-config.js';
import { NsfwjsClassifier, type NsfwClassifier } from './nsfw/nsfw-classifier.js';
import { nsfwPreRenderCheck } from './nsfw/nsfw-check.js';
import { MotionCatalogue } from './catalogue/motion-catalogue.js';

export interface WorkerProcess {
  pool: TaskRunner;
  logger: Logger;
  start(): void;
  /** Stops taking work; running renders get `graceMs`, then their tasks go back to the queue. */
  close(graceMs?: number): Promise<void>;
}

export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError';
}

export async function buildWorker(
  config: Config,
  options: { logger?: Logger; engine?: Engine; nsfwClassifier?: NsfwClassifier } = {},
): Promise<WorkerProcess> {
  if (config.queue.kind !== 'bullmq') {
    // The embedded queue belongs to one process (`npm start`); a second process would
    // treat that process's leases as dead ones.
    throw new WorkerConfigError('a separate worker process needs QUEUE=bullmq (the embedded queue lives inside `npm start`)');
  }
  if (config.workerConcurrency < 1) throw new WorkerConfigError('WORKERS (WORKER_CONCURRENCY) must be at least 1 for a worker process');
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'stillmotion-worker' } });
  const adapters = await createAdapters(config, {
    onConnectionError: (err) => logger.warn({ err }, 'lost a connection to the database or Redis; reconnecting'),
  });
  const engine = options.engine ?? engineFromConfig(config, { catalogue: MotionCatalogue.load(), logger });
  // With PostgreSQL the webhook outbox is shared: arm a finished task's delivery at once
  // and any API node's dispatcher sends it on its next poll. (With SQLite the API node's
  // own reconciler arms it; a worker process cannot reach that node's file.)
  const outbox = config.store.kind === 'postgres' ? adapters.webhookOutbox() : undefined;
  const classifier = options.nsfwClassifier ?? new NsfwjsClassifier();
  const pool = new TaskRunner({
    beforeRender: nsfwPreRenderCheck(config.nsfw, classifier),
    store: adapters.store,
    queue: adapters.queue,
    media: adapters.media,
    engine,
    scratch: adapters.scratch,
    concurrency: config.workerConcurrency,
    relayConcurrency: config.higgsfield ? config.relayConcurrency : 0,
    maxAttempts: config.maxAttempts,
    leaseMs: config.leaseMs,
    logger,
    ...(outbox && {
      onTerminal: (task: Task) => {
        if (!task.webhook) return;
        void outbox.arm(task.id, Date.now()).catch((err) => logger.warn({ err, taskId: task.id }, 'arming a webhook failed; an API node will'));
      },
    }),
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    pool,
    logger,
    start() {
      pool.start();
      if (config.nsfw.mode !== 'off') classifier.warm?.();
      // Tasks stored but missing from the queue (enqueue failed, Redis lost its data) come back here.
      const reconcile = () =>
        void pool
          .reconcile(config.reconcileIntervalMs)
          .then((n) => n > 0 && logger.info({ requeued: n }, 'reconciler re-enqueued tasks'))
          .catch((err) => logger.warn({ err }, 'reconcile failed'));
      timer = setInterval(reconcile, config.reconcileIntervalMs).unref();
    },
    async close(graceMs = 25_000) {
      clearInterval(timer);
      await pool.stop(graceMs);
      // Only an engine this process made is ours to close (tests may share one).
      if (!options.engine) await engine.close?.();
      await adapters.close();
    },
  };
}
