/**
 * Reads the webhook outbox of a running test server straight from its SQLite file (a
 * second connection, as a person with `sqlite3` would), to see what is persisted.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/open-database.js';
import { SqliteWebhookOutbox } from '../../../src/adapters/sqlite/sqlite-webhook-outbox.js';
import type { WebhookDelivery } from '../../../src/core/ports.js';

export async function readDelivery(dataDir: string, taskId: string): Promise<WebhookDelivery | undefined> {
  const db = openSqliteDatabase(join(dataDir, 'stillmotion.db'));
  try {
    return await new SqliteWebhookOutbox(db).getByTask(taskId);
  } finally {
    db.close();
  }
}

/** Polls until `accept` holds for the task's delivery (or fails after `timeoutMs`). */
export async function waitForDelivery(
  dataDir: string,
  taskId: string,
  accept: (delivery: WebhookDelivery) => boolean,
  timeoutMs = 30_000,
): Promise<WebhookDelivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = await readDelivery(dataDir, taskId);
    if (delivery && accept(delivery)) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery of ${taskId} never got there: ${JSON.stringify(delivery)}`);
    await sleep(50);
  }
}
