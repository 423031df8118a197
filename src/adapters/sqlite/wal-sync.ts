/**
 * Durable SQLite commits whose fsync runs off the event loop, shared by concurrent commits.
 *
 * better-sqlite3 is synchronous: with `synchronous=FULL` every commit fsyncs the WAL on the
 * JavaScript thread, and on a busy disk that fsync is milliseconds during which no other
 * request is served (the submit path profiled at 27 % of all its CPU samples inside the
 * task insert, nearly all of it that fsync). Here a commit runs with `synchronous=NORMAL`
 * (in WAL mode: written to the WAL, not fsynced; SQLite documents WAL+NORMAL as never
 * corrupting the database) and the caller then awaits an fsync of the WAL file on libuv's
 * thread pool. On Linux an fsync flushes the file's data whoever wrote it, so once it
 * returns the commit is on disk exactly as with FULL: "resolved means stored" still holds
 * across a power cut, and the event loop serves other requests meanwhile.
 *
 * Group commit: commits made while a sync is in flight all wait for the next one, so at a
 * few hundred submits a second there is roughly one fsync per disk round trip, not per row.
 */
import { open } from 'node:fs/promises';
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './open-database.js';

/** Flushes one file to disk (fsync). Replaceable in tests. */
export type SyncFile = (path: string) => Promise<void>;

export const fsyncFile: SyncFile = async (path) => {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/** The commit was written but its fsync failed: it may not survive a power cut. */
export class WalSyncError extends Error {
  constructor(cause: unknown) {
    super('the WAL could not be flushed to disk', { cause });
    this.name = 'WalSyncError';
  }
}

/** PRAGMA synchronous's value for FULL. */
const FULL = 2;

export class WalSync {
  readonly #db: SqliteDatabase;
  readonly #sync: SyncFile;
  /** The WAL file, or undefined when there is none to flush (`:memory:`) or its name is a URI. */
  readonly #walPath: string | undefined;
  readonly #normal: Statement;
  readonly #full: Statement;
  readonly #readSync: Statement;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(db: SqliteDatabase, sync: SyncFile = fsyncFile) {
    this.#db = db;
    this.#sync = sync;
    // A `file:` URI names its file in SQLite's syntax: such a connection commits as before.
    const wal = db.pragma('journal_mode', { simple: true }) === 'wal' && !db.memory && !db.name.startsWith('file:');
    this.#walPath = wal ? `${db.name}-wal` : undefined;
    this.#normal = db.prepare('PRAGMA synchronous = NORMAL');
    this.#full = db.prepare('PRAGMA synchronous = FULL');
    this.#readSync = db.prepare('PRAGMA synchronous').pluck();
  }

  /**
   * Runs `write` (one or more statements, committed when it returns), then resolves once
   * the commit is on disk. Inside a caller's transaction, or on a connection that is not
   * at FULL, or not in WAL mode, it only runs `write`: durability is then the caller's or
   * the connection's business, as it was before.
   */
  async commit<T>(write: () => T): Promise<T> {
    const relax = this.#walPath !== undefined && !this.#db.inTransaction && this.#readSync.get() === FULL;
    if (!relax) return write();
    this.#normal.run();
    let result: T;
    try {
      result = write();
    } finally {
      this.#full.run();
    }
    try {
      await this.flush();
    } catch (error) {
      throw new WalSyncError(error);
    }
    return result;
  }

  /** Resolves once everything committed to the WAL before this call is on disk. */
  flush(): Promise<void> {
    if (this.#walPath === undefined) return Promise.resolve();
    // A sync already waiting to start will cover this commit too.
    if (this.#queued) return this.#queued;
    if (!this.#running) {
      const running = this.#sync(this.#walPath).finally(() => {
        if (this.#running === running) this.#running = undefined;
      });
      this.#running = running;
      return running;
    }
    // The sync in flight may have started before this commit was written: wait for the next.
    const queued = this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.flush();
      });
    this.#queued = queued;
    return queued;
  }
}

const shared = new WeakMap<SqliteDatabase, WalSync>();

/** The connection's one {@link WalSync}, so its store and queues share their fsyncs. */
export function walSyncOf(db: SqliteDatabase, sync?: SyncFile): WalSync {
  if (sync) return new WalSync(db, sync);
  let walSync = shared.get(db);
  if (!walSync) {
    walSync = new WalSync(db);
    shared.set(db, walSync);
  }
  return walSync;
}
