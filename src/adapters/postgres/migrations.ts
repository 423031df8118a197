/**
 * Versioned schema of the PostgreSQL task store.
 *
 * Same rules as the SQLite migrations: append-only (never edit one that has shipped; add
 * a new one), versions consecutive from 1. All pending migrations run in one transaction
 * under an advisory lock, so several nodes starting at once serialise: the first applies
 * them, the others wait on the lock and then find nothing to do.
 */
import type { Pool, PoolClient } from 'pg';

export interface PgMigration {
  version: number;
  /** Short description, stored for people reading `schema_migrations`. */
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'tasks',
    // Timestamps are epoch milliseconds (BIGINT), as in the task record. JSON-shaped parts
    // are TEXT holding JSON, like SQLite: JSONB would refuse a "\u0000" that a client put
    // in a prompt, and nothing queries inside them.
    sql: `
      CREATE TABLE tasks (
        id              TEXT             PRIMARY KEY,
        job_id          TEXT             NOT NULL,
        owner_key_id    TEXT             NOT NULL,
        dialect         TEXT             NOT NULL,
        status          TEXT             NOT NULL CHECK (status IN ('queued','in_progress','completed','failed','nsfw','canceled')),
        progress        DOUBLE PRECISION NOT NULL,
        attempts        INTEGER          NOT NULL,
        params          TEXT             NOT NULL,
        resolved        TEXT,
        results         TEXT,
        error           TEXT,
        webhook         TEXT,
        idempotency_key TEXT,
        created_at      BIGINT           NOT NULL,
        updated_at      BIGINT           NOT NULL,
        started_at      BIGINT,
        finished_at     BIGINT
      );
      CREATE INDEX tasks_owner_created ON tasks (owner_key_id, created_at DESC, id DESC);
      CREATE INDEX tasks_owner_idempotency ON tasks (owner_key_id, idempotency_key, created_at)
        WHERE idempotency_key IS NOT NULL;
      CREATE INDEX tasks_status_finished ON tasks (status, finished_at);
      CREATE INDEX tasks_status_created ON tasks (status, created_at);
    `,
  },
  {
    version: 2,
    name: 'idempotency_fingerprint',
    // As SQLite's migration 3: an owner's Idempotency-Key is unique among its tasks (racing
    // submits on several nodes cannot both insert), duplicates stored before keep only the
    // newest task's copy, and the request fingerprint is kept to refuse a reused key.
    sql: `
      ALTER TABLE tasks ADD COLUMN request_fingerprint TEXT;
      UPDATE tasks SET idempotency_key = NULL
        WHERE idempotency_key IS NOT NULL AND EXISTS (
          SELECT 1 FROM tasks newer
          WHERE newer.owner_key_id = tasks.owner_key_id AND newer.idempotency_key = tasks.idempotency_key
            AND (newer.created_at > tasks.created_at OR (newer.created_at = tasks.created_at AND newer.id > tasks.id)));
      DROP INDEX tasks_owner_idempotency;
      CREATE UNIQUE INDEX tasks_owner_idempotency ON tasks (owner_key_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'webhook_deliveries',
    // As SQLite's migration 4: `next_attempt_at` is the reconciler's next look while
    // waiting, the next attempt while pending, and the end of the claim's lease while one
    // is out; `claim_token` names the current claim.
    sql: `
      CREATE TABLE webhook_deliveries (
        id              TEXT    PRIMARY KEY,
        task_id         TEXT    NOT NULL UNIQUE,
        url             TEXT    NOT NULL,
        state           TEXT    NOT NULL CHECK (state IN ('waiting','pending','delivered','failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT  NOT NULL,
        created_at      BIGINT  NOT NULL,
        armed_at        BIGINT,
        delivered_at    BIGINT,
        last_status     INTEGER,
        last_error      TEXT,
        claim_token     TEXT
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
      CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
    `,
  },
  {
    version: 4,
    name: 'upstream_request',
    // As SQLite's migration 5: a relayed task's upstream request (JSON text), written before
    // the cloud is asked and as soon as it answers, so a crash never buys one video twice.
    sql: `ALTER TABLE tasks ADD COLUMN upstream TEXT;`,
  },
];

/** First half of the advisory lock key; the second is a hash of the schema name. */
const LOCK_NAMESPACE = 0x5713_0001;

/**
 * Brings the database (the schema first on `search_path`) up to the newest version.
 * Takes a transaction-scoped advisory lock keyed by the schema, so concurrent start-ups
 * of many nodes apply each migration exactly once; a failure rolls everything back.
 *
 * @returns the versions applied now (empty when the schema was current).
 * @throws when the schema was written by a newer stillmotion (refuses to downgrade).
 */
export async function applyPgMigrations(
  pool: Pool,
  options: { schema?: string; migrations?: readonly PgMigration[] } = {},
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const applied = await migrateLocked(client, options.schema, options.migrations ?? PG_MIGRATIONS);
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

async function migrateLocked(
  client: PoolClient,
  schema: string | undefined,
  migrations: readonly PgMigration[],
): Promise<number[]> {
  if (schema !== undefined) {
    // The pool's search_path names it; create it first (under the lock, so two nodes do
    // not race on CREATE SCHEMA) so that the tables below land in it.
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } else {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [LOCK_NAMESPACE]);
  }
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at BIGINT  NOT NULL
  )`);
  const { rows } = await client.query<{ version: number | null }>(
    'SELECT MAX(version) AS version FROM schema_migrations',
  );
  const current = rows[0]?.version ?? 0;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `database schema is at version ${current}, newer than this build knows (${newest}); refusing to downgrade`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      Date.now(),
    ]);
    applied.push(migration.version);
  }
  return applied;
}

/** Quotes an SQL identifier (schema names come from configuration). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
