/**
 * The queue lanes as one case suite (render and relay slots claim from lanes of their
 * own), run over LanedTaskQueue on every queue adapter: test/adapters/queue-lanes.test.ts.
 */
import assert from 'node:assert/strict';
import type { LanedTaskQueue } from '../../src/adapters/laned-task-queue.js';
import { runCases, type SkipList } from './run-cases.js';

export interface LanedQueueFixture {
  queue: LanedTaskQueue;
  cleanup(): Promise<void>;
}

const LEASE = 30_000;

export const QUEUE_LANE_CASES: Record<string, (fixture: LanedQueueFixture) => Promise<void>> = {
  async 'each lane hands out only its own tasks'({ queue }) {
    await queue.enqueue('local-1');
    await queue.enqueue('cloud-1', { lane: 'relay' });
    const relay = await queue.claim('w-relay', LEASE, 'relay');
    assert.equal(relay?.taskId, 'cloud-1');
    assert.equal(relay?.lane, 'relay');
    assert.equal(
      await queue.claim('w-relay', LEASE, 'relay'),
      undefined,
      'the relay lane never hands out a local render',
    );
    const render = await queue.claim('w-render', LEASE);
    assert.equal(render?.taskId, 'local-1');
    assert.equal(await queue.claim('w-render', LEASE), undefined, 'the render lane never hands out a relayed task');
  },

  async 'a task queued in one lane is not queued again in the other'({ queue }) {
    await queue.enqueue('t-1');
    await queue.enqueue('t-1', { lane: 'relay' });
    assert.equal(await queue.claim('w', LEASE, 'relay'), undefined);
    assert.equal((await queue.claim('w', LEASE))?.taskId, 't-1');
    assert.equal(await queue.depth(), 0);
  },

  async 'release, extend and complete act on the lease’s own lane'({ queue }) {
    await queue.enqueue('cloud-1', { lane: 'relay' });
    const first = await queue.claim('w', LEASE, 'relay');
    assert.ok(first);
    assert.equal(await queue.extend(first, LEASE), true);
    await queue.release(first, 0);
    assert.equal(await queue.claim('w', LEASE), undefined, 'released into the relay lane, not the render lane');
    const second = await queue.claim('w', LEASE, 'relay');
    assert.equal(second?.taskId, 'cloud-1');
    assert.ok(second!.attempt > first.attempt);
    await queue.complete(second!);
    assert.equal(await queue.depth(), 0);
  },

  async 'remove and depth cover both lanes'({ queue }) {
    await queue.enqueue('a');
    await queue.enqueue('b', { lane: 'relay' });
    assert.equal(await queue.depth(), 2);
    assert.equal(await queue.laneDepth('relay'), 1);
    await queue.remove('b');
    await queue.remove('a');
    assert.equal(await queue.depth(), 0);
  },
};

export function runQueueLaneCases(
  name: string,
  make: () => Promise<LanedQueueFixture>,
  options: { skip?: SkipList } = {},
): void {
  runCases(`queue lanes: ${name}`, QUEUE_LANE_CASES, make, options.skip);
}
