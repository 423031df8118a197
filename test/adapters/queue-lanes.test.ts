/**
 * LanedTaskQueue over each queue adapter: the lane cases, and (on SQLite) the whole
 * TaskQueue contract through the composite's default lane.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BullmqTaskQueue } from '../../src/adapters/bullmq/bullmq-task-queue.js';
import { LanedTaskQueue } from '../../src/adapters/laned-task-queue.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskQueue } from '../../src/adapters/sqlite/sqlite-task-queue.js';
import { QUEUE_LANE_CASES, runQueueLaneCases } from '../cases/queue-lanes.case.js';
import { runTaskQueueCases } from '../cases/task-queue.case.js';
import { ManualClock } from '../cases/manual-clock.js';
import { TEST_REDIS_URL, redisSkipReason, skipAll, uniqueName } from '../support/services.js';

async function sqliteLanes(clock = new ManualClock()) {
  const dir = await mkdtemp(join(tmpdir(), 'lanes-'));
  const db = openSqliteDatabase(join(dir, 'stillmotion.db'));
  const queue = new LanedTaskQueue({
    render: new SqliteTaskQueue(db, { now: clock.now }),
    relay: new SqliteTaskQueue(db, { now: clock.now, table: 'relay_jobs' }),
  });
  return {
    queue,
    async cleanup() {
      await queue.close();
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

runQueueLaneCases('sqlite', () => sqliteLanes());
runTaskQueueCases('sqlite through LanedTaskQueue', (clock) => sqliteLanes(clock));

const redisSkip = await redisSkipReason();
runQueueLaneCases(
  'bullmq',
  async () => {
    const name = uniqueName('q');
    const prefix = uniqueName('smtest');
    const open = (queueName: string) =>
      BullmqTaskQueue.open({ redisUrl: TEST_REDIS_URL, queueName, prefix, lockDurationMs: 30_000 });
    const render = await open(name);
    const relay = await open(`${name}-relay`);
    const queue = new LanedTaskQueue({ render, relay });
    return {
      queue,
      async cleanup() {
        await render.obliterate();
        await relay.obliterate();
        await queue.close();
      },
    };
  },
  { skip: skipAll(QUEUE_LANE_CASES, redisSkip) },
);
