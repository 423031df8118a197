/**
 * Delivers webhooks from the outbox: claims due deliveries, renders the task in its
 * dialect, signs it (Standard Webhooks), POSTs it, and records the outcome — retrying on
 * the schedule until a 2xx or the end of the window. Also the reconciler that arms
 * deliveries whose task became terminal while nobody was listening (a crash between the
 * terminal update and `arm`), and drops registrations whose task was never stored.
 *
 * At least once: a delivery is marked delivered only after a 2xx, so a crash mid-attempt
 * means it is sent again when its claim's lease runs out. Receivers dedupe on
 * `webhook-id` (or the task id).
 */
import { isTerminal, type Task } from '../core/task.js';
import type { TaskStore, WebhookClaim, WebhookOutbox } from '../core/ports.js';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, type RetrySchedule } from './retry-schedule.js';
import { signWebhook } from './signing.js';
import type { RenderWebhookPayload } from './webhook-payload.js';
import type { SendWebhook } from './webhook-sender.js';

export interface WebhookDispatcherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WebhookDispatcherDeps {
  outbox: WebhookOutbox;
  store: TaskStore;
  send: SendWebhook;
  /** `whsec_…` (see signing.ts). */
  signingSecret: string;
  /** Renders a task's body in its dialect (the composition root gives the HTTP layer's). */
  renderPayload: RenderWebhookPayload;
  /** Base for links when a task did not record the one its client used. */
  fallbackBaseUrl: string;
  logger: WebhookDispatcherLogger;
  now?: () => number;
  retry?: RetrySchedule;
  /** How often to look for due deliveries when nothing woke us. */
  pollMs?: number;
  /** How long a claim lasts; longer than one attempt's timeout. */
  leaseMs?: number;
  /** Deliveries claimed (and sent in parallel) per round. */
  batch?: number;
  /** How often the reconciler runs. */
  reconcileMs?: number;
  /** A registration whose task is still missing after this long is dropped. */
  orphanGraceMs?: number;
  /** Finished deliveries are deleted after this long. */
  keepFinishedMs?: number;
}

const MINUTE = 60_000;

export class WebhookDispatcher {
  private readonly deps: WebhookDispatcherDeps;
  private readonly now: () => number;
  private readonly retry: RetrySchedule;
  private running = false;
  private loop: Promise<void> | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(deps: WebhookDispatcherDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.retry = deps.retry ?? DEFAULT_RETRY_SCHEDULE;
  }

  /** The task became terminal here: arm its delivery now and send without waiting for a poll. */
  notifyTerminal(task: Task): void {
    if (!task.webhook) return;
    const armed = this.deps.outbox
      .arm(task.id, this.now())
      .then((did) => did && this.wake())
      // The reconciler arms it later; nothing is lost.
      .catch((err) => this.deps.logger.warn({ err, taskId: task.id }, 'arming a webhook failed; the reconciler will'));
    this.track(armed);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    const reconcile = () =>
      this.track(this.reconcile().catch((err) => this.deps.logger.error({ err }, 'webhook reconcile failed')));
    reconcile();
    this.reconcileTimer = setInterval(reconcile, this.deps.reconcileMs ?? MINUTE).unref();
  }

  /** Stops claiming; attempts in flight finish (each is bounded by the sender's timeout). */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.reconcileTimer);
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.pending]);
  }

  /** One round: claims what is due and sends it. Returns how many were attempted. */
  async dispatchDue(): Promise<number> {
    const claims = await this.deps.outbox.claim(this.now(), this.deps.leaseMs ?? MINUTE, this.deps.batch ?? 16);
    await Promise.all(claims.map((claim) => this.deliver(claim)));
    return claims.length;
  }

  /**
   * Arms waiting deliveries whose task is terminal, drops those whose task never got
   * stored (or was deleted), re-checks the rest later, and prunes old finished ones.
   * Returns how many it armed.
   */
  async reconcile(): Promise<number> {
    const { outbox, store } = this.deps;
    const now = this.now();
    let armed = 0;
    for (const delivery of await outbox.listWaiting(now, 500)) {
      const task = await store.get(delivery.taskId);
      if (task && isTerminal(task.status)) {
        if (await outbox.arm(task.id, now)) armed++;
      } else if (!task && now - delivery.createdAt > (this.deps.orphanGraceMs ?? 10 * MINUTE)) {
        await outbox.delete(delivery.id);
      } else {
        // Long renders are looked at less often: half their age, between 30 s and 10 min.
        const wait = Math.min(10 * MINUTE, Math.max(30_000, (now - delivery.createdAt) / 2));
        await outbox.deferCheck(delivery.id, now + wait);
      }
    }
    await outbox.prune(now - (this.deps.keepFinishedMs ?? 7 * 24 * 60 * MINUTE));
    if (armed > 0) {
      this.deps.logger.info({ armed }, 'webhook reconciler armed deliveries of finished tasks');
      this.wake();
    }
    return armed;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let attempted = 0;
      try {
        attempted = await this.dispatchDue();
      } catch (err) {
        this.deps.logger.error({ err }, 'webhook dispatch round failed');
      }
      if (attempted === 0 && this.running) await this.sleep(this.deps.pollMs ?? 1000);
    }
  }

  private async deliver(claim: WebhookClaim): Promise<void> {
    const { outbox, store, logger } = this.deps;
    const { delivery } = claim;
    try {
      const task = await store.get(delivery.taskId);
      if (!task || !task.webhook) {
        await outbox.delete(delivery.id);
        return;
      }
      const payload = this.deps.renderPayload(task, task.webhook?.baseUrl ?? this.deps.fallbackBaseUrl);
      const messageId = `msg_${delivery.id}`;
      const timestamp = Math.floor(this.now() / 1000);
      const result = await this.deps.send(delivery.url, payload.body, {
        'content-type': 'application/json',
        'user-agent': 'stillmotion-webhooks/0.1',
        'webhook-id': messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(this.deps.signingSecret, messageId, timestamp, payload.body),
        ...payload.headers,
      });
      const at = this.now();
      if (result.ok) {
        await outbox.recordSuccess(claim, { at, status: result.status ?? 200 });
        logger.info({ taskId: task.id, attempt: delivery.attempts, status: result.status }, 'webhook delivered');
        return;
      }
      await this.recordFailure(claim, at, result.error ?? 'failed', result.status);
    } catch (err) {
      // The store or outbox hiccuped: count it as a failed attempt and retry on schedule.
      await this.recordFailure(claim, this.now(), err instanceof Error ? err.message : String(err), undefined).catch(
        (recordErr) => logger.error({ err: recordErr, deliveryId: delivery.id }, 'recording a webhook attempt failed'),
      );
    }
  }

  private async recordFailure(
    claim: WebhookClaim,
    at: number,
    error: string,
    status: number | undefined,
  ): Promise<void> {
    const { delivery } = claim;
    const retryAt = nextAttemptAt(this.retry, delivery.armedAt ?? delivery.createdAt, delivery.attempts, at);
    await this.deps.outbox.recordFailure(claim, {
      error,
      ...(status !== undefined && { status }),
      ...(retryAt !== undefined && { retryAt }),
    });
    const log = { taskId: delivery.taskId, attempt: delivery.attempts, status, error, retryAt };
    if (retryAt === undefined) this.deps.logger.error(log, 'webhook gave up: the retry window is over');
    else this.deps.logger.warn(log, 'webhook attempt failed; will retry');
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}
