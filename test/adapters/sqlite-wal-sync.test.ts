/**
 * The SQLite task insert's commit: not resolved before the WAL is flushed, flushes shared
 * by concurrent inserts, a failed flush taken back, the connection left at FULL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskStore } from '../../src/adapters/sqlite/sqlite-task-store.js';
import { fsyncFile } from '../../src/adapters/sqlite/wal-sync.js';
import { isAppError } from '../../src/core/errors.js';
import { makeTask } from '../cases/task-fixture.js';

/** A sync function the test finishes by hand, recording which paths it was asked for. */
function manualSync() {
  const calls: { path: string; done: () => void; fail: (e: Error) => void }[] = [];
  const sync = (path: string) =>
    new Promise<void>((resolve, reject) => calls.push({ path, done: resolve, fail: reject }));
  return { sync, calls };
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

function withDb(run: (db: ReturnType<typeof openSqliteDatabase>, file: string) => Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-walsync-'));
    const file = join(dir, 'w.db');
    const db = openSqliteDatabase(file);
    try {
      await run(db, file);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('SQLite insert durability (WAL flushed off the event loop)', () => {
  it(
    'resolves only after the WAL file is flushed, and leaves synchronous=FULL',
    withDb(async (db, file) => {
      const { sync, calls } = manualSync();
      const store = new SqliteTaskStore(db, { syncFile: sync });
      const task = makeTask();
      const inserted = store.insert(task);
      assert.equal(await settled(inserted), false, 'resolved before the flush');
      assert.equal(calls.length, 1);
      assert.equal(calls[0]!.path, `${file}-wal`);
      assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL again at once');
      calls[0]!.done();
      await inserted;
      assert.equal((await store.get(task.id))?.id, task.id);
    }),
  );

  it(
    'shares flushes: inserts made while one is in flight wait for one more, not one each',
    withDb(async (db) => {
      const { sync, calls } = manualSync();
      const store = new SqliteTaskStore(db, { syncFile: sync });
      const first = store.insert(makeTask());
      const later = [store.insert(makeTask()), store.insert(makeTask()), store.insert(makeTask())];
      await new Promise((r) => setImmediate(r));
      assert.equal(calls.length, 1, 'the later ones wait for the flush in flight to end');
      calls[0]!.done();
      await first;
      assert.equal(await settled(Promise.all(later)), false, 'the first flush may predate their rows');
      assert.equal(calls.length, 2);
      calls[1]!.done();
      await Promise.all(later);
      assert.equal(calls.length, 2);
    }),
  );

  it(
    'a failed flush rejects the insert as 503 and takes the row back',
    withDb(async (db) => {
      const { sync, calls } = manualSync();
      const store = new SqliteTaskStore(db, { syncFile: sync });
      const task = makeTask();
      const inserted = store.insert(task);
      await new Promise((r) => setImmediate(r));
      calls[0]!.fail(new Error('EIO'));
      await assert.rejects(inserted, (e) => isAppError(e) && e.code === 'service_unavailable');
      assert.equal(await store.get(task.id), undefined);
      // The next insert flushes again and succeeds.
      const next = store.insert(makeTask());
      await new Promise((r) => setImmediate(r));
      calls[1]!.done();
      await next;
    }),
  );

  it(
    'the real flush works on the WAL file, and rows survive reopening',
    withDb(async (db, file) => {
      const store = new SqliteTaskStore(db, { syncFile: fsyncFile });
      const task = makeTask();
      await store.insert(task);
      const again = openSqliteDatabase(file);
      try {
        assert.equal((await new SqliteTaskStore(again).get(task.id))?.id, task.id);
      } finally {
        again.close();
      }
    }),
  );

  it('in memory (no WAL) it commits as before', async () => {
    const db = openSqliteDatabase(':memory:');
    try {
      const { sync, calls } = manualSync();
      const store = new SqliteTaskStore(db, { syncFile: sync });
      await store.insert(makeTask());
      assert.equal(calls.length, 0, 'no WAL file to flush');
    } finally {
      db.close();
    }
  });
});
