/**
 * `npm start`'s process: the HTTP server and embedded workers, assembled from the
 * composition root's stages (compose.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { logCreatedKey } from './process/logger.js';
import { loadOrCreateKeys } from './auth/api-keys.js';
import { loadOrCreateServerSecret } from './auth/server-secret.js';
import { MotionCatalogue } from './catalogue/motion-catalogue.js';
import {
  createImageLoading,
  createMotionPreviews,
  createTaskRunner,
  createWebhookDelivery,
  openBase,
  startRetentionSweep,
  startTaskRunner,
  type Seams,
  type WebhookTimings,
} from './compose.js';
import type { Config } from './config.js';
import { TaskService } from './core/task-service.js';
import type { Task } from './core/task.js';
import type { TaskRunner } from './core/task-runner.js';
import { buildServer } from './http/build-server.js';
import { Metrics } from './http/metrics.js';
import { UploadTokens } from './uploads/upload-tokens.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { checkWebhookUrl } from './webhooks/webhook-url.js';

export type { WebhookTimings };

export interface App {
  server: FastifyInstance;
  runner: TaskRunner;
  webhooks: WebhookDispatcher;
  logger: Logger;
  /** Starts workers and periodic jobs (retention sweep, queue reconciler). */
  start(): void;
  /** Graceful stop: no new work, renders get `graceMs` to finish, then everything closes. */
  close(graceMs?: number): Promise<void>;
}

export async function buildApp(config: Config, options: Seams & { webhooks?: WebhookTimings } = {}): Promise<App> {
  const catalogue = MotionCatalogue.load();
  const base = await openBase(config, 'stillmotion', catalogue, options);
  const { logger, adapters, engine } = base;
  const { store, queue, media } = adapters;

  const keys = loadOrCreateKeys(config.dataDir, config.apiKeys);
  if (keys.created) logCreatedKey(logger, keys.created);
  const uploads = new UploadTokens(loadOrCreateServerSecret(config.dataDir));
  const timings = options.webhooks ?? {};
  const webhooks = createWebhookDelivery(config, base, timings);
  const notifyTerminal = (task: Task) => webhooks.dispatcher.notifyTerminal(task);
  const service = new TaskService({
    store,
    queue,
    media,
    engine,
    catalogue,
    loadImage: createImageLoading(config, uploads, media),
    webhooks: adapters.webhookOutbox(),
    checkWebhookUrl: (url, field) => void checkWebhookUrl(url, field, config.allowPrivateUrls),
    ...(timings.checkDelayMs !== undefined && { webhookCheckDelayMs: timings.checkDelayMs }),
    onTerminal: notifyTerminal,
  });
  const metrics = new Metrics({ store, queue, relay: () => engine.health?.() });
  const runner = createTaskRunner(config, base, {
    onTerminal: notifyTerminal,
    onRenderFinished: (outcome, seconds) => metrics.renderFinished(outcome, seconds),
  });
  const previews = await createMotionPreviews(config, base, catalogue);
  const server = await buildServer(
    {
      config,
      service,
      catalogue,
      engine,
      media,
      keys: keys.ring,
      metrics,
      previews,
      uploads,
      checkReady: async () => {
        await store.ping();
        await queue.depth();
        await media.ping?.();
      },
    },
    logger,
  );

  const stops: (() => void)[] = [];
  return {
    server,
    runner,
    webhooks: webhooks.dispatcher,
    logger,
    start() {
      stops.push(startTaskRunner(config, base, runner, { reconcileAtStart: true }));
      webhooks.dispatcher.start();
      stops.push(startRetentionSweep(config, store, media, logger));
    },
    async close(graceMs = 25_000) {
      for (const stop of stops) stop();
      await closeServer(server, Math.min(graceMs, 10_000));
      await runner.stop(graceMs);
      // After the runner: renders finishing during the grace period still arm their webhooks.
      await webhooks.dispatcher.stop();
      await webhooks.sender.close();
      await base.close();
    },
  };
}

/**
 * Closes the HTTP server gracefully but in bounded time. Node only drops keep-alive
 * connections that are idle at the moment of close; one whose response is still
 * finishing (a media stream closing its file) would otherwise hold the close for the
 * whole keep-alive timeout. So idle connections are swept until the close completes,
 * and whatever is left after `hardMs` is cut.
 */
async function closeServer(server: FastifyInstance, hardMs: number): Promise<void> {
  const http = server.server;
  const sweep = setInterval(() => http.closeIdleConnections(), 100);
  const hard = setTimeout(() => http.closeAllConnections(), hardMs);
  try {
    await server.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(hard);
  }
}
