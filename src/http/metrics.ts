/**
 * Prometheus metrics: queue depth and tasks by status (read at scrape time), renders by
 * outcome and render seconds (pushed by the worker pool).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TaskQueue, TaskStore } from '../core/ports.js';
import type { RenderOutcome } from '../core/worker-pool.js';
import { TASK_STATUSES } from '../core/task.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly renders: Counter<'outcome'>;
  private readonly renderSeconds: Histogram<'outcome'>;

  constructor(sources: { store: TaskStore; queue: TaskQueue }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'stillmotion_process_' });
    this.renders = new Counter({
      name: 'stillmotion_renders_total',
      help: 'Render attempts by outcome',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.renderSeconds = new Histogram({
      name: 'stillmotion_render_seconds',
      help: 'Wall time of render attempts',
      labelNames: ['outcome'],
      buckets: [0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300],
      registers: [this.registry],
    });
    new Gauge({
      name: 'stillmotion_queue_depth',
      help: 'Tasks waiting in the queue (not yet claimed)',
      registers: [this.registry],
      async collect() {
        this.set(await sources.queue.depth());
      },
    });
    new Gauge({
      name: 'stillmotion_tasks',
      help: 'Stored tasks by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        const counts = await sources.store.countByStatus();
        for (const status of TASK_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
  }

  renderFinished(outcome: RenderOutcome, seconds: number): void {
    this.renders.inc({ outcome });
    this.renderSeconds.observe({ outcome }, seconds);
  }
}
