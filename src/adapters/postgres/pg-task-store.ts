/**
 * The distributed task store: tasks as rows of one PostgreSQL table (see migrations.ts),
 * shared by every API node and worker.
 */
import type pg from 'pg';
import { AppError } from '../../core/errors.js';
import type { TaskPatch, TaskStore } from '../../core/ports.js';
import { TASK_STATUSES, TERMINAL_STATUSES, type Task, type TaskStatus } from '../../core/task.js';
import { translatePgError } from './open-pool.js';
import { PATCH_COLUMNS, taskFromRow, taskToRow, type TaskRow as SharedTaskRow } from '../task-row.js';

export interface PgTaskStoreOptions {
  /** Clock for `updatedAt`; injectable so tests need no real time. */
  now?: () => number;
}

type TaskRow = SharedTaskRow<string>;

const TERMINAL = [...TERMINAL_STATUSES];

const COLUMNS =
  'id, job_id, owner_key_id, dialect, status, progress, attempts, params, resolved, results, error, webhook, ' +
  'idempotency_key, request_fingerprint, upstream, created_at, updated_at, started_at, finished_at';

/**
 * {@link TaskStore} on PostgreSQL. Same semantics as the SQLite store, case for case (the
 * shared suite in test/cases/task-store.case.ts runs against both):
 *
 * - `update` is one `UPDATE … WHERE id = $1 AND status = ANY($2) RETURNING *`. Under READ
 *   COMMITTED a concurrent writer's row lock makes the second statement re-check the
 *   guard against the committed row, so of racing transitions exactly one applies, on any
 *   number of nodes.
 * - An insert has committed when it resolves (autocommit; the server's fsync settings
 *   decide durability, `synchronous_commit=on` by default).
 * - A lost connection or an unreachable server surfaces as AppError `service_unavailable`
 *   (HTTP 503); the pool reconnects on the next query.
 *
 * The store does not own the pool: `close()` only stops this store from being used.
 */
export class PgTaskStore implements TaskStore {
  readonly #pool: pg.Pool;
  readonly #now: () => number;
  #closed = false;

  constructor(pool: pg.Pool, options: PgTaskStoreOptions = {}) {
    this.#pool = pool;
    this.#now = options.now ?? Date.now;
  }

  async insert(task: Task): Promise<void> {
    const row = toRow(task);
    const values = COLUMNS.split(', ').map((column) => row[column as keyof TaskRow]);
    try {
      await this.#query(
        `INSERT INTO tasks (${COLUMNS}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`,
        values,
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === '23505') {
        if ((error as { constraint?: unknown }).constraint === 'tasks_owner_idempotency') {
          throw new AppError('conflict', 'Idempotency-Key: already used by another task of this key', {
            field: 'Idempotency-Key',
            cause: error,
          });
        }
        throw new AppError('conflict', `task ${task.id} already exists`, { cause: error });
      }
      throw error;
    }
  }

  async get(id: string): Promise<Task | undefined> {
    const rows = await this.#query(`SELECT ${COLUMNS} FROM tasks WHERE id = $1`, [id]);
    return rows[0] && fromRow(rows[0]);
  }

  /**
   * A patch key present with the value `undefined` clears that optional field; absent
   * keys are left alone; required fields ignore `undefined` (as in SQLite).
   */
  async update(id: string, patch: TaskPatch, expected?: readonly TaskStatus[]): Promise<Task | undefined> {
    if (expected !== undefined && expected.length === 0) return undefined;
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const [field, spec] of Object.entries(PATCH_COLUMNS) as [
      keyof TaskPatch,
      (typeof PATCH_COLUMNS)[keyof TaskPatch],
    ][]) {
      if (!Object.hasOwn(patch, field)) continue;
      const value = patch[field];
      if (value === undefined && !spec.nullable) continue;
      values.push(value === undefined ? null : spec.json ? JSON.stringify(value) : value);
      sets.push(`${spec.column} = $${values.length}`);
    }
    values.push(this.#now());
    sets.push(`updated_at = $${values.length}`);
    let sql = `UPDATE tasks SET ${sets.join(', ')} WHERE id = $1`;
    if (expected !== undefined) {
      values.push([...expected]);
      sql += ` AND status = ANY($${values.length}::text[])`;
    }
    const rows = await this.#query(`${sql} RETURNING ${COLUMNS}`, values);
    return rows[0] && fromRow(rows[0]);
  }

  async listByOwner(ownerKeyId: string, options: { limit: number; before?: number }): Promise<Task[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM tasks WHERE owner_key_id = $1 AND created_at < $2
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [ownerKeyId, before, clampLimit(options.limit)],
    );
    return rows.map(fromRow);
  }

  async findByIdempotencyKey(ownerKeyId: string, key: string, since: number): Promise<Task | undefined> {
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM tasks WHERE owner_key_id = $1 AND idempotency_key = $2 AND created_at >= $3
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [ownerKeyId, key, since],
    );
    return rows[0] && fromRow(rows[0]);
  }

  async releaseIdempotencyKey(ownerKeyId: string, key: string, before: number): Promise<void> {
    await this.#query(
      'UPDATE tasks SET idempotency_key = NULL WHERE owner_key_id = $1 AND idempotency_key = $2 AND created_at < $3',
      [ownerKeyId, key, before],
    );
  }

  async listFinishedBefore(before: number, limit: number): Promise<Task[]> {
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM tasks WHERE status = ANY($1::text[]) AND finished_at < $2
        ORDER BY finished_at, id LIMIT $3`,
      [TERMINAL, before, clampLimit(limit)],
    );
    return rows.map(fromRow);
  }

  async listInProgressNotUpdatedSince(before: number, limit: number): Promise<Task[]> {
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM tasks WHERE status = 'in_progress' AND updated_at < $1 ORDER BY updated_at, id LIMIT $2`,
      [before, clampLimit(limit)],
    );
    return rows.map(fromRow);
  }

  async listQueuedBefore(before: number, limit: number): Promise<Task[]> {
    const rows = await this.#query(
      `SELECT ${COLUMNS} FROM tasks WHERE status = 'queued' AND created_at < $1 ORDER BY created_at, id LIMIT $2`,
      [before, clampLimit(limit)],
    );
    return rows.map(fromRow);
  }

  async delete(id: string): Promise<void> {
    await this.#query('DELETE FROM tasks WHERE id = $1', [id]);
  }

  async countByStatus(): Promise<Record<TaskStatus, number>> {
    const counts = Object.fromEntries(TASK_STATUSES.map((status) => [status, 0])) as Record<TaskStatus, number>;
    const rows = (await this.#query('SELECT status, COUNT(*)::int AS n FROM tasks GROUP BY status', [])) as unknown as {
      status: TaskStatus;
      n: number;
    }[];
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }

  async ping(): Promise<void> {
    await this.#query('SELECT 1', []);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async #query(sql: string, values: unknown[]): Promise<TaskRow[]> {
    if (this.#closed) throw new AppError('service_unavailable', 'task store is closed');
    try {
      return (await this.#pool.query<TaskRow>(sql, values)).rows;
    } catch (error) {
      return translatePgError(error);
    }
  }
}

function clampLimit(limit: number): number {
  return Math.max(0, Math.trunc(limit));
}

function toRow(task: Task): TaskRow {
  return taskToRow(task, String);
}

const fromRow = taskFromRow;
