/**
 * The scale-out settings: adapter choice, the URLs each one needs, names, the WORKERS alias.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const refused = (pattern: RegExp) => (error: unknown) => error instanceof ConfigError && pattern.test(error.message);

describe('configuration: distributed adapters', () => {
  test('defaults are the embedded adapters, media under DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/srv/sm' });
    assert.deepEqual(config.store, { kind: 'sqlite' });
    assert.deepEqual(config.queue, { kind: 'embedded' });
    assert.equal(config.mediaDir, join('/srv/sm', 'media'));
    assert.equal(config.reconcileIntervalMs, 60_000);
  });

  test('STORE=postgres needs DATABASE_URL; schema and pool size are read', () => {
    assert.throws(() => loadConfig({ STORE: 'postgres' }), refused(/DATABASE_URL is required when STORE=postgres/));
    assert.throws(() => loadConfig({ STORE: 'postgres', DATABASE_URL: 'mysql://x' }), refused(/DATABASE_URL/));
    assert.throws(
      () => loadConfig({ STORE: 'postgres', DATABASE_URL: 'postgres://h/db', DATABASE_SCHEMA: 'Bad-Name' }),
      refused(/DATABASE_SCHEMA/),
    );
    const config = loadConfig({
      STORE: 'postgres',
      DATABASE_URL: 'postgres://u@h:5432/db',
      DATABASE_SCHEMA: 'sm_prod',
      DATABASE_POOL_SIZE: '20',
    });
    assert.deepEqual(config.store, {
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
      schema: 'sm_prod',
      poolSize: 20,
    });
  });

  test('QUEUE=bullmq needs REDIS_URL; queue name and prefix default and are checked', () => {
    assert.throws(() => loadConfig({ QUEUE: 'bullmq' }), refused(/REDIS_URL is required when QUEUE=bullmq/));
    assert.throws(() => loadConfig({ QUEUE: 'bullmq', REDIS_URL: 'http://h' }), refused(/REDIS_URL/));
    assert.throws(
      () => loadConfig({ QUEUE: 'bullmq', REDIS_URL: 'redis://h', QUEUE_NAME: 'a:b' }),
      refused(/QUEUE_NAME/),
    );
    assert.deepEqual(loadConfig({ QUEUE: 'bullmq', REDIS_URL: 'rediss://:pw@h:6380/2' }).queue, {
      kind: 'bullmq',
      redisUrl: 'rediss://:pw@h:6380/2',
      name: 'stillmotion-tasks',
      prefix: 'stillmotion',
    });
  });

  test('unknown adapter names are refused, naming the setting', () => {
    assert.throws(() => loadConfig({ STORE: 'mysql' }), refused(/STORE must be one of sqlite, postgres/));
    assert.throws(() => loadConfig({ QUEUE: 'sqs' }), refused(/QUEUE must be one of embedded, bullmq/));
  });

  test("WORKERS is WORKER_CONCURRENCY's short name; both set and different is an error", () => {
    assert.equal(loadConfig({ WORKERS: '0' }).workerConcurrency, 0);
    assert.equal(loadConfig({ WORKER_CONCURRENCY: '3' }).workerConcurrency, 3);
    assert.equal(loadConfig({ WORKERS: '2', WORKER_CONCURRENCY: '2' }).workerConcurrency, 2);
    assert.throws(() => loadConfig({ WORKERS: '0', WORKER_CONCURRENCY: '2' }), refused(/disagree/));
  });

  test('MEDIA_DIR puts media elsewhere (shared storage)', () => {
    assert.equal(loadConfig({ MEDIA_DIR: '/mnt/shared/media' }).mediaDir, resolve('/mnt/shared/media'));
  });
});
