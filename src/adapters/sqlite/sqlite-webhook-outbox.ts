/**
 * The embedded webhook outbox: deliveries as rows of one SQLite table (migration 4), in
 * the same file as the tasks, so `DATA_DIR` alone holds everything a restart needs.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import type { WebhookClaim, WebhookDelivery, WebhookDeliveryState, WebhookOutbox } from '../../core/ports.js';
import type { SqliteDatabase } from './open-database.js';

interface DeliveryRow {
  id: string;
  task_id: string;
  url: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  armed_at: number | null;
  delivered_at: number | null;
  last_status: number | null;
  last_error: string | null;
  claim_token: string | null;
}

/**
 * {@link WebhookOutbox} on SQLite. Each method is one statement or one IMMEDIATE
 * transaction, so several processes sharing the file (a CLI next to the server) never
 * claim one delivery twice. The outbox does not own the connection.
 */
export class SqliteWebhookOutbox implements WebhookOutbox {
  readonly #db: SqliteDatabase;
  readonly #statements;
  readonly #claim;
  #closed = false;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#statements = {
      register:
        db.prepare(`INSERT INTO webhook_deliveries (id, task_id, url, state, attempts, next_attempt_at, created_at)
        VALUES (?, ?, ?, 'waiting', 0, ?, ?) ON CONFLICT (task_id) DO NOTHING`),
      arm: db.prepare(`UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?, armed_at = ?
        WHERE task_id = ? AND state = 'waiting'`),
      listWaiting: db.prepare(`SELECT * FROM webhook_deliveries WHERE state = 'waiting' AND next_attempt_at <= ?
        ORDER BY next_attempt_at, id LIMIT ?`),
      deferCheck: db.prepare(`UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND state = 'waiting'`),
      due: db.prepare(`SELECT * FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ?
        ORDER BY next_attempt_at, id LIMIT ?`),
      take: db.prepare(`UPDATE webhook_deliveries SET next_attempt_at = ?, attempts = attempts + 1, claim_token = ?
        WHERE id = ? AND state = 'pending' AND next_attempt_at <= ? RETURNING *`),
      success: db.prepare(`UPDATE webhook_deliveries
        SET state = 'delivered', delivered_at = ?, last_status = ?, last_error = NULL, claim_token = NULL
        WHERE id = ? AND claim_token = ? AND state = 'pending'`),
      retry: db.prepare(`UPDATE webhook_deliveries
        SET next_attempt_at = ?, last_status = ?, last_error = ?, claim_token = NULL
        WHERE id = ? AND claim_token = ? AND state = 'pending'`),
      giveUp: db.prepare(`UPDATE webhook_deliveries
        SET state = 'failed', last_status = ?, last_error = ?, claim_token = NULL
        WHERE id = ? AND claim_token = ? AND state = 'pending'`),
      getByTask: db.prepare('SELECT * FROM webhook_deliveries WHERE task_id = ?'),
      delete: db.prepare('DELETE FROM webhook_deliveries WHERE id = ?'),
      prune: db.prepare(`DELETE FROM webhook_deliveries WHERE state IN ('delivered','failed') AND created_at < ?`),
    };
    this.#claim = db.transaction((now: number, leaseMs: number, limit: number): WebhookClaim[] => {
      const rows = this.#statements.due.all(now, Math.max(0, Math.trunc(limit))) as DeliveryRow[];
      const claims: WebhookClaim[] = [];
      for (const row of rows) {
        const token = randomUUID();
        const taken = this.#statements.take.get(now + leaseMs, token, row.id, now) as DeliveryRow | undefined;
        if (taken) claims.push({ delivery: fromRow(taken), token });
      }
      return claims;
    });
  }

  async register(delivery: {
    id: string;
    taskId: string;
    url: string;
    createdAt: number;
    checkAt: number;
  }): Promise<void> {
    this.#assertOpen();
    this.#statements.register.run(delivery.id, delivery.taskId, delivery.url, delivery.checkAt, delivery.createdAt);
  }

  async arm(taskId: string, at: number): Promise<boolean> {
    this.#assertOpen();
    return this.#statements.arm.run(at, at, taskId).changes > 0;
  }

  async listWaiting(now: number, limit: number): Promise<WebhookDelivery[]> {
    this.#assertOpen();
    return (this.#statements.listWaiting.all(now, Math.max(0, Math.trunc(limit))) as DeliveryRow[]).map(fromRow);
  }

  async deferCheck(id: string, at: number): Promise<void> {
    this.#assertOpen();
    this.#statements.deferCheck.run(at, id);
  }

  async claim(now: number, leaseMs: number, limit: number): Promise<WebhookClaim[]> {
    this.#assertOpen();
    return this.#claim.immediate(now, leaseMs, limit);
  }

  async recordSuccess(claim: WebhookClaim, outcome: { at: number; status: number }): Promise<boolean> {
    this.#assertOpen();
    return this.#statements.success.run(outcome.at, outcome.status, claim.delivery.id, claim.token).changes > 0;
  }

  async recordFailure(
    claim: WebhookClaim,
    outcome: { status?: number; error: string; retryAt?: number },
  ): Promise<boolean> {
    this.#assertOpen();
    const status = outcome.status ?? null;
    const error = outcome.error.slice(0, 500);
    const result =
      outcome.retryAt === undefined
        ? this.#statements.giveUp.run(status, error, claim.delivery.id, claim.token)
        : this.#statements.retry.run(outcome.retryAt, status, error, claim.delivery.id, claim.token);
    return result.changes > 0;
  }

  async getByTask(taskId: string): Promise<WebhookDelivery | undefined> {
    this.#assertOpen();
    const row = this.#statements.getByTask.get(taskId) as DeliveryRow | undefined;
    return row && fromRow(row);
  }

  async delete(id: string): Promise<void> {
    this.#assertOpen();
    this.#statements.delete.run(id);
  }

  async prune(before: number): Promise<number> {
    this.#assertOpen();
    return this.#statements.prune.run(before).changes;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed || !this.#db.open) throw new AppError('service_unavailable', 'webhook outbox is closed');
  }
}

/** Absent optional fields stay absent, so a delivery compares deep-equal across adapters. */
function fromRow(row: DeliveryRow): WebhookDelivery {
  const delivery: WebhookDelivery = {
    id: row.id,
    taskId: row.task_id,
    url: row.url,
    state: row.state as WebhookDeliveryState,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
  if (row.armed_at !== null) delivery.armedAt = row.armed_at;
  if (row.delivered_at !== null) delivery.deliveredAt = row.delivered_at;
  if (row.last_status !== null) delivery.lastStatus = row.last_status;
  if (row.last_error !== null) delivery.lastError = row.last_error;
  return delivery;
}
