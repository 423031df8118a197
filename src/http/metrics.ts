/**
 * Prometheus metrics: queue depth and tasks by status (read at scrape time), renders by
 * outcome and render seconds (pushed by the task runner).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineHealth, TaskQueue, TaskStore } from '../core/ports.js';
import type { RenderOutcome } from '../core/task-runner.js';
import { TASK_STATUSES } from '../core/task.js';

export class Metrics {
  readonly registry = new Registry();
  private readonly renders: Counter<'outcome'>;
  private readonly renderSeconds: Histogram<'outcome'>;

  constructor(sources: { store: TaskStore; queue: TaskQueue; relay?: () => EngineHealth | undefined }) {
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
    if (sources.relay && sources.relay() !== undefined) this.relayGauges(sources.relay);
  }

  /** The cloud relay's health in this process, read at scrape time (only with a relay engine). */
  private relayGauges(health: () => EngineHealth | undefined): void {
    const registers = [this.registry];
    new Gauge({
      name: 'stillmotion_relay_requests_in_flight',
      help: 'Requests this process has placed on the cloud and not yet finished',
      registers,
      collect() {
        this.set(health()?.inFlight ?? 0);
      },
    });
    new Gauge({
      name: 'stillmotion_relay_upstream_errors',
      help: 'Cloud calls that failed since start, by HTTP status (or timeout, network)',
      labelNames: ['code'],
      registers,
      collect() {
        for (const [code, n] of Object.entries(health()?.errorsByCode ?? {})) this.set({ code }, n);
      },
    });
    new Gauge({
      name: 'stillmotion_relay_credits_refused',
      help: 'Submits the cloud refused for lack of credits (403) since start',
      registers,
      collect() {
        this.set(health()?.creditsRefused ?? 0);
      },
    });
    new Gauge({
      name: 'stillmotion_relay_concurrency_waits',
      help: 'Submits refused by the account concurrency cap (each waited and was sent again) since start',
      registers,
      collect() {
        this.set(health()?.concurrencyWaits ?? 0);
      },
    });
    new Gauge({
      name: 'stillmotion_relay_up',
      help: '1 when the last call to the cloud worked (or none was made yet), else 0',
      registers,
      collect() {
        this.set(health()?.lastCallOk === false ? 0 : 1);
      },
    });
  }

  renderFinished(outcome: RenderOutcome, seconds: number): void {
    this.renders.inc({ outcome });
    this.renderSeconds.observe({ outcome }, seconds);
  }
}
