/**
 * The distributed task queue on BullMQ (Redis). Workers on any number of machines pull
 * from it; the task store stays the source of truth, the queue only says who renders what.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { AppError } from '../../core/errors.js';
import type { Lease, TaskQueue } from '../../core/ports.js';
import { consumerOptions, producerOptions } from './redis-options.js';

export interface BullmqTaskQueueOptions {
  /** `redis://[user:password@]host:port[/db]` */
  redisUrl: string;
  /** BullMQ queue name. */
  queueName?: string;
  /** Key prefix in Redis, so several installations (or tests) can share one server. */
  prefix?: string;
  /**
   * Lock (lease) length BullMQ applies when a job is claimed; a claim asking for another
   * length re-applies it at once. Set it to the workers' lease length to save that round trip.
   */
  lockDurationMs?: number;
  /** How often this process runs BullMQ's stalled-job check (default: the lock duration, at most 30 s). */
  stalledIntervalMs?: number;
  /** Whether this process runs the stalled-job check at all (default true). */
  stalledCheck?: boolean;
  /**
   * Told about connection errors (Redis down or restarting). The clients reconnect by
   * themselves; without a listener BullMQ would print each retry to the console.
   */
  onError?: (error: Error) => void;
}

/** BullMQ error codes that mean "this lease is no longer yours" (job gone, lock gone or taken, not active). */
const LEASE_LOST_CODES = new Set([-1, -2, -3, -6]);

function isLeaseLost(error: unknown): boolean {
  return LEASE_LOST_CODES.has((error as { code?: unknown } | null)?.code as number);
}

interface Held {
  job: Job;
  /** BullMQ's lock token: unique per claim, so a stale holder can never act on a new claim. */
  token: string;
}

/**
 * {@link TaskQueue} on BullMQ, mapped onto BullMQ's manual-fetch pattern (a `Worker`
 * without a processor):
 *
 * - `enqueue` → `Queue.add` with `jobId = taskId`: adding an id that exists (waiting,
 *   delayed or active) is a no-op, so enqueueing is idempotent across nodes. Finished jobs
 *   are removed at once (`removeOnComplete/removeOnFail`), so a task may be enqueued anew.
 * - `claim` → `Worker.getNextJob(token, { block: false })`, which moves the job to
 *   `active` and sets its lock (`<job>:lock = token`, PX lease) in one Lua script: one
 *   holder per task. The lease's `attempt` is BullMQ's `attemptsStarted`, counted in Redis,
 *   so attempts survive the death of the worker that made them.
 * - `extend` → `Job.extendLock(token)`: false once the lock expired, was taken by another
 *   claim or the job was removed.
 * - A dead worker's lock expires; BullMQ's stalled-job checker (run by every process that
 *   opens this queue, deduplicated in Redis) moves the job back to `wait` within about
 *   lock + 2 × stalled interval, and the next claim is the next attempt. `maxStalledCount`
 *   is effectively unlimited: the worker pool decides when attempts are exhausted and
 *   marks the task failed in the store.
 * - `complete` → `moveToCompleted(token)`, `release` → `moveToDelayed(token)` (back-off) or
 *   `moveToWait(token)` (at once); with a lost lease they change nothing.
 * - `remove` → `Queue.remove`; a job held by a worker is completed with its current lock
 *   token instead (BullMQ refuses to remove a locked job), so its holder loses the lease.
 * - `waitForWork` listens to the queue's event stream (`QueueEvents`, one blocking XREAD
 *   per process) for `waiting` events — new jobs, released jobs, recovered stalled jobs —
 *   so idle workers do not poll.
 *
 * Time is Redis's and the workers' real clock: delays and leases cannot be moved by a
 * test clock. Lease tokens live in this process's memory: a lease can only be extended,
 * completed or released by the process that claimed it (as with any lock).
 */
export class BullmqTaskQueue implements TaskQueue {
  readonly #queue: Queue;
  readonly #worker: Worker;
  readonly #events: QueueEvents;
  readonly #lockDurationMs: number;
  readonly #held = new Map<string, Held>();
  readonly #wake = new EventEmitter();
  #closed = false;

  private constructor(queue: Queue, worker: Worker, events: QueueEvents, lockDurationMs: number) {
    this.#queue = queue;
    this.#worker = worker;
    this.#events = events;
    this.#lockDurationMs = lockDurationMs;
    this.#wake.setMaxListeners(0);
    events.on('waiting', () => this.#wake.emit('work'));
  }

  /** Connects (waits until Redis answers) and starts the stalled-job check. */
  static async open(options: BullmqTaskQueueOptions): Promise<BullmqTaskQueue> {
    const base = options.redisUrl;
    const name = options.queueName ?? 'stillmotion-tasks';
    const prefix = options.prefix ?? 'stillmotion';
    const lockDurationMs = options.lockDurationMs ?? 30_000;
    const queue = new Queue(name, {
      connection: producerOptions(base),
      prefix,
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    const worker = new Worker(name, null, {
      connection: consumerOptions(base),
      prefix,
      autorun: false,
      lockDuration: lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? Math.min(lockDurationMs, 30_000),
      maxStalledCount: 1_000_000,
      // Leases are renewed by the port's `extend` (the worker pool's heartbeat), not by BullMQ.
      skipLockRenewal: true,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    const onError = options.onError ?? (() => undefined);
    queue.on('error', onError);
    worker.on('error', onError);
    let events: QueueEvents | undefined;
    try {
      await queue.waitUntilReady();
      await worker.waitUntilReady();
      // Read events from the stream's current end, fixed now rather than whenever the
      // first XREAD happens to run, so no `waiting` event after open() can be missed.
      const client = await queue.getBackend().client;
      const last = (await client.runCommand('xrevrange', [queue.keys.events, '+', '-', 'COUNT', '1'])) as [
        string,
        string[],
      ][];
      events = new QueueEvents(name, { connection: consumerOptions(base), prefix, lastEventId: last[0]?.[0] ?? '0-0' });
      events.on('error', onError);
      await events.waitUntilReady();
      if (options.stalledCheck !== false) await worker.startStalledCheckTimer();
    } catch (error) {
      await Promise.allSettled([queue.close(), worker.close(true), events?.close()]);
      throw error;
    }
    return new BullmqTaskQueue(queue, worker, events, lockDurationMs);
  }

  async enqueue(taskId: string, options: { delayMs?: number } = {}): Promise<void> {
    this.#assertOpen();
    const delay = Math.max(0, Math.trunc(options.delayMs ?? 0));
    await this.#queue.add('render', {}, { jobId: taskId, ...(delay > 0 && { delay }) });
    if (delay === 0) this.#wake.emit('work');
  }

  async claim(workerId: string, leaseMs: number): Promise<Lease | undefined> {
    this.#assertOpen();
    await this.#assertConnected();
    const token = `${workerId}:${randomUUID()}`;
    const claimedAt = Date.now();
    const job = (await this.#worker.getNextJob(token, { block: false })) as Job | undefined;
    if (!job?.id) return undefined;
    if (leaseMs !== this.#lockDurationMs) await job.extendLock(token, leaseMs);
    const lease: Lease = { taskId: job.id, workerId, attempt: job.attemptsStarted, leaseUntil: claimedAt + leaseMs };
    this.#held.set(leaseKey(lease), { job, token });
    return lease;
  }

  async extend(lease: Lease, leaseMs: number): Promise<boolean> {
    this.#assertOpen();
    const held = this.#held.get(leaseKey(lease));
    if (!held) return false;
    // While Redis is away say "try again" rather than "lost": the lock may well be there
    // when it is back, and the heartbeat retries on its next beat.
    await this.#assertConnected();
    const extended = (await held.job.extendLock(held.token, leaseMs)) === 1;
    if (!extended) this.#held.delete(leaseKey(lease));
    return extended;
  }

  async complete(lease: Lease): Promise<void> {
    await this.#finish(lease, ({ job, token }) => job.moveToCompleted('done', token, false));
  }

  async release(lease: Lease, delayMs: number): Promise<void> {
    const delay = Math.max(0, delayMs);
    await this.#finish(lease, ({ job, token }) =>
      delay > 0 ? job.moveToDelayed(Date.now() + delay, token) : job.moveToWait(token),
    );
    if (delay === 0) this.#wake.emit('work');
  }

  async remove(taskId: string): Promise<void> {
    this.#assertOpen();
    // A waiting or delayed job goes at once; a held one is completed under its holder's
    // current token. Retried because the holder may change between reading and using it.
    for (let tries = 0; tries < 5; tries++) {
      if ((await this.#queue.remove(taskId)) === 1) return;
      const job = await Job.fromId(this.#queue, taskId);
      if (!job) return;
      const client = await this.#queue.getBackend().client;
      const token = await client.get(`${this.#queue.toKey(taskId)}:lock`);
      if (token === null) continue;
      try {
        await job.moveToCompleted('removed', token, false);
        return;
      } catch (error) {
        if (!isLeaseLost(error)) throw error;
      }
    }
    throw new AppError('service_unavailable', `task ${taskId} could not be removed from the queue`);
  }

  /** Whether the task has a job in this queue (waiting, delayed or held). */
  async contains(taskId: string): Promise<boolean> {
    this.#assertOpen();
    return (await this.#queue.getJob(taskId)) !== undefined;
  }

  async waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake.off('work', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.#wake.on('work', done);
      signal?.addEventListener('abort', done, { once: true });
      // Listening first, then looking: a job added in between wakes us either way.
      this.#queue.getJobCounts('wait', 'prioritized').then(
        (counts) => (counts.wait ?? 0) + (counts.prioritized ?? 0) > 0 && done(),
        () => undefined,
      );
    });
  }

  async depth(): Promise<number> {
    this.#assertOpen();
    const counts = await this.#queue.getJobCounts('wait', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  /**
   * Deletes every job and key of this queue (tests and benchmarks clean up with it). This
   * process's worker side stops first, so its stalled-job check cannot write keys anew;
   * call `close()` afterwards.
   */
  async obliterate(): Promise<void> {
    await Promise.allSettled([this.#worker.close(true), this.#events.close()]);
    await this.#queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake.emit('work');
    await Promise.allSettled([this.#worker.close(true), this.#events.close(), this.#queue.close()]);
  }

  /** Runs a lease-ending move; a lease already lost makes it a no-op, as the port says. */
  async #finish(lease: Lease, move: (held: Held) => Promise<unknown>): Promise<void> {
    this.#assertOpen();
    const key = leaseKey(lease);
    const held = this.#held.get(key);
    if (!held) return;
    await this.#assertConnected();
    try {
      await move(held);
    } catch (error) {
      if (!isLeaseLost(error)) throw error;
    }
    this.#held.delete(key);
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('service_unavailable', 'task queue is closed');
  }

  /**
   * The worker-side connection waits out a Redis outage (`maxRetriesPerRequest: null`),
   * so a command sent while it is down would hang until Redis returns — and with it a
   * worker's loop and its graceful shutdown. Refusing at once instead lets the worker pool
   * log, wait and retry (a claim), or carry on (a heartbeat); a lease whose end could not
   * be recorded comes back through the stalled-job check, and the task's state in the
   * store says what happened.
   */
  async #assertConnected(): Promise<void> {
    const client = await this.#worker.getBackend().client;
    if (client.status !== 'ready')
      throw new AppError('service_unavailable', `Redis is unreachable (connection ${client.status})`);
  }
}

function leaseKey(lease: Lease): string {
  return `${lease.taskId}\n${lease.workerId}\n${lease.attempt}`;
}
