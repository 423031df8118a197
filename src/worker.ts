/**
 * A worker process: adapters + engine + task runner, no HTTP server, assembled from the
 * composition root's stages (compose.ts). Run many of them (on many machines) against one
 * BullMQ queue and one PostgreSQL store.
 */
import type { Logger } from 'pino';
import { MotionCatalogue } from './catalogue/motion-catalogue.js';
import { createTaskRunner, openBase, startTaskRunner, type Seams } from './compose.js';
import { ConfigError, type Config } from './config.js';
import type { Task } from './core/task.js';
import type { TaskRunner } from './core/task-runner.js';

export interface WorkerProcess {
  runner: TaskRunner;
  logger: Logger;
  start(): void;
  /** Stops taking work; running renders get `graceMs`, then their tasks go back to the queue. */
  close(graceMs?: number): Promise<void>;
}

/** A configuration that is valid, but not for a separate worker process. */
export class WorkerConfigError extends ConfigError {
  override name = 'WorkerConfigError';
}

export async function buildWorker(config: Config, options: Omit<Seams, 'relay'> = {}): Promise<WorkerProcess> {
  if (config.queue.kind !== 'bullmq') {
    // The embedded queue belongs to one process (`npm start`); a second process would
    // treat that process's leases as dead ones.
    throw new WorkerConfigError(
      'a separate worker process needs QUEUE=bullmq (the embedded queue lives inside `npm start`)',
    );
  }
  if (config.workerConcurrency < 1)
    throw new WorkerConfigError('WORKERS (WORKER_CONCURRENCY) must be at least 1 for a worker process');
  const base = await openBase(config, 'stillmotion-worker', MotionCatalogue.load(), options);
  const { adapters, logger } = base;
  // With PostgreSQL the webhook outbox is shared: arm a finished task's delivery at once
  // and any API node's dispatcher sends it on its next poll. (With SQLite the API node's
  // own reconciler arms it; a worker process cannot reach that node's file.)
  const outbox = config.store.kind === 'postgres' ? adapters.webhookOutbox() : undefined;
  const runner = createTaskRunner(config, base, {
    ...(outbox && {
      onTerminal: (task: Task) => {
        if (!task.webhook) return;
        void outbox
          .arm(task.id, Date.now())
          .catch((err) => logger.warn({ err, taskId: task.id }, 'arming a webhook failed; an API node will'));
      },
    }),
  });
  let stop: (() => void) | undefined;
  return {
    runner,
    logger,
    start() {
      stop = startTaskRunner(config, base, runner, { reconcileAtStart: false });
    },
    async close(graceMs = 25_000) {
      stop?.();
      await runner.stop(graceMs);
      await base.close();
    },
  };
}
