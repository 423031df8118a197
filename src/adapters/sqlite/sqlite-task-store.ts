/**
 * The embedded task store: tasks as rows of one SQLite table (see migrations.ts).
 */
import { AppError } from '../../core/errors.js';
import type { TaskPatch, TaskStore } from '../../core/ports.js';
import { TASK_STATUSES, TERMINAL_STATUSES, type Task, type TaskStatus } from '../../core/task.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';
import { PATCH_COLUMNS, taskFromRow, taskToRow, type TaskRow as SharedTaskRow } from '../task-row.js';
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
  readonly #rows: RowCache;

  constructor(db: SqliteDatabase, options: SqliteTaskStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#walSync = walSyncOf(db, options.syncFile);
    this.#rows = new RowCache(db);
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
    try {
      await this.#walSync.commit(() => this.#statements.insert.run(row));
    } catch (error) {
      if (error instanceof WalSyncError) {
        // Committed but maybe not on disk: take it back, so that a failed submit (which the
        // client retries) leaves no task behind.
        try {
          this.#statements.delete.run(task.id);
        } catch {}
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

  async get(id: string): Promise<Task | undefined> {
    this.#assertOpen();
    let row = this.#rows.get(id);
    if (row === undefined) {
      row = this.#statements.get.get(id) as TaskRow | undefined;
      if (row) this.#rows.set(id, row);
    }
    return row && fromRow(row);
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

/** How many rows {@link RowCache} keeps (the oldest go first). */
const CACHED_ROWS = 512;

/**
 * The rows `get` read lately, kept while nothing could have changed them: no commit by
 * another connection (`PRAGMA data_version` is the same) and no row written by this one
 * (`total_changes()` is the same: any insert, update or delete, whatever its table or
 * caller, empties the cache). A task polled through `GET …/feed/{id}` is then read
 * from SQLite once per change, not once per poll. The rows are plain strings and numbers;
 * every `get` still builds its own Task from one.
 *
 * The checks run on every `get`, because a row another process committed before a request
 * arrived must never be answered from the cache. Checking once per event-loop turn or per
 * millisecond would let a request that arrived after such a commit, but within the same
 * turn or millisecond as the last check, see the old row. Of the two, `PRAGMA data_version`
 * is the cost (~1.8 µs in-process: it takes and drops SQLite's read lock on the WAL index,
 * two fcntl calls); `total_changes()` is ~0.1 µs. The PostgreSQL store has no such cheap,
 * exact signal of another connection's commit, so it reads the row every time.
 */
class RowCache {
  readonly #rows = new Map<string, TaskRow>();
  readonly #dataVersion: Statement<[], number>;
  readonly #totalChanges: Statement<[], number>;
  #version = -1;
  #changes = -1;

  constructor(db: SqliteDatabase) {
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.#totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  }

  get(id: string): TaskRow | undefined {
    if (this.#rows.size === 0) return undefined;
    if (!this.#current()) {
      this.#rows.clear();
      return undefined;
    }
    return this.#rows.get(id);
  }

  /** Remembers `row`, read just now. */
  set(id: string, row: TaskRow): void {
    if (this.#rows.size === 0) this.#current(); // the state the row was read in
    if (this.#rows.size >= CACHED_ROWS) this.#rows.delete(this.#rows.keys().next().value!);
    this.#rows.set(id, row);
  }

  /** Whether the database is as it was when the cache was last checked (and records it). */
  #current(): boolean {
    const version = this.#dataVersion.get()!;
    const changes = this.#totalChanges.get()!;
    const same = version === this.#version && changes === this.#changes;
    this.#version = version;
    this.#changes = changes;
    return same;
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
