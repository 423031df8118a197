/**
 * The BullMQ task queue: the shared TaskQueue case suite, then what BullMQ does in real
 * time that the fake-clock cases cannot show here (lease expiry and stalled-job recovery,
 * delayed release). Each case gets its own queue name and key prefix, obliterated after.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullmqTaskQueue, type BullmqTaskQueueOptions } from '../../src/adapters/bullmq/bullmq-task-queue.js';
import { CLOCK_CASES, TASK_QUEUE_CASES, runTaskQueueCases } from '../cases/task-queue.case.js';
import { TEST_REDIS_URL, redisSkipReason, skipAll, uniqueName } from '../support/services.js';
import { freePort, killRedis, redisServerMissing, startRedis } from '../support/redis-server.js';
import { isAppError } from '../../src/core/errors.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skipReason = await redisSkipReason();

async function openQueue(
  options: Partial<BullmqTaskQueueOptions> = {},
): Promise<{ queue: BullmqTaskQueue; cleanup(): Promise<void> }> {
  const queue = await BullmqTaskQueue.open({
    redisUrl: TEST_REDIS_URL,
    queueName: uniqueName('q'),
    prefix: uniqueName('smtest'),
    lockDurationMs: 30_000,
    ...options,
  });
  return {
    queue,
    async cleanup() {
      await queue.obliterate();
      await queue.close();
    },
  };
}

const CLOCK_REASON =
  'BullMQ keeps delays and locks in Redis on the real clock (PX expiry, delayed-set scores); a test clock cannot move them — see the real-time BullMQ tests below';

runTaskQueueCases('bullmq', () => openQueue(), {
  skip: {
    ...Object.fromEntries(CLOCK_CASES.map((name) => [name, CLOCK_REASON])),
    ...skipAll(TASK_QUEUE_CASES, skipReason),
  },
});

/** Polls `claim` until it hands out a lease or `withinMs` passes. */
async function claimWithin(queue: BullmqTaskQueue, worker: string, leaseMs: number, withinMs: number) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const lease = await queue.claim(worker, leaseMs);
    if (lease || Date.now() > deadline) return lease;
    await sleep(50);
  }
}

describe('BullMQ queue on the real clock', { skip: skipReason ?? false }, () => {
  test('a lease that is not extended runs out and the stalled-job check hands the task to another worker, next attempt', async (t) => {
    const { queue, cleanup } = await openQueue({ lockDurationMs: 300, stalledIntervalMs: 200 });
    t.after(cleanup);
    await queue.enqueue('t1');
    const dead = (await queue.claim('dead', 300))!;
    assert.equal(dead.attempt, 1);
    assert.equal(await queue.claim('w2', 300), undefined, 'held while the lease runs');
    const next = await claimWithin(queue, 'w2', 30_000, 5_000);
    assert.equal(next?.taskId, 't1', 'recovered after the lease ran out');
    assert.equal(next?.attempt, 2);
    assert.equal(await queue.extend(dead, 30_000), false, 'the dead lease cannot be extended');
    await queue.complete(dead);
    await queue.release(dead, 0);
    assert.equal(await queue.extend(next!, 30_000), true, "nor can it complete or release the new holder's claim");
    await queue.complete(next!);
    assert.equal(await queue.depth(), 0);
  });

  test('a lease kept alive by extend outlives its first length', async (t) => {
    const { queue, cleanup } = await openQueue({ lockDurationMs: 300, stalledIntervalMs: 100 });
    t.after(cleanup);
    await queue.enqueue('t1');
    const lease = (await queue.claim('w1', 300))!;
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      assert.equal(await queue.extend(lease, 300), true);
    }
    assert.equal(await queue.claim('w2', 300), undefined, 'still held after twice its first length');
  });

  test('release with a delay brings the task back after the delay, next attempt', async (t) => {
    const { queue, cleanup } = await openQueue();
    t.after(cleanup);
    await queue.enqueue('t1');
    const first = (await queue.claim('w1', 30_000))!;
    const released = Date.now();
    await queue.release(first, 400);
    assert.equal(await queue.claim('w2', 30_000), undefined, 'not during the back-off');
    const second = await claimWithin(queue, 'w2', 30_000, 5_000);
    assert.ok(Date.now() - released >= 400, 'not before the delay');
    assert.equal(second?.attempt, 2);
  });

  test('a delayed enqueue is not claimable before its delay', async (t) => {
    const { queue, cleanup } = await openQueue();
    t.after(cleanup);
    const enqueued = Date.now();
    await queue.enqueue('later', { delayMs: 400 });
    assert.equal(await queue.claim('w1', 30_000), undefined);
    assert.equal((await claimWithin(queue, 'w1', 30_000, 5_000))?.taskId, 'later');
    assert.ok(Date.now() - enqueued >= 400);
  });

  test('a claim asking for another lease length than the lock default gets it', async (t) => {
    const { queue, cleanup } = await openQueue({ lockDurationMs: 200, stalledIntervalMs: 100 });
    t.after(cleanup);
    await queue.enqueue('t1');
    const lease = (await queue.claim('w1', 30_000))!;
    await sleep(700);
    assert.equal(await queue.claim('w2', 30_000), undefined, 'the longer lease holds past the default lock');
    assert.equal(await queue.extend(lease, 30_000), true);
  });

  test("two nodes on one queue: each task is claimed once, and one node's enqueue wakes the other's waiting worker", async (t) => {
    const shared = { queueName: uniqueName('q'), prefix: uniqueName('smtest') };
    const a = await openQueue(shared);
    const b = await openQueue(shared);
    t.after(async () => {
      await b.queue.close();
      await a.cleanup();
    });

    const started = Date.now();
    const wait = b.queue.waitForWork(30_000);
    await a.queue.enqueue('first');
    await wait;
    assert.ok(Date.now() - started < 5_000, 'woken by the event stream, not by the timeout');

    const ids = ['first', ...Array.from({ length: 19 }, (_, i) => `t${i}`)];
    for (const id of ids.slice(1)) await a.queue.enqueue(id);
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a.queue : b.queue).claim(`w${i}`, 30_000)),
    );
    const claimed = claims.filter((lease) => lease !== undefined).map((lease) => lease.taskId);
    assert.deepEqual([...claimed].sort(), [...ids].sort(), 'every task once, across both nodes');
  });

  test('while Redis is down, claim and extend refuse at once (no hang), and work again once it is back', {
    skip: redisServerMissing() ?? false,
  }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'stillmotion-redis-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    let redis = await startRedis(port, dir);
    const { queue, cleanup } = await openQueue({ redisUrl: `redis://127.0.0.1:${port}` });
    t.after(async () => {
      await cleanup();
      await killRedis(redis);
    });
    await queue.enqueue('held');
    const lease = (await queue.claim('w1', 30_000))!;
    await queue.enqueue('t1');

    await killRedis(redis);
    await sleep(200);
    const unavailable = (error: unknown) => isAppError(error) && error.code === 'service_unavailable';
    const started = Date.now();
    await assert.rejects(queue.claim('w2', 30_000), unavailable);
    await assert.rejects(
      queue.extend(lease, 30_000),
      unavailable,
      'a heartbeat during the outage is "try again", not "lost"',
    );
    await assert.rejects(queue.depth(), 'the API side fails fast too');
    assert.ok(Date.now() - started < 2_000, 'refused at once');

    redis = await startRedis(port, dir);
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await queue.enqueue('after');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
    const next = await claimWithin(queue, 'w2', 30_000, 15_000);
    assert.equal(next?.taskId, 'after', 'the restarted (empty) Redis serves new work');
  });
});
