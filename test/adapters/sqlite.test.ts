/**
 * The SQLite task store and queue: the shared case suites, then what only the embedded
 * mode promises (durability across kill -9, recovery of leases at restart, migrations).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS, applyMigrations } from '../../src/adapters/sqlite/migrations.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskQueue } from '../../src/adapters/sqlite/sqlite-task-queue.js';
import { SqliteTaskStore } from '../../src/adapters/sqlite/sqlite-task-store.js';
import { runTaskQueueCases } from '../cases/task-queue.case.js';
import { runTaskStoreCases } from '../cases/task-store.case.js';
import { ManualClock } from '../cases/manual-clock.js';
import { makeTask } from '../cases/task-fixture.js';

async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'stillmotion-sqlite-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

runTaskStoreCases('sqlite', async () => {
  const { dir, remove } = await tempDir();
  const db = openSqliteDatabase(join(dir, 'stillmotion.db'));
  const store = new SqliteTaskStore(db);
  return {
    store,
    async cleanup() {
      await store.close();
      db.close();
      await remove();
    },
  };
});

runTaskQueueCases('sqlite', async (clock) => {
  const { dir, remove } = await tempDir();
  const db = openSqliteDatabase(join(dir, 'stillmotion.db'));
  const queue = new SqliteTaskQueue(db, { now: clock.now });
  return {
    queue,
    async cleanup() {
      await queue.close();
      db.close();
      await remove();
    },
  };
});

describe('SQLite database', () => {
  test('opens in WAL mode with synchronous=FULL and foreign keys on', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const db = openSqliteDatabase(join(dir, 'nested', 'folder', 'x.db'));
    t.after(() => db.close());
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.ok((db.pragma('busy_timeout', { simple: true }) as number) > 0);
  });

  test('migrations run once: reopening applies nothing and keeps the data', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const file = join(dir, 'x.db');
    const first = openSqliteDatabase(file);
    const versions = first.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => m.version),
    );
    first.prepare("INSERT INTO queue_jobs (task_id, ready_at) VALUES ('t', 0)").run();
    first.close();
    const second = openSqliteDatabase(file);
    t.after(() => second.close());
    assert.deepEqual(applyMigrations(second), [], 'nothing left to apply');
    assert.equal(second.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(), MIGRATIONS.length);
    assert.equal(second.prepare('SELECT COUNT(*) FROM queue_jobs').pluck().get(), 1);
  });

  test('a failing migration leaves the schema as it was', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const db = openSqliteDatabase(join(dir, 'x.db'));
    t.after(() => db.close());
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE ok (x); CREATE TABLE ok (x);' },
    ];
    assert.throws(() => applyMigrations(db, broken), /already exists/);
    assert.equal(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok'").pluck().get(), 0);
    assert.equal(db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get(), MIGRATIONS.length);
  });

  test('a database from a newer build is refused, not downgraded', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const file = join(dir, 'x.db');
    const db = openSqliteDatabase(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run();
    db.close();
    assert.throws(() => openSqliteDatabase(file), /newer than this build/);
  });
});

const childScript = fileURLToPath(new URL('./fixtures/sqlite-crash-child.ts', import.meta.url));

/** Runs the child until it prints `ready`, then kills it with SIGKILL — no chance to clean up. */
async function runChildAndKill(dbFile: string, mode: 'open' | 'insert' | 'claim', taskId: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, dbFile, mode, taskId], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was ready: ${output}`)));
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
}

describe('SQLite task store reads', () => {
  test('a task read again is never stale: writes by this store, another store or another process show', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const file = join(dir, 'stillmotion.db');
    const db = openSqliteDatabase(file);
    const other = openSqliteDatabase(file); // a second process, as far as SQLite can tell
    t.after(() => {
      db.close();
      other.close();
    });
    const store = new SqliteTaskStore(db);
    const elsewhere = new SqliteTaskStore(other);
    const task = makeTask();
    await store.insert(task);
    const progress = async () => (await store.get(task.id))?.progress;
    assert.equal(await progress(), 0);
    assert.equal(await progress(), 0, 'read twice');

    await store.update(task.id, { progress: 0.25 });
    assert.equal(await progress(), 0.25, 'after an update through the store');
    await new SqliteTaskStore(db).update(task.id, { progress: 0.4 });
    assert.equal(await progress(), 0.4, 'after an update through another store on the connection');
    await elsewhere.update(task.id, { progress: 0.75, status: 'in_progress' });
    assert.deepEqual(
      await store.get(task.id).then((read) => [read?.progress, read?.status]),
      [0.75, 'in_progress'],
      'after a commit by another connection',
    );
    await store.update(task.id, { progress: 0.9 });
    assert.equal(await progress(), 0.9, 'own write after the other connection wrote');
    await elsewhere.delete(task.id);
    assert.equal(await store.get(task.id), undefined, 'after a delete by another connection');

    await store.insert(makeTask({ id: task.id }));
    assert.equal(await progress(), 0, 'after an insert');
    await store.delete(task.id);
    assert.equal(await store.get(task.id), undefined, 'after an own delete');
  });

  test('a read Task cannot be changed by its caller, so the next read is as stored', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const db = openSqliteDatabase(join(dir, 'stillmotion.db'));
    t.after(() => db.close());
    const store = new SqliteTaskStore(db);
    const task = makeTask();
    await store.insert(task);
    const first = (await store.get(task.id))!;
    assert.throws(() => {
      first.params.prompt = 'changed by a caller';
    }, TypeError);
    assert.throws(() => {
      first.status = 'completed';
    }, TypeError);
    assert.deepEqual(await store.get(task.id), first);
    assert.equal((await store.get(task.id))!.params.prompt, task.params.prompt);
  });

  test('a read inside a transaction that rolls back is not kept', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const db = openSqliteDatabase(join(dir, 'stillmotion.db'));
    t.after(() => db.close());
    const store = new SqliteTaskStore(db);
    const task = makeTask();
    await store.insert(task);
    db.exec('BEGIN');
    await store.update(task.id, { progress: 0.5 });
    assert.equal((await store.get(task.id))?.progress, 0.5, 'the transaction sees its own write');
    db.exec('ROLLBACK');
    assert.equal((await store.get(task.id))?.progress, 0, 'the rolled-back write is gone');
  });
});

describe('SQLite embedded mode across a crash', () => {
  test('several processes opening a fresh file at once migrate it exactly once', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const file = join(dir, 'stillmotion.db');
    await Promise.all(Array.from({ length: 4 }, (_, i) => runChildAndKill(file, 'open', `t${i}`)));
    const db = openSqliteDatabase(file);
    t.after(() => db.close());
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => m.version),
    );
  });

  test('a task is on disk once insert resolves, even if the process is killed right after', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const file = join(dir, 'stillmotion.db');
    await runChildAndKill(file, 'insert', 'task-durable');
    const db = openSqliteDatabase(file);
    t.after(() => db.close());
    const task = await new SqliteTaskStore(db).get('task-durable');
    assert.equal(task?.id, 'task-durable');
    assert.equal(task?.status, 'queued');
    assert.equal(task?.params.prompt, 'written by a process that was then killed');
  });

  test('a lease held by a killed process is claimable at once after recoverAfterRestart', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const file = join(dir, 'stillmotion.db');
    // The child claims with a one-hour lease on the real clock, then dies mid-"render".
    await runChildAndKill(file, 'claim', 'task-crashed');
    const db = openSqliteDatabase(file);
    t.after(() => db.close());
    const queue = new SqliteTaskQueue(db);
    t.after(() => queue.close());
    assert.equal(await queue.claim('w-new', 60_000), undefined, 'without recovery the dead lease still blocks');
    assert.equal(queue.recoverAfterRestart(), 1);
    const lease = await queue.claim('w-new', 60_000);
    assert.equal(lease?.taskId, 'task-crashed');
    assert.equal(lease?.attempt, 2, 'the crashed attempt still counts towards the limit');
    assert.equal(queue.recoverAfterRestart(), 1, 'recovery is blind to liveness: call it only at start-up');
  });

  test('recoverAfterRestart leaves waiting and delayed jobs as they were', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const db = openSqliteDatabase(join(dir, 'x.db'));
    t.after(() => db.close());
    const clock = new ManualClock();
    const queue = new SqliteTaskQueue(db, { now: clock.now });
    await queue.enqueue('delayed', { delayMs: 10_000 });
    assert.equal(queue.recoverAfterRestart(), 0);
    assert.equal(await queue.claim('w', 1000), undefined, 'the delay still holds');
    clock.advance(10_000);
    assert.equal((await queue.claim('w', 1000))?.taskId, 'delayed');
  });
});
