/**
 * Opens the embedded database file with the settings every SQLite adapter relies on.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { applyMigrations } from './migrations.js';

/** A better-sqlite3 connection, as the SQLite adapters take it. */
export type SqliteDatabase = Database.Database;

export interface OpenSqliteOptions {
  /** How long a statement waits for another connection's write lock before failing. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when absent) the database at `filePath` and migrates it to the newest
 * schema. The caller owns the connection: the store and queue built on it do not close it.
 *
 * - `journal_mode=WAL`: readers never block the writer, and a commit is one sequential append.
 * - `synchronous=FULL`: a commit is fsynced before it returns, so a task the API accepted
 *   survives a power cut, not just a process crash (NORMAL in WAL mode may lose the last
 *   commits on power loss, which would break "200 means stored").
 * - `busy_timeout`: a second process (a CLI, a migration at start-up) waits instead of
 *   failing at once with SQLITE_BUSY.
 * - `foreign_keys=ON`: off by default in SQLite; on so future references are enforced.
 */
export function openSqliteDatabase(filePath: string, options: OpenSqliteOptions = {}): SqliteDatabase {
  if (filePath !== ':memory:' && !filePath.startsWith('file:')) mkdirSync(dirname(filePath), { recursive: true });
  // The busy timeout goes in first (the constructor sets it): switching to WAL and
  // migrating both need a lock that another process starting at the same time may hold.
  const db = new Database(filePath, { timeout: Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000)) });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
