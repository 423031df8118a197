/**
 * The shared webhook outbox on PostgreSQL (migration 3): every API node claims due
 * deliveries from one table, so each task's webhook is sent by one node at a time.
 */
import type pg from 'pg';
import { AppError } from '../../core/errors.js';
import type { WebhookClaim, WebhookDelivery, WebhookDeliveryState, WebhookOutbox } from '../../core/ports.js';
import { translatePgError } from './open-pool.js';

interface DeliveryRow {
  id: string;
  task_id: string;
  url: string;
  state: string;
  attempts: number;
  // BIGINT columns arrive as strings.
  next_attempt_at: string;
  created_at: string;
  armed_at: string | null;
  delivered_at: string | null;
  last_status: number | null;
  last_error: string | null;
  claim_token: string | null;
}

/**
 * {@link WebhookOutbox} on PostgreSQL. Same semantics as the SQLite outbox (the shared
 * suite in test/cases/webhook-outbox.case.ts runs against both). `claim` is one statement:
 * `SELECT … FOR UPDATE SKIP LOCKED` picks due rows that no concurrent claim holds, and the
 * UPDATE gives each a fresh token and pushes it to the end of the lease — so nodes
 * claiming at once split the due deliveries between them, none twice.
 * The outbox does not own the pool.
 */
export class PgWebhookOutbox implements WebhookOutbox {
  readonly #pool: pg.Pool;
  #closed = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async register(delivery: {
    id: string;
    taskId: string;
    url: string;
    createdAt: number;
    checkAt: number;
  }): Promise<void> {
    await this.#query(
      `INSERT INTO webhook_deliveries (id, task_id, url, state, attempts, next_attempt_at, created_at)
        VALUES ($1, $2, $3, 'waiting', 0, $4, $5) ON CONFLICT (task_id) DO NOTHING`,
      [delivery.id, delivery.taskId, delivery.url, delivery.checkAt, delivery.createdAt],
    );
  }

  async arm(taskId: string, at: number): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $1, armed_at = $1
        WHERE task_id = $2 AND state = 'waiting' RETURNING id`,
      [at, taskId],
    );
    return rows.length > 0;
  }

  async listWaiting(now: number, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.#query(
      `SELECT * FROM webhook_deliveries WHERE state = 'waiting' AND next_attempt_at <= $1
        ORDER BY next_attempt_at, id LIMIT $2`,
      [now, clampLimit(limit)],
    );
    return rows.map(fromRow);
  }

  async deferCheck(id: string, at: number): Promise<void> {
    await this.#query(`UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND state = 'waiting'`, [
      at,
      id,
    ]);
  }

  async claim(now: number, leaseMs: number, limit: number): Promise<WebhookClaim[]> {
    const rows = (await this.#query(
      `WITH due AS (
          SELECT id, next_attempt_at AS due_at FROM webhook_deliveries
          WHERE state = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at, id LIMIT $3
          FOR UPDATE SKIP LOCKED)
        UPDATE webhook_deliveries d
          SET next_attempt_at = $2, attempts = d.attempts + 1, claim_token = gen_random_uuid()::text
          FROM due WHERE d.id = due.id
        RETURNING d.*, due.due_at`,
      [now, now + leaseMs, clampLimit(limit)],
    )) as (DeliveryRow & { due_at: string })[];
    // RETURNING has no order: give the claims back oldest due first, as the port says.
    rows.sort((a, b) => Number(a.due_at) - Number(b.due_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map((row) => ({ delivery: fromRow(row), token: row.claim_token! }));
  }

  async recordSuccess(claim: WebhookClaim, outcome: { at: number; status: number }): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE webhook_deliveries
        SET state = 'delivered', delivered_at = $1, last_status = $2, last_error = NULL, claim_token = NULL
        WHERE id = $3 AND claim_token = $4 AND state = 'pending' RETURNING id`,
      [outcome.at, outcome.status, claim.delivery.id, claim.token],
    );
    return rows.length > 0;
  }

  async recordFailure(
    claim: WebhookClaim,
    outcome: { status?: number; error: string; retryAt?: number },
  ): Promise<boolean> {
    const status = outcome.status ?? null;
    const error = outcome.error.slice(0, 500);
    const rows =
      outcome.retryAt === undefined
        ? await this.#query(
            `UPDATE webhook_deliveries SET state = 'failed', last_status = $1, last_error = $2, claim_token = NULL
              WHERE id = $3 AND claim_token = $4 AND state = 'pending' RETURNING id`,
            [status, error, claim.delivery.id, claim.token],
          )
        : await this.#query(
            `UPDATE webhook_deliveries SET next_attempt_at = $1, last_status = $2, last_error = $3, claim_token = NULL
              WHERE id = $4 AND claim_token = $5 AND state = 'pending' RETURNING id`,
            [outcome.retryAt, status, error, claim.delivery.id, claim.token],
          );
    return rows.length > 0;
  }

  async getByTask(taskId: string): Promise<WebhookDelivery | undefined> {
    const rows = await this.#query('SELECT * FROM webhook_deliveries WHERE task_id = $1', [taskId]);
    return rows[0] && fromRow(rows[0]);
  }

  async delete(id: string): Promise<void> {
    await this.#query('DELETE FROM webhook_deliveries WHERE id = $1', [id]);
  }

  async prune(before: number): Promise<number> {
    const rows = await this.#query(
      `DELETE FROM webhook_deliveries WHERE state IN ('delivered','failed') AND created_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  async #query(sql: string, values: unknown[]): Promise<DeliveryRow[]> {
    if (this.#closed) throw new AppError('service_unavailable', 'webhook outbox is closed');
    try {
      return (await this.#pool.query<DeliveryRow>(sql, values)).rows;
    } catch (error) {
      return translatePgError(error);
    }
  }
}

function clampLimit(limit: number): number {
  return Math.max(0, Math.trunc(limit));
}

/** Absent optional fields stay absent, so a delivery compares deep-equal across adapters. */
function fromRow(row: DeliveryRow): WebhookDelivery {
  const delivery: WebhookDelivery = {
    id: row.id,
    taskId: row.task_id,
    url: row.url,
    state: row.state as WebhookDeliveryState,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    createdAt: Number(row.created_at),
  };
  if (row.armed_at !== null) delivery.armedAt = Number(row.armed_at);
  if (row.delivered_at !== null) delivery.deliveredAt = Number(row.delivered_at);
  if (row.last_status !== null) delivery.lastStatus = row.last_status;
  if (row.last_error !== null) delivery.lastError = row.last_error;
  return delivery;
}
