/**
 * Versioned schema of the embedded database. Tasks and queue jobs share one SQLite file
 * so that a single `DATA_DIR` holds all state and one fsync covers both.
 *
 * Rules: migrations are append-only (never edit one that has shipped; add a new one),
 * versions are consecutive from 1, and each runs inside the single start-up transaction.
 */
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  /** Short description, stored for people reading `schema_migrations`. */
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tasks',
    // STRICT so a wrong type is an error rather than silently stored text.
    // JSON-shaped parts of a task are TEXT holding JSON; only scalar columns are queried.
    sql: `
      CREATE TABLE tasks (
        id              TEXT    PRIMARY KEY,
        job_id          TEXT    NOT NULL,
        owner_key_id    TEXT    NOT NULL,
        dialect         TEXT    NOT NULL,
        status          TEXT    NOT NULL CHECK (status IN ('queued','in_progress','completed','failed','nsfw','canceled')),
        progress        REAL    NOT NULL,
        attempts        INTEGER NOT NULL,
        params          TEXT    NOT NULL,
        resolved        TEXT,
        results         TEXT,
        error           TEXT,
        webhook         TEXT,
        idempotency_key TEXT,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        started_at      INTEGER,
        finished_at     INTEGER
      ) STRICT;
      -- listByOwner: newest first, id breaks ties so the order is total.
      CREATE INDEX tasks_owner_created ON tasks (owner_key_id, created_at DESC, id DESC);
      -- findByIdempotencyKey; partial because most tasks carry no key.
      CREATE INDEX tasks_owner_idempotency ON tasks (owner_key_id, idempotency_key, created_at)
        WHERE idempotency_key IS NOT NULL;
      -- listFinishedBefore (retention sweep) and listQueuedBefore (reconciler).
      CREATE INDEX tasks_status_finished ON tasks (status, finished_at);
      CREATE INDEX tasks_status_created ON tasks (status, created_at);
    `,
  },
  {
    version: 2,
    name: 'queue_jobs',
    // `ready_at` is when the job may next be claimed: the end of its delay while waiting,
    // the end of its lease while held. One column for both makes "available, or held by a
    // dead worker" a single range scan: ready_at <= now.
    sql: `
      CREATE TABLE queue_jobs (
        seq       INTEGER PRIMARY KEY,
        task_id   TEXT    NOT NULL UNIQUE,
        ready_at  INTEGER NOT NULL,
        attempts  INTEGER NOT NULL DEFAULT 0,
        worker_id TEXT
      ) STRICT;
      CREATE INDEX queue_jobs_ready ON queue_jobs (ready_at, seq);
    `,
  },
  {
    version: 3,
    name: 'idempotency_fingerprint',
    // An owner's Idempotency-Key is unique among its tasks, so two submits racing with one
    // key cannot both insert (the loser reads the winner back). Keys that were already
    // stored twice keep only the newest task's copy. The fingerprint lets a reused key
    // with a different request be refused rather than answered with the first task.
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
    version: 4,
    name: 'webhook_deliveries',
    // The webhook outbox. `next_attempt_at` is the reconciler's next look while waiting,
    // the next attempt while pending, and the end of the claim's lease while one is out
    // (the queue's ready_at trick): "due" is one range scan. `claim_token` names the
    // current claim, so an attempt whose lease ran out cannot record its outcome.
    sql: `
      CREATE TABLE webhook_deliveries (
        id              TEXT    PRIMARY KEY,
        task_id         TEXT    NOT NULL UNIQUE,
        url             TEXT    NOT NULL,
        state           TEXT    NOT NULL CHECK (state IN ('waiting','pending','delivered','failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        armed_at        INTEGER,
        delivered_at    INTEGER,
        last_status     INTEGER,
        last_error      TEXT,
        claim_token     TEXT
      ) STRICT;
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
      CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
    `,
  },
  {
    version: 5,
    name: 'upstream_request',
    // A relayed task's upstream request (JSON: engine, state, endpoint, request id), written
    // before the cloud is asked and as soon as it answers, so a crash never buys twice.
    sql: `ALTER TABLE tasks ADD COLUMN upstream TEXT;`,
  },
  {
    version: 6,
    name: 'relay_jobs',
    // The relay lane of the embedded queue: tasks rendered by a cloud engine wait here,
    // claimed by the relay slots, beside queue_jobs (local renders). Same shape and rules.
    sql: `
      CREATE TABLE relay_jobs (
        seq       INTEGER PRIMARY KEY,
        task_id   TEXT    NOT NULL UNIQUE,
        ready_at  INTEGER NOT NULL,
        attempts  INTEGER NOT NULL DEFAULT 0,
        worker_id TEXT
      ) STRICT;
      CREATE INDEX relay_jobs_ready ON relay_jobs (ready_at, seq);
    `,
  },
];

/**
 * Brings `db` up to the newest version. Runs in one IMMEDIATE transaction, so two
 * processes opening the same file at once serialise (the second waits on busy_timeout,
 * then finds nothing to do); a failure leaves the schema exactly as it was.
 *
 * @returns the versions applied now (empty when the schema was current).
 * @throws when the file was written by a newer stillmotion (refuses to downgrade).
 */
export function applyMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT    NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
    const current = row.version ?? 0;
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new Error(
        `database schema is at version ${current}, newer than this build knows (${newest}); refusing to downgrade`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
