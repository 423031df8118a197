/**
 * Picks the persistence adapters from the configuration. Today: the embedded ones
 * (SQLite store + queue in one file, media on the local filesystem).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { MediaStore, TaskQueue, TaskStore } from '../core/ports.js';
import { FsMediaStore } from './fs/fs-media-store.js';
import { openSqliteDatabase } from './sqlite/open-database.js';
import { SqliteTaskQueue } from './sqlite/sqlite-task-queue.js';
import { SqliteTaskStore } from './sqlite/sqlite-task-store.js';

export interface Adapters {
  store: TaskStore;
  queue: TaskQueue;
  media: MediaStore;
  /** Scratch folder for renders in this process. */
  workRoot: string;
  /** Closes queue, store and their connections. */
  close(): Promise<void>;
}

export async function createAdapters(config: Config): Promise<Adapters> {
  const db = openSqliteDatabase(join(config.dataDir, 'stillmotion.db'));
  const store = new SqliteTaskStore(db);
  const queue = new SqliteTaskQueue(db);
  const workRoot = join(config.dataDir, 'tmp');
  // Embedded mode is one process: every lease left in the file, and every scratch folder
  // left on disk, belongs to a process that died (crash, kill -9).
  queue.recoverAfterRestart();
  rmSync(workRoot, { recursive: true, force: true });
  return {
    store,
    queue,
    media: new FsMediaStore(join(config.dataDir, 'media')),
    workRoot,
    async close() {
      await queue.close();
      await store.close();
      db.close();
    },
  };
}
