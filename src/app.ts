/**
 * The composition root: the one place that picks adapters (store, queue, media, engine,
 * image loader) from the configuration and wires them into the core and the HTTP layer.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import sharp from 'sharp';
import { createAdapters } from './adapters/create-adapters.js';
import { loadOrCreateKeys } from './auth/api-keys.js';
import { MotionCatalogue } from './catalogue/motion-catalogue.js';
import type { Config } from './config.js';
import type { Engine } from './core/ports.js';
import { sweepExpired } from './core/retention.js';
import { TaskService } from './core/task-service.js';
import { TaskRunner } from './core/task-runner.js';
import { loadPreviewPicture, renderMotionPreview } from './engine/index.js';
import { buildServer } from './http/build-server.js';
import { Metrics } from './http/metrics.js';
import { MotionPreviews } from './http/motion-previews.js';
import { createImageLoader } from './inputs/load-image.js';
import { loadOrCreateServerSecret } from './auth/server-secret.js';
import { UploadTokens } from './uploads/upload-tokens.js';
import { uploadAwareLoader } from './uploads/upload-aware-loader.js';
import type { RetrySchedule } from './webhooks/retry-schedule.js';
import { loadOrCreateSigningSecret } from './webhooks/signing.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { createWebhookSender } from './webhooks/webhook-sender.js';
import { checkWebhookUrl } from './webhooks/webhook-url.js';
import { engineFromConfig } from './engine-from-config.js';
import { NsfwjsClassifier, type NsfwClassifier } from './nsfw/nsfw-classifier.js';
import { nsfwPreRenderCheck } from './nsfw/nsfw-check.js';
import type { RelayTimings } from './adapters/higgsfield/create-higgsfield-engine.js';

/** Test seams for webhook delivery timing (production uses the defaults). */
export interface WebhookTimings {
  retry?: RetrySchedule;
  /** Clock of the dispatcher (retry times, signatures' timestamps). */
  now?: () => number;
  pollMs?: number;
  reconcileMs?: number;
  /** When the reconciler first looks at a task it was not told finished. */
  checkDelayMs?: number;
}

export interface App {
  server: FastifyInstance;
  pool: TaskRunner;
  webhooks: WebhookDispatcher;
  logger: Logger;
  /** Starts workers and periodic jobs (retention sweep, queue reconciler). */
  start(): void;
  /** Graceful stop: no new work, renders get `graceMs` to finish, then everything closes. */
  close(graceMs?: number): Promise<void>;
}

const HOUR = 60 * 60 * 1000;
const PREVIEW_WIDTH = 320;
const PREVIEW_HEIGHT = 180;

export async function buildApp(
  config: Config,
  options: { logger?: Logger; engine?: Engine; webhooks?: WebhookTimings; relay?: RelayTimings; nsfwClassifier?: NsfwClassifier } = {},
): Promise<App> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'stillmotion' } });
  mkdirSync(config.dataDir, { recursive: true });

  const adapters = await createAdapters(config, {
    onConnectionError: (err) => logger.warn({ err }, 'lost a connection to the database or Redis; reconnecting'),
  });
  const { store, queue, media } = adapters;
  const catalogue = MotionCatalogue.load();
  const engine = options.engine ?? engineFromConfig(config, { catalogue, logger, timings: options.relay });
  const keys = loadOrCreateKeys(config.dataDir, config.apiKeys);
  if (keys.created) {
    logger.warn(
      { file: keys.created.file },
      `created an API key (shown once; also saved to ${keys.created.file}): ${keys.created.id}:${keys.created.secret}`,
    );
  }
  const uploads = new UploadTokens(loadOrCreateServerSecret(config.dataDir));
  const loadImage = uploadAwareLoader(
    createImageLoader({
      allowPrivate: config.allowPrivateUrls,
      timeoutMs: config.fetchTimeoutMs,
      maxBytes: config.maxImageBytes,
      maxPixels: config.maxImagePixels,
    }),
    uploads,
    media,
    { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels },
  );
  const outbox = adapters.webhookOutbox();
  const sender = createWebhookSender({ allowPrivate: config.allowPrivateUrls, timeoutMs: 10_000 });
  const timings = options.webhooks ?? {};
  const webhooks = new WebhookDispatcher({
    outbox,
    store,
    send: sender.send,
    signingSecret: loadOrCreateSigningSecret(config.dataDir),
    fallbackBaseUrl: config.publicBaseUrl ?? `http://127.0.0.1:${config.port}`,
    logger,
    ...(timings.now && { now: timings.now }),
    ...(timings.retry && { retry: timings.retry }),
    ...(timings.pollMs !== undefined && { pollMs: timings.pollMs }),
    ...(timings.reconcileMs !== undefined && { reconcileMs: timings.reconcileMs }),
  });
  const service = new TaskService({
    store,
    queue,
    media,
    engine,
    catalogue,
    loadImage,
    webhooks: outbox,
    checkWebhookUrl: (url, field) => void checkWebhookUrl(url, field, config.allowPrivateUrls),
    ...(timings.checkDelayMs !== undefined && { webhookCheckDelayMs: timings.checkDelayMs }),
    onTerminal: (task) => webhooks.notifyTerminal(task),
  });
  const metrics = new Metrics({ store, queue, relay: () => engine.health?.() });
  const classifier = options.nsfwClassifier ?? new NsfwjsClassifier();
  const pool = new TaskRunner({
    store,
    queue,
    media,
    engine,
    scratch: adapters.scratch,
    concurrency: config.workerConcurrency,
    // Relay slots need a worker process that takes work at all (WORKERS=0 runs the API only).
    relayConcurrency: config.higgsfield && config.workerConcurrency > 0 ? config.relayConcurrency : 0,
    maxAttempts: config.maxAttempts,
    leaseMs: config.leaseMs,
    logger,
    onRenderFinished: (outcome, seconds) => metrics.renderFinished(outcome, seconds),
    onTerminal: (task) => webhooks.notifyTerminal(task),
    beforeRender: nsfwPreRenderCheck(config.nsfw, classifier),
  });
  // Previews are drawn from a real photograph when one was fetched (npm run previews:photo),
  // else from the sample scene; each picture has its own cache folder.
  const previewPicture = await loadPreviewPicture(config.dataDir);
  if (previewPicture.reason) logger.info(`motion previews use the drawn sample scene: ${previewPicture.reason}`);
  else logger.info(`motion previews are rendered from ${previewPicture.source}`);
  const previews = new MotionPreviews(
    join(config.dataDir, 'previews', previewPicture.id),
    {
      width: PREVIEW_WIDTH,
      height: PREVIEW_HEIGHT,
      renderMotion: (motionName, outPath) =>
        renderMotionPreview({
          motionName, outPath, width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT, image: previewPicture.image, ...(config.ffmpegPath && { ffmpegPath: config.ffmpegPath }),
        }),
      renderStill: async (outPath) => {
        await sharp(previewPicture.image).resize(PREVIEW_WIDTH, PREVIEW_HEIGHT, { fit: 'cover' }).webp({ quality: 80 }).toFile(outPath);
      },
    },
    // Animated previews are drawn by the local engine; a motion relayed to the cloud gets the still.
    {
      name: engine.name,
      canRender: (name) =>
        engine.engineFor && engine.engineFor([name]) !== 'local'
          ? { renderable: false, reason: 'rendered by the cloud; no local preview', engines: [] }
          : engine.canRender(name),
      render: (job, context) => engine.render(job, context),
    },
    catalogue,
    media,
    previewPicture.id,
  );
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

  const timers: NodeJS.Timeout[] = [];
  const sweep = () =>
    sweepExpired(store, media, config.resultTtlDays * 24 * HOUR, Date.now())
      .then((n) => n > 0 && logger.info({ deleted: n }, 'retention sweep'))
      .catch((err) => logger.error({ err }, 'retention sweep failed'));

  return {
    server,
    pool,
    webhooks,
    logger,
    start() {
      pool.start();
      // A process that renders and checks every task loads the model now, not on the first task.
      if (config.workerConcurrency > 0 && config.nsfw.mode !== 'off') classifier.warm?.();
      webhooks.start();
      void sweep();
      timers.push(setInterval(sweep, HOUR).unref());
      // Tasks stored but never enqueued (a crash between the two) are picked up here.
      void pool.reconcile(0).catch((err) => logger.error({ err }, 'reconcile failed'));
      const every = config.reconcileIntervalMs;
      timers.push(setInterval(() => void pool.reconcile(every).catch(() => undefined), every).unref());
    },
    async close(graceMs = 25_000) {
      for (const timer of timers) clearInterval(timer);
      await closeServer(server, Math.min(graceMs, 10_000));
      await pool.stop(graceMs);
      // After the pool: renders finishing during the grace period still arm their webhooks.
      await webhooks.stop();
      await sender.close();
      // Only an engine this process made is ours to close (tests may share one).
      if (!options.engine) await engine.close?.();
      await adapters.close();
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
