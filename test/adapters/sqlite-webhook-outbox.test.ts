/**
 * The SQLite webhook outbox against the shared case suite; `another()` opens a second
 * connection to the same file, as a second process would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteWebhookOutbox } from '../../src/adapters/sqlite/sqlite-webhook-outbox.js';
import { runWebhookOutboxCases } from '../cases/webhook-outbox.case.js';

runWebhookOutboxCases('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stillmotion-outbox-'));
  const file = join(dir, 'stillmotion.db');
  const handles: { db: SqliteDatabase; outbox: SqliteWebhookOutbox }[] = [];
  const open = () => {
    const db = openSqliteDatabase(file);
    const outbox = new SqliteWebhookOutbox(db);
    handles.push({ db, outbox });
    return outbox;
  };
  return {
    outbox: open(),
    another: async () => open(),
    async cleanup() {
      for (const { db, outbox } of handles) {
        await outbox.close();
        db.close();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
});
