import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskQueue } from '../../src/adapters/sqlite/sqlite-task-queue.js';

describe('SQLite enqueue commit', () => {
  it('leaves the connection at synchronous=FULL, and the job claimable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-enqueue-'));
    const db = openSqliteDatabase(join(dir, 'q.db'));
    try {
      const queue = new SqliteTaskQueue(db, { now: () => 1000 });
      await queue.enqueue('t1');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      // Inside a caller's transaction the setting is not touched (it could not change there).
      db.prepare('BEGIN').run();
      await queue.enqueue('t2');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      db.prepare('COMMIT').run();
      const lease = await queue.claim('w1', 60_000);
      assert.equal(lease?.taskId, 't1');
      await queue.close();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
