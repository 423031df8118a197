/**
 * The TaskQueue contract as one case suite, run by every queue adapter (embedded SQLite
 * now, BullMQ later):
 *
 *   runTaskQueueCases('sqlite', async (clock) => ({ queue, cleanup }), { skip: { 'case name': 'why' } });
 *
 * The factory receives a {@link ManualClock}; an adapter that takes it moves through delays
 * and lease expiry without sleeping. An adapter that cannot (its time is the server's)
 * skips {@link CLOCK_CASES}, each with that reason. Only `waitForWork` cases touch real
 * time, and then only as an upper bound that a passing run never waits out.
 */
import assert from 'node:assert/strict';
import type { Lease, TaskQueue } from '../../src/core/ports.js';
import { ManualClock } from './manual-clock.js';
import { runCases, type SkipList } from './run-cases.js';

export interface TaskQueueFixture {
  /** An empty queue, private to one case. */
  queue: TaskQueue;
  /** Closes the queue and removes its storage. */
  cleanup(): Promise<void>;
}

interface CaseContext extends TaskQueueFixture {
  clock: ManualClock;
}

const LEASE = 30_000;

/** How long a `waitForWork` case may take before it counts as "did not wake". */
const WAKE_BOUND_MS = 5_000;

type Outcome = 'woke' | 'still waiting';

/** Resolves 'woke' if `wait` settles within the bound, else 'still waiting'. */
async function settlesPromptly(wait: Promise<void>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), WAKE_BOUND_MS);
  });
  try {
    return await Promise.race([wait.then((): Outcome => 'woke'), bound]);
  } finally {
    clearTimeout(timer);
  }
}

async function claimAll(queue: TaskQueue, worker: string): Promise<Lease[]> {
  const leases: Lease[] = [];
  for (let lease = await queue.claim(worker, LEASE); lease; lease = await queue.claim(worker, LEASE))
    leases.push(lease);
  return leases;
}

export const TASK_QUEUE_CASES: Record<string, (context: CaseContext) => Promise<void>> = {
  async 'claim on an empty queue resolves undefined'({ queue }) {
    assert.equal(await queue.claim('w1', LEASE), undefined);
  },

  async 'an enqueued task is claimed with a lease for its first attempt'({ queue, clock }) {
    await queue.enqueue('t1');
    const lease = await queue.claim('w1', LEASE);
    assert.ok(lease);
    assert.equal(lease.taskId, 't1');
    assert.equal(lease.workerId, 'w1');
    assert.equal(lease.attempt, 1);
    assert.ok(lease.leaseUntil >= clock.now() + LEASE - 1000, 'the lease lasts about as long as asked');
  },

  async 'enqueue is idempotent: a task enqueued twice is claimed once'({ queue }) {
    await queue.enqueue('t1');
    await queue.enqueue('t1');
    assert.equal(await queue.depth(), 1);
    assert.equal((await queue.claim('w1', LEASE))?.taskId, 't1');
    assert.equal(await queue.claim('w2', LEASE), undefined);
  },

  async 'enqueueing a task that is held does not hand it to a second worker'({ queue }) {
    await queue.enqueue('t1');
    const lease = await queue.claim('w1', LEASE);
    await queue.enqueue('t1');
    assert.equal(await queue.claim('w2', LEASE), undefined);
    assert.equal(await queue.extend(lease!, LEASE), true, 'the holder keeps its lease');
  },

  async 'tasks are claimed in the order they were enqueued'({ queue }) {
    for (const id of ['a', 'b', 'c', 'd']) await queue.enqueue(id);
    assert.deepEqual(
      (await claimAll(queue, 'w1')).map((l) => l.taskId),
      ['a', 'b', 'c', 'd'],
    );
  },

  async 'a claim is exclusive: racing workers never share a task'({ queue }) {
    await queue.enqueue('only');
    const one = await Promise.all([queue.claim('w1', LEASE), queue.claim('w2', LEASE)]);
    assert.equal(one.filter(Boolean).length, 1, 'two workers, one task: one lease');
    for (const id of ['a', 'b', 'c', 'd', 'e']) await queue.enqueue(id);
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.claim(`w${i}`, LEASE)));
    const ids = many
      .filter((l): l is Lease => l !== undefined)
      .map((l) => l.taskId)
      .sort();
    assert.deepEqual(ids, ['a', 'b', 'c', 'd', 'e'], 'twenty workers, five tasks: each task exactly once');
  },

  async 'a delayed task is not claimable before its delay'({ queue, clock }) {
    await queue.enqueue('later', { delayMs: 10_000 });
    await queue.enqueue('now');
    assert.equal((await queue.claim('w1', LEASE))?.taskId, 'now');
    assert.equal(await queue.claim('w1', LEASE), undefined);
    clock.advance(9_999);
    assert.equal(await queue.claim('w1', LEASE), undefined);
    clock.advance(1);
    assert.equal((await queue.claim('w1', LEASE))?.taskId, 'later');
  },

  async 'an expired lease hands the task to another worker, next attempt'({ queue, clock }) {
    await queue.enqueue('t1');
    await queue.claim('dead', LEASE);
    clock.advance(LEASE - 1);
    assert.equal(await queue.claim('w2', LEASE), undefined, 'not before the lease runs out');
    clock.advance(1);
    const lease = await queue.claim('w2', LEASE);
    assert.equal(lease?.taskId, 't1');
    assert.equal(lease?.workerId, 'w2');
    assert.equal(lease?.attempt, 2);
  },

  async 'a worker that lost its lease cannot extend it'({ queue, clock }) {
    await queue.enqueue('t1');
    const old = (await queue.claim('slow', LEASE))!;
    clock.advance(LEASE + 1);
    const fresh = (await queue.claim('w2', LEASE))!;
    assert.equal(await queue.extend(old, LEASE), false);
    assert.equal(await queue.extend(fresh, LEASE), true);
  },

  async "a worker that lost its lease cannot complete or release the new holder's claim"({ queue, clock }) {
    await queue.enqueue('t1');
    const old = (await queue.claim('slow', LEASE))!;
    clock.advance(LEASE + 1);
    const fresh = (await queue.claim('w2', LEASE))!;
    await queue.complete(old);
    await queue.release(old, 0);
    assert.equal(await queue.extend(fresh, LEASE), true, 'the new holder still holds the task');
    assert.equal(await queue.claim('w3', LEASE), undefined, 'and nobody else can claim it');
    await queue.complete(fresh);
    clock.advance(10 * LEASE);
    assert.equal(await queue.claim('w3', LEASE), undefined, 'completed for good');
  },

  async 'extend keeps a lease alive past its first expiry'({ queue, clock }) {
    await queue.enqueue('t1');
    const lease = (await queue.claim('w1', LEASE))!;
    clock.advance(LEASE * 0.8);
    assert.equal(await queue.extend(lease, LEASE), true);
    clock.advance(LEASE * 0.8);
    assert.equal(await queue.claim('w2', LEASE), undefined, 'still held after the first lease would have ended');
    assert.equal(await queue.extend(lease, LEASE), true);
  },

  async 'release with a delay brings the task back after the delay, next attempt'({ queue, clock }) {
    await queue.enqueue('t1');
    const first = (await queue.claim('w1', LEASE))!;
    await queue.release(first, 5_000);
    assert.equal(await queue.claim('w2', LEASE), undefined, 'not during the back-off');
    assert.equal(await queue.extend(first, LEASE), false, 'the released lease is gone');
    clock.advance(5_000);
    const second = await queue.claim('w2', LEASE);
    assert.equal(second?.taskId, 't1');
    assert.equal(second?.attempt, 2);
  },

  async 'release without a delay makes the task claimable at once'({ queue }) {
    await queue.enqueue('t1');
    await queue.release((await queue.claim('w1', LEASE))!, 0);
    assert.equal((await queue.claim('w2', LEASE))?.taskId, 't1');
  },

  async 'complete removes the task for good, and it may be enqueued anew'({ queue }) {
    await queue.enqueue('t1');
    await queue.complete((await queue.claim('w1', LEASE))!);
    assert.equal(await queue.claim('w1', LEASE), undefined);
    assert.equal(await queue.depth(), 0);
    await queue.enqueue('t1');
    assert.equal((await queue.claim('w1', LEASE))?.taskId, 't1');
  },

  async 'remove drops a waiting task; removing an unknown one is a no-op'({ queue }) {
    await queue.enqueue('canceled');
    await queue.enqueue('kept');
    await queue.remove('canceled');
    await queue.remove('never-enqueued');
    assert.equal(await queue.depth(), 1);
    assert.deepEqual(
      (await claimAll(queue, 'w1')).map((l) => l.taskId),
      ['kept'],
    );
  },

  async 'remove of a held task makes its holder lose the lease'({ queue }) {
    await queue.enqueue('t1');
    const lease = (await queue.claim('w1', LEASE))!;
    await queue.remove('t1');
    assert.equal(await queue.extend(lease, LEASE), false);
  },

  async 'depth counts the tasks waiting for a worker'({ queue }) {
    assert.equal(await queue.depth(), 0);
    for (const id of ['a', 'b', 'c']) await queue.enqueue(id);
    await queue.enqueue('d', { delayMs: 60_000 });
    assert.equal(await queue.depth(), 4, 'delayed tasks are waiting too');
    const lease = (await queue.claim('w1', LEASE))!;
    assert.equal(await queue.depth(), 3, 'a held task is not waiting');
    await queue.release(lease, 0);
    assert.equal(await queue.depth(), 4);
    await queue.complete((await queue.claim('w1', LEASE))!);
    assert.equal(await queue.depth(), 3);
  },

  async 'waitForWork wakes when a task is enqueued'({ queue }) {
    const wait = queue.waitForWork(60_000);
    await queue.enqueue('t1');
    assert.equal(await settlesPromptly(wait), 'woke');
    assert.equal((await queue.claim('w1', LEASE))?.taskId, 't1');
  },

  async 'waitForWork wakes when a task is released'({ queue }) {
    await queue.enqueue('t1');
    const lease = (await queue.claim('w1', LEASE))!;
    const wait = queue.waitForWork(60_000);
    await queue.release(lease, 0);
    assert.equal(await settlesPromptly(wait), 'woke');
  },

  async 'waitForWork returns at once when a task is already waiting'({ queue }) {
    await queue.enqueue('t1');
    assert.equal(await settlesPromptly(queue.waitForWork(60_000)), 'woke');
  },

  async 'waitForWork returns when its signal aborts'({ queue }) {
    const controller = new AbortController();
    const wait = queue.waitForWork(60_000, controller.signal);
    controller.abort();
    assert.equal(await settlesPromptly(wait), 'woke');
  },

  async 'waitForWork returns after its timeout when nothing comes'({ queue }) {
    assert.equal(await settlesPromptly(queue.waitForWork(20)), 'woke');
  },
};

/** Cases that need the injected clock to move time; skip them all where it cannot be honoured. */
export const CLOCK_CASES: readonly string[] = [
  'a delayed task is not claimable before its delay',
  'an expired lease hands the task to another worker, next attempt',
  'a worker that lost its lease cannot extend it',
  "a worker that lost its lease cannot complete or release the new holder's claim",
  'extend keeps a lease alive past its first expiry',
  'release with a delay brings the task back after the delay, next attempt',
];

/**
 * Registers every TaskQueue case under `node:test`.
 * @param makeQueue a fresh, empty queue per case, reading time from `clock`.
 * @param options.skip case name → reason; a name that is not a case is an error.
 */
export function runTaskQueueCases(
  name: string,
  makeQueue: (clock: ManualClock) => Promise<TaskQueueFixture>,
  options: { skip?: SkipList } = {},
): void {
  runCases(
    `TaskQueue cases: ${name}`,
    TASK_QUEUE_CASES,
    async () => {
      const clock = new ManualClock();
      return { clock, ...(await makeQueue(clock)) };
    },
    options.skip,
  );
}
