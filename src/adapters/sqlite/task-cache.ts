/**
 * The Tasks that `SqliteTaskStore.get` read lately, one cache per connection.
 */
import type { Task } from '../../core/task.js';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';

/** How many Tasks a {@link TaskCache} keeps (the oldest go first). */
const CACHED_TASKS = 512;

/**
 * A task polled through `GET …/feed/{id}` is read from SQLite once per change, not once
 * per poll, and parsed once too: the cache holds the Task itself, deep-frozen, so a caller
 * that changed it would throw instead of changing what the next `get` returns.
 *
 * Two kinds of write can make an entry stale, and each has its own signal:
 * - A commit by another connection (another process): `PRAGMA data_version` changes, and
 *   then the whole cache goes. It is read on every lookup, before any row is read, because
 *   a row another process committed before a request arrived must never be answered from
 *   the cache. Checking once per event-loop turn or per millisecond would let a request
 *   that arrived after such a commit, but within the same turn or millisecond as the last
 *   check, see the old row. It costs ~1.8 µs in-process (SQLite's read lock on the WAL
 *   index, two fcntl calls). The PostgreSQL store has no such cheap, exact signal of another
 *   connection's commit, so it reads the row every time.
 * - A write by this connection, which `data_version` does not count: every one of them goes
 *   through a store on this connection (the tasks table has no other writer; migrations run
 *   in `openSqliteDatabase`, before any store exists), and the store forgets the task it
 *   writes. That is why the cache belongs to the connection, not the store: two stores on
 *   one connection see each other's writes. (It replaced `total_changes()` on every get,
 *   which also saw a raw `UPDATE` on the connection, at a cost on every poll.)
 *
 * Nothing read inside an open transaction is kept: the transaction may roll back, and
 * SQLite would say nothing of it (a rolled-back own write leaves `data_version` as it was).
 */
export class TaskCache {
  readonly #db: SqliteDatabase;
  readonly #tasks = new Map<string, Task>();
  readonly #dataVersion: Statement<[], number>;
  #version = -1;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /**
   * The cached Task, if another connection committed nothing since it was read. Call it
   * before reading the row on a miss: the row read next then belongs to the version seen.
   */
  lookup(id: string): Task | undefined {
    const version = this.#dataVersion.get()!;
    if (version !== this.#version) {
      this.#tasks.clear();
      this.#version = version;
      return undefined;
    }
    return this.#tasks.get(id);
  }

  /** Keeps `task`, read just after {@link lookup} missed; returns it frozen. */
  remember(task: Task): Task {
    deepFreeze(task);
    if (this.#db.inTransaction) return task;
    if (this.#tasks.size >= CACHED_TASKS) this.#tasks.delete(this.#tasks.keys().next().value!);
    this.#tasks.set(task.id, task);
    return task;
  }

  /** Drops the task this connection is about to write or has written. */
  forget(id: string): void {
    this.#tasks.delete(id);
  }

  /** Drops every task (a write whose rows are not known by id). */
  forgetAll(): void {
    this.#tasks.clear();
  }
}

const caches = new WeakMap<SqliteDatabase, TaskCache>();

/** The connection's cache, shared by every store on it. */
export function taskCacheOf(db: SqliteDatabase): TaskCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new TaskCache(db);
    caches.set(db, cache);
  }
  return cache;
}

function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) deepFreeze(child);
  }
}
