/**
 * The embedded task store: tasks as rows of one SQLite table (see migrations.ts).
 */
import { AppError } from '../../core/errors.js';
import type { TaskPatch, TaskStore } from '../../core/ports.js';
import { TASK_STATUSES, TERMINAL_STATUSES, type Task, type TaskStatus } from '../../core/task.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';
import { PATCH_COLUMNS, taskFromRow, taskToRow, type TaskRow as SharedTaskRow } from '../task-row.js';
import { type TaskCache, taskCacheOf } from './task-cache.js';
import { type SyncFile, type WalSync, WalSyncError, walSyncOf } from './wal-sync.js';

export interface SqliteTaskStoreOptions {
  /** Clock for `updatedAt`; injectable so tests need no real time. */
  now?: () => number;
  /** How the WAL is flushed after an insert (tests count or fail the flushes). */
  syncFile?: SyncFile;
}

type TaskRow = SharedTaskRow<number>;

const TERMINAL = [...TERMINAL_STATUSES];

/**
 * {@link TaskStore} on SQLite. better-sqlite3 is synchronous, so each method does its work
 * at once and returns a settled promise; with `synchronous=FULL` a resolved `insert` means
 * the row is on disk. `insert`, the API's hot write, commits without fsync and then awaits
 * an fsync of the WAL off the event loop, shared with concurrent inserts (wal-sync.ts):
 * as durable as a FULL commit, without blocking other requests for the disk's round trip.
 *
 * `get` answers from the connection's {@link TaskCache} while it can: so every write to the
 * tasks table on this connection goes through a store, which forgets the task it writes.
 *
 * The store does not own the connection: `close()` only stops this store from being used;
 * whoever called `openSqliteDatabase` closes the database.
 */
export class SqliteTaskStore implements TaskStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  #closed = false;
  readonly #statements;
  readonly #updateStatements = new Map<string, Statement<unknown[]>>();
  readonly #walSync: WalSync;
  readonly #cache: TaskCache;

  constructor(db: SqliteDatabase, options: SqliteTaskStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#walSync = walSyncOf(db, options.syncFile);
    this.#cache = taskCacheOf(db);
    const terminal = TERMINAL.map(() => '?').join(',');
    this.#statements = {
      insert: db.prepare(`INSERT INTO tasks (id, job_id, owner_key_id, dialect, status, progress, attempts, params,
          resolved, results, error, webhook, idempotency_key, request_fingerprint, upstream, created_at, updated_at, started_at, finished_at)
        VALUES (@id, @job_id, @owner_key_id, @dialect, @status, @progress, @attempts, @params,
          @resolved, @results, @error, @webhook, @idempotency_key, @request_fingerprint, @upstream, @created_at, @updated_at, @started_at, @finished_at)`),
      get: db.prepare('SELECT * FROM tasks WHERE id = ?'),
      listByOwner: db.prepare(
        'SELECT * FROM tasks WHERE owner_key_id = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      findByIdempotencyKey: db.prepare(`SELECT * FROM tasks
        WHERE owner_key_id = ? AND idempotency_key = ? AND created_at >= ?
        ORDER BY created_at DESC, id DESC LIMIT 1`),
      releaseIdempotencyKey: db.prepare(`UPDATE tasks SET idempotency_key = NULL
        WHERE owner_key_id = ? AND idempotency_key = ? AND created_at < ?`),
      listFinishedBefore: db.prepare(`SELECT * FROM tasks
        WHERE status IN (${terminal}) AND finished_at < ? ORDER BY finished_at, id LIMIT ?`),
      listInProgressNotUpdatedSince: db.prepare(
        `SELECT * FROM tasks WHERE status = 'in_progress' AND updated_at < ? ORDER BY updated_at, id LIMIT ?`,
      ),
      listQueuedBefore: db.prepare(
        `SELECT * FROM tasks WHERE status = 'queued' AND created_at < ? ORDER BY created_at, id LIMIT ?`,
      ),
      delete: db.prepare('DELETE FROM tasks WHERE id = ?'),
      countByStatus: db.prepare('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status'),
      ping: db.prepare('SELECT 1'),
    };
  }

  async insert(task: Task): Promise<void> {
    this.#assertOpen();
    const row = toRow(task);
    this.#cache.forget(task.id);
    try {
      await this.#walSync.commit(() => this.#statements.insert.run(row));
    } catch (error) {
      if (error instanceof WalSyncError) {
        // Committed but maybe not on disk: take it back, so that a failed submit (which the
        // client retries) leaves no task behind.
        try {
          this.#statements.delete.run(task.id);
        } catch {}
        this.#cache.forget(task.id);
        throw new AppError('service_unavailable', 'the task could not be stored durably', { cause: error.cause });
      }
      const code = sqliteCode(error);
      // The tasks table has two uniqueness rules, told apart by SQLite's extended code:
      // its primary key (the id) and one unique index (an owner's Idempotency-Key,
      // tasks_owner_idempotency; see migrations.ts). A new unique index must be added here.
      if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AppError('conflict', 'Idempotency-Key: already used by another task of this key', {
          field: 'Idempotency-Key',
          cause: error,
        });
      }
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        throw new AppError('conflict', `task ${task.id} already exists`, { cause: error });
      throw error;
    }
  }

  /** The Task comes deep-frozen: it may be the one the last `get` of this id returned. */
  async get(id: string): Promise<Task | undefined> {
    this.#assertOpen();
    const cached = this.#cache.lookup(id);
    if (cached) return cached;
    const row = this.#statements.get.get(id) as TaskRow | undefined;
    return row && this.#cache.remember(fromRow(row));
  }

  /**
   * One `UPDATE … WHERE status IN (…) RETURNING *`, so the check and the write cannot be
   * split by another writer. A patch key that is present with the value `undefined`
   * clears that optional field (e.g. `{ error: undefined }` on a retry); absent keys are
   * left alone. Required fields (status, progress, attempts) ignore `undefined`.
   */
  async update(id: string, patch: TaskPatch, expected?: readonly TaskStatus[]): Promise<Task | undefined> {
    this.#assertOpen();
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [field, spec] of Object.entries(PATCH_COLUMNS) as [
      keyof TaskPatch,
      (typeof PATCH_COLUMNS)[keyof TaskPatch],
    ][]) {
      if (!Object.hasOwn(patch, field)) continue;
      const value = patch[field];
      if (value === undefined && !spec.nullable) continue;
      sets.push(`${spec.column} = ?`);
      values.push(value === undefined ? null : spec.json ? JSON.stringify(value) : value);
    }
    sets.push('updated_at = ?');
    values.push(this.#now());
    let sql = `UPDATE tasks SET ${sets.join(', ')} WHERE id = ?`;
    values.push(id);
    if (expected !== undefined) {
      if (expected.length === 0) return undefined;
      sql += ` AND status IN (${expected.map(() => '?').join(',')})`;
      values.push(...expected);
    }
    this.#cache.forget(id);
    const row = this.#prepareCached(`${sql} RETURNING *`).get(...values) as TaskRow | undefined;
    return row && fromRow(row);
  }

  async listByOwner(ownerKeyId: string, options: { limit: number; before?: number }): Promise<Task[]> {
    this.#assertOpen();
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = this.#statements.listByOwner.all(ownerKeyId, before, clampLimit(options.limit)) as TaskRow[];
    return rows.map(fromRow);
  }

  async findByIdempotencyKey(ownerKeyId: string, key: string, since: number): Promise<Task | undefined> {
    this.#assertOpen();
    const row = this.#statements.findByIdempotencyKey.get(ownerKeyId, key, since) as TaskRow | undefined;
    return row && fromRow(row);
  }

  async releaseIdempotencyKey(ownerKeyId: string, key: string, before: number): Promise<void> {
    this.#assertOpen();
    this.#cache.forgetAll(); // the rows it changes are not known by id
    this.#statements.releaseIdempotencyKey.run(ownerKeyId, key, before);
  }

  async listFinishedBefore(before: number, limit: number): Promise<Task[]> {
    this.#assertOpen();
    const rows = this.#statements.listFinishedBefore.all(...TERMINAL, before, clampLimit(limit)) as TaskRow[];
    return rows.map(fromRow);
  }

  async listInProgressNotUpdatedSince(before: number, limit: number): Promise<Task[]> {
    this.#assertOpen();
    const rows = this.#statements.listInProgressNotUpdatedSince.all(before, clampLimit(limit)) as TaskRow[];
    return rows.map(fromRow);
  }

  async listQueuedBefore(before: number, limit: number): Promise<Task[]> {
    this.#assertOpen();
    const rows = this.#statements.listQueuedBefore.all(before, clampLimit(limit)) as TaskRow[];
    return rows.map(fromRow);
  }

  async delete(id: string): Promise<void> {
    this.#assertOpen();
    this.#cache.forget(id);
    this.#statements.delete.run(id);
  }

  async countByStatus(): Promise<Record<TaskStatus, number>> {
    this.#assertOpen();
    const counts = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<TaskStatus, number>;
    for (const row of this.#statements.countByStatus.all() as { status: TaskStatus; n: number }[]) {
      counts[row.status] = row.n;
    }
    return counts;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    this.#statements.ping.get();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** The SQL of `update` varies with the patch, but over few shapes: prepare each once. */
  #prepareCached(sql: string): Statement<unknown[]> {
    let statement = this.#updateStatements.get(sql);
    if (!statement) {
      statement = this.#db.prepare<unknown[]>(sql);
      this.#updateStatements.set(sql, statement);
    }
    return statement;
  }

  #assertOpen(): void {
    if (this.#closed || !this.#db.open) throw new AppError('service_unavailable', 'task store is closed');
  }
}

function clampLimit(limit: number): number {
  return Math.max(0, Math.trunc(limit));
}

/** better-sqlite3's extended result code (`SQLITE_CONSTRAINT_UNIQUE`...), if any. */
function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function toRow(task: Task): TaskRow {
  return taskToRow(task, (ms) => ms);
}

const fromRow = taskFromRow;
