/**
 * The PostgreSQL task store: the shared TaskStore case suite, then what only this
 * adapter promises (migrations safe under concurrent start-up, outages as 503 and
 * recovery). Each case gets its own schema (search_path), dropped afterwards.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../../src/core/errors.js';
import { PG_MIGRATIONS, applyPgMigrations } from '../../src/adapters/postgres/migrations.js';
import { openPgPool } from '../../src/adapters/postgres/open-pool.js';
import { PgTaskStore } from '../../src/adapters/postgres/pg-task-store.js';
import { TASK_STORE_CASES, runTaskStoreCases } from '../cases/task-store.case.js';
import { WEBHOOK_OUTBOX_CASES, runWebhookOutboxCases } from '../cases/webhook-outbox.case.js';
import { PgWebhookOutbox } from '../../src/adapters/postgres/pg-webhook-outbox.js';
import { makeTask } from '../cases/task-fixture.js';
import { startCuttableProxy } from '../support/tcp-proxy.js';
import {
  TEST_DATABASE_URL,
  dropSchema,
  pgAdmin,
  postgresSkipReason,
  skipAll,
  uniqueName,
} from '../support/services.js';

const skipReason = await postgresSkipReason();

runTaskStoreCases(
  'postgres',
  async () => {
    const schema = uniqueName('sm_test');
    const pool = await openPgPool(TEST_DATABASE_URL, { schema, max: 4 });
    const store = new PgTaskStore(pool);
    return {
      store,
      async cleanup() {
        await store.close();
        await pool.end();
        await dropSchema(schema);
      },
    };
  },
  { skip: skipAll(TASK_STORE_CASES, skipReason) },
);

runWebhookOutboxCases(
  'postgres',
  async () => {
    const schema = uniqueName('sm_test');
    const pools = [await openPgPool(TEST_DATABASE_URL, { schema, max: 4 })];
    const outboxes = [new PgWebhookOutbox(pools[0]!)];
    return {
      outbox: outboxes[0]!,
      // A second node: its own pool (own connections) on the same schema.
      async another() {
        const pool = await openPgPool(TEST_DATABASE_URL, { schema, max: 4 });
        pools.push(pool);
        const outbox = new PgWebhookOutbox(pool);
        outboxes.push(outbox);
        return outbox;
      },
      async cleanup() {
        for (const outbox of outboxes) await outbox.close();
        for (const pool of pools) await pool.end();
        await dropSchema(schema);
      },
    };
  },
  { skip: skipAll(WEBHOOK_OUTBOX_CASES, skipReason) },
);

describe('PostgreSQL schema migrations', { skip: skipReason ?? false }, () => {
  test('several nodes starting at once on a fresh schema migrate it exactly once', async (t) => {
    const schema = uniqueName('sm_test');
    t.after(() => dropSchema(schema));
    const pools = await Promise.all(Array.from({ length: 6 }, () => openPgPool(TEST_DATABASE_URL, { schema, max: 1 })));
    t.after(() => Promise.all(pools.map((pool) => pool.end())));
    const rows = await pgAdmin<{ version: number }>(
      `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      PG_MIGRATIONS.map((m) => m.version),
    );
    assert.deepEqual(await applyPgMigrations(pools[0]!, { schema }), [], 'nothing left to apply');
  });

  test('a failing migration leaves the schema as it was', async (t) => {
    const schema = uniqueName('sm_test');
    t.after(() => dropSchema(schema));
    const pool = await openPgPool(TEST_DATABASE_URL, { schema, max: 1 });
    t.after(() => pool.end());
    const broken = [
      ...PG_MIGRATIONS,
      { version: PG_MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE ok (x int); CREATE TABLE ok (x int);' },
    ];
    await assert.rejects(applyPgMigrations(pool, { schema, migrations: broken }), /already exists/);
    const ok = await pgAdmin(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'ok'`, [
      schema,
    ]);
    assert.equal(ok.length, 0);
    const [max] = await pgAdmin<{ v: number }>(`SELECT MAX(version) AS v FROM "${schema}".schema_migrations`);
    assert.equal(max?.v, PG_MIGRATIONS.length);
  });

  test('a schema from a newer build is refused, not downgraded', async (t) => {
    const schema = uniqueName('sm_test');
    t.after(() => dropSchema(schema));
    const pool = await openPgPool(TEST_DATABASE_URL, { schema, max: 1 });
    await pgAdmin(`INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`);
    await pool.end();
    await assert.rejects(openPgPool(TEST_DATABASE_URL, { schema, max: 1 }), /newer than this build/);
  });
});

describe('PostgreSQL outages', { skip: skipReason ?? false }, () => {
  test('a dropped connection reads as service_unavailable while it lasts, and the store recovers', async (t) => {
    const schema = uniqueName('sm_test');
    t.after(() => dropSchema(schema));
    const proxy = await startCuttableProxy(new URL(TEST_DATABASE_URL));
    t.after(() => proxy.close());
    const pool = await openPgPool(proxy.url, { schema, max: 2, connectTimeoutMs: 1000 });
    t.after(() => pool.end());
    const store = new PgTaskStore(pool);
    const task = makeTask();
    await store.insert(task);

    proxy.cut();
    const unavailable = (error: unknown) =>
      isAppError(error) && error.code === 'service_unavailable' && error.status === 503;
    await assert.rejects(store.get(task.id), unavailable, 'a query on a dropped connection');
    await assert.rejects(store.ping(), unavailable, 'a new connection while the server is unreachable');
    await assert.rejects(store.insert(makeTask()), unavailable);

    proxy.restore();
    assert.equal((await store.get(task.id))?.id, task.id, 'the next query after the outage works');
  });

  test("pg_terminate_backend of the pool's connections costs at most the query in flight", async (t) => {
    const schema = uniqueName('sm_test');
    t.after(() => dropSchema(schema));
    const applicationName = uniqueName('sm_term');
    const pool = await openPgPool(TEST_DATABASE_URL, { schema, max: 2, applicationName });
    t.after(() => pool.end());
    const store = new PgTaskStore(pool);
    const task = makeTask();
    await store.insert(task);
    const killed = await pgAdmin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      applicationName,
    ]);
    assert.ok(killed.length >= 1, 'the pool had a connection to terminate');
    // The idle client died under the pool; it notices, drops it and connects afresh.
    let read;
    for (let i = 0; i < 3 && read === undefined; i++) {
      read = await store.get(task.id).catch((error) => {
        assert.ok(isAppError(error) && error.code === 'service_unavailable', `only outages surface: ${String(error)}`);
        return undefined;
      });
    }
    assert.equal(read?.id, task.id);
  });
});
