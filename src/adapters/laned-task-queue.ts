/**
 * One TaskQueue over two: the `render` lane (local renders) and the `relay` lane (tasks a
 * cloud engine renders). Each lane is a queue of its own (an SQLite table, a BullMQ
 * queue), so relay slots claim only relayed tasks and never wait behind a backlog of
 * local renders, and the reverse.
 */
import type { Lease, QueueLane, TaskQueue } from '../core/ports.js';

/** A lane: any queue adapter that can also say whether it holds a task. */
export interface LaneQueue extends TaskQueue {
  contains(taskId: string): Promise<boolean>;
}

export class LanedTaskQueue implements TaskQueue {
  readonly #lanes: Record<QueueLane, LaneQueue>;

  constructor(lanes: Record<QueueLane, LaneQueue>) {
    this.#lanes = lanes;
  }

  /**
   * Idempotent across lanes: a task that already waits (or is held) in the other lane stays
   * there. The lane follows from the configuration, so this only matters after routing
   * changed while tasks were queued — and then one job per task is what keeps two workers
   * (and two cloud submits) from ever running one task.
   */
  async enqueue(taskId: string, options: { delayMs?: number; lane?: QueueLane } = {}): Promise<void> {
    const lane = options.lane ?? 'render';
    const other = this.#lanes[lane === 'render' ? 'relay' : 'render'];
    if (await other.contains(taskId)) return;
    await this.#lanes[lane].enqueue(taskId, options.delayMs !== undefined ? { delayMs: options.delayMs } : {});
  }

  async claim(workerId: string, leaseMs: number, lane: QueueLane = 'render'): Promise<Lease | undefined> {
    const lease = await this.#lanes[lane].claim(workerId, leaseMs);
    return lease && { ...lease, lane };
  }

  extend(lease: Lease, leaseMs: number): Promise<boolean> {
    return this.#of(lease).extend(lease, leaseMs);
  }

  complete(lease: Lease): Promise<void> {
    return this.#of(lease).complete(lease);
  }

  release(lease: Lease, delayMs: number): Promise<void> {
    return this.#of(lease).release(lease, delayMs);
  }

  async remove(taskId: string): Promise<void> {
    await Promise.all([this.#lanes.render.remove(taskId), this.#lanes.relay.remove(taskId)]);
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal, lane: QueueLane = 'render'): Promise<void> {
    return this.#lanes[lane].waitForWork(timeoutMs, signal);
  }

  async depth(): Promise<number> {
    const [render, relay] = await Promise.all([this.#lanes.render.depth(), this.#lanes.relay.depth()]);
    return render + relay;
  }

  /** Depth of one lane (metrics). */
  laneDepth(lane: QueueLane): Promise<number> {
    return this.#lanes[lane].depth();
  }

  async close(): Promise<void> {
    await Promise.all([this.#lanes.render.close(), this.#lanes.relay.close()]);
  }

  #of(lease: Lease): LaneQueue {
    return this.#lanes[lease.lane ?? 'render'];
  }
}
