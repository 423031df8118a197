/**
 * The embedded task queue: one row per queued task in the `queue_jobs` table of the same
 * SQLite file as the tasks (see migrations.ts).
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../../core/errors.js';
import type { Lease, TaskQueue } from '../../core/ports.js';
import type { SqliteDatabase } from './open-database.js';

/** PRAGMA synchronous's value for FULL. */
const FULL = 2;

export interface SqliteTaskQueueOptions {
  /** Clock for delays and leases; injectable so tests move time instead of sleeping. */
  now?: () => number;
  /** The table of this queue: `queue_jobs` (local renders, default) or `relay_jobs` (the relay lane). */
  table?: 'queue_jobs' | 'relay_jobs';
}

/**
 * {@link TaskQueue} on SQLite, for the embedded (single-process) mode.
 *
 * A job is claimable when its `ready_at` has passed: for a waiting job that is the end of
 * its delay, for a held job the end of its lease — so a task whose worker stopped
 * heart-beating comes back by itself. Each claim bumps the job's attempt counter, and a
 * lease is identified by (task, worker, attempt), so a worker whose lease expired and was
 * re-claimed cannot extend, complete or release the new holder's claim.
 *
 * Single process: `waitForWork` is woken only by enqueues and releases made through this
 * object (an in-process event), and {@link recoverAfterRestart} assumes no other process
 * holds leases. Other processes writing the same file still see consistent data (each
 * claim is one atomic statement), but their workers would only be noticed on timeout.
 */
export class SqliteTaskQueue implements TaskQueue {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #events = new EventEmitter();
  #closed = false;
  readonly #statements;

  constructor(db: SqliteDatabase, options: SqliteTaskQueueOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    // Every worker of the process may wait at once; they are not a leak.
    this.#events.setMaxListeners(0);
    const table = options.table ?? 'queue_jobs';
    this.#statements = {
      contains: db.prepare(`SELECT 1 FROM ${table} WHERE task_id = ?`),
      enqueue: db.prepare(`INSERT INTO ${table} (task_id, ready_at) VALUES (?, ?) ON CONFLICT (task_id) DO NOTHING`),
      // One statement: SQLite holds the write lock from the SELECT to the UPDATE, so two
      // claimers (threads or processes) can never both get the same row.
      claim: db.prepare(`UPDATE ${table} SET worker_id = @worker, attempts = attempts + 1, ready_at = @until
        WHERE seq = (SELECT seq FROM ${table} WHERE ready_at <= @now ORDER BY ready_at, seq LIMIT 1)
        RETURNING task_id, attempts`),
      extend: db.prepare(`UPDATE ${table} SET ready_at = @until
        WHERE task_id = @task AND worker_id = @worker AND attempts = @attempt`),
      complete: db.prepare(
        `DELETE FROM ${table} WHERE task_id = @task AND worker_id = @worker AND attempts = @attempt`,
      ),
      release: db.prepare(`UPDATE ${table} SET worker_id = NULL, ready_at = @readyAt
        WHERE task_id = @task AND worker_id = @worker AND attempts = @attempt`),
      remove: db.prepare(`DELETE FROM ${table} WHERE task_id = ?`),
      // Waiting or delayed, plus held by an expired lease (those are claimable again).
      depth: db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE worker_id IS NULL OR ready_at <= ?`),
      ready: db.prepare(`SELECT 1 FROM ${table} WHERE ready_at <= ? LIMIT 1`),
      recover: db.prepare(
        `UPDATE ${table} SET worker_id = NULL, ready_at = MIN(ready_at, ?) WHERE worker_id IS NOT NULL`,
      ),
    };
  }

  /**
   * Idempotent: a task already in the queue (waiting, delayed or held) keeps its place.
   *
   * The commit is not fsynced by itself (synchronous=NORMAL for this one statement; WAL
   * frames are flushed by the next FULL commit or checkpoint). The submit path profiled at
   * a quarter of its event-loop time in this fsync, and the row needs no durability of its
   * own: the task row, committed with FULL before this, is what "200 means stored" rests
   * on, and the reconciler re-enqueues a queued task whose job was lost (a power cut here).
   */
  async enqueue(taskId: string, options: { delayMs?: number } = {}): Promise<void> {
    this.#assertOpen();
    const delayMs = Math.max(0, options.delayMs ?? 0);
    const relax = !this.#db.inTransaction && this.#db.pragma('synchronous', { simple: true }) === FULL;
    if (relax) this.#db.pragma('synchronous = NORMAL');
    let changes: number;
    try {
      ({ changes } = this.#statements.enqueue.run(taskId, this.#now() + delayMs));
    } finally {
      if (relax) this.#db.pragma('synchronous = FULL');
    }
    if (changes > 0 && delayMs === 0) this.#wake();
  }

  /** Claims the job that has been ready longest (ties: enqueue order). */
  async claim(workerId: string, leaseMs: number): Promise<Lease | undefined> {
    this.#assertOpen();
    const now = this.#now();
    const leaseUntil = now + leaseMs;
    const row = this.#statements.claim.get({ worker: workerId, until: leaseUntil, now }) as
      | { task_id: string; attempts: number }
      | undefined;
    return row && { taskId: row.task_id, workerId, attempt: row.attempts, leaseUntil };
  }

  /**
   * False when the lease was lost (re-claimed by another worker, or the job removed). A
   * lease that expired but that nobody re-claimed yet can still be extended: no one else
   * has started the task, so the holder may carry on.
   */
  async extend(lease: Lease, leaseMs: number): Promise<boolean> {
    this.#assertOpen();
    const until = this.#now() + leaseMs;
    return this.#statements.extend.run({ ...leaseKey(lease), until }).changes > 0;
  }

  /**
   * Removes the job if `lease` still holds it. A lost lease changes nothing, so a worker
   * that finished late cannot take the task away from its new holder.
   */
  async complete(lease: Lease): Promise<void> {
    this.#assertOpen();
    this.#statements.complete.run(leaseKey(lease));
  }

  /** Puts the job back, claimable after `delayMs`, if `lease` still holds it (else a no-op). */
  async release(lease: Lease, delayMs: number): Promise<void> {
    this.#assertOpen();
    const delay = Math.max(0, delayMs);
    const { changes } = this.#statements.release.run({ ...leaseKey(lease), readyAt: this.#now() + delay });
    if (changes > 0 && delay === 0) this.#wake();
  }

  async remove(taskId: string): Promise<void> {
    this.#assertOpen();
    this.#statements.remove.run(taskId);
  }

  /** Whether the task has a job here (waiting, delayed or held). */
  async contains(taskId: string): Promise<boolean> {
    this.#assertOpen();
    return this.#statements.contains.get(taskId) !== undefined;
  }

  /**
   * Resolves at once when a job is ready now; otherwise on the next in-process enqueue or
   * release, on abort, on close, or after `timeoutMs` (which is how delayed jobs and
   * expired leases are noticed). Checking first closes the gap between a worker's empty
   * `claim` and this call, during which a wake-up would otherwise be missed.
   */
  async waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted) return;
    if (this.#statements.ready.get(this.#now()) !== undefined) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#events.off('work', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.#events.on('work', done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Jobs waiting for a worker: not held, or held by a lease that has expired. */
  async depth(): Promise<number> {
    this.#assertOpen();
    return (this.#statements.depth.get(this.#now()) as { n: number }).n;
  }

  /**
   * Call once at start-up, before any worker claims. The embedded queue runs in one
   * process, so every lease still recorded belonged to a previous run of this process
   * that died (crash, kill -9, power cut): those jobs are made claimable at once instead
   * of after their lease would have run out. Their attempt counters are kept, so a task
   * that crashes the process every time still exhausts its attempts.
   *
   * @returns how many jobs were recovered.
   */
  recoverAfterRestart(): number {
    this.#assertOpen();
    const { changes } = this.#statements.recover.run(this.#now());
    if (changes > 0) this.#wake();
    return changes;
  }

  /** Stops this queue and wakes every waiting worker; the database stays open (the caller owns it). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    this.#events.emit('work');
  }

  #assertOpen(): void {
    if (this.#closed || !this.#db.open) throw new AppError('service_unavailable', 'task queue is closed');
  }
}

function leaseKey(lease: Lease): { task: string; worker: string; attempt: number } {
  return { task: lease.taskId, worker: lease.workerId, attempt: lease.attempt };
}
