/**
 * The composition root's stages: the one module that picks adapters (store, queue, media,
 * engine, image loader, webhook sender) from the configuration and wires them into the
 * core. `buildApp` (app.ts: API + embedded workers) and `buildWorker` (worker.ts: workers
 * only) are each a short list of these stages; the entry points (main.ts, worker-main.ts)
 * only load the configuration and run one of them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from './process/logger.js';
import sharp from './sharp.js';
import { createAdapters, type Adapters } from './adapters/create-adapters.js';
import type { RelayTimings } from './adapters/higgsfield/create-higgsfield-engine.js';
import type { MotionCatalogue } from './catalogue/motion-catalogue.js';
import type { Config } from './config.js';
import type { Engine, MediaStore, TaskStore } from './core/ports.js';
import type { LoadImage } from './core/task-service.js';
import { sweepExpired } from './core/retention.js';
import type { Task } from './core/task.js';
import { TaskRunner, type RenderOutcome } from './core/task-runner.js';
import { loadPreviewPicture, renderMotionPreview } from './engine/index.js';
import { engineFromConfig } from './engine-from-config.js';
import { webhookPayload } from './http/dialects/index.js';
import { MotionPreviews } from './http/motion-previews.js';
import { createImageLoader } from './inputs/load-image.js';
import { nsfwPreRenderCheck } from './nsfw/nsfw-check.js';
import { NsfwjsClassifier, type NsfwClassifier } from './nsfw/nsfw-classifier.js';
import type { UploadTokens } from './uploads/upload-tokens.js';
import { uploadAwareLoader } from './uploads/upload-aware-loader.js';
import type { RetrySchedule } from './webhooks/retry-schedule.js';
import { loadOrCreateSigningSecret } from './webhooks/signing.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { createWebhookSender, type WebhookSender } from './webhooks/webhook-sender.js';

const HOUR = 60 * 60 * 1000;

/** What a test may put in place of a real part (production passes none). */
export interface Seams {
  logger?: Logger;
  /** A shared engine: never closed by the process that was given it. */
  engine?: Engine;
  nsfwClassifier?: NsfwClassifier;
  relay?: RelayTimings;
}

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

/** The parts every process has: logger, adapters, engine, content check. */
export interface Base {
  logger: Logger;
  adapters: Adapters;
  engine: Engine;
  classifier: NsfwClassifier;
  /** Closes the engine (when this process made it) and the adapters. */
  close(): Promise<void>;
}

/** Stage 1: logger, data folder, adapters, engine and content classifier. */
export async function openBase(
  config: Config,
  service: string,
  catalogue: MotionCatalogue,
  seams: Seams,
): Promise<Base> {
  const logger = seams.logger ?? createLogger({ level: config.logLevel, service });
  mkdirSync(config.dataDir, { recursive: true });
  const adapters = await createAdapters(config, {
    onConnectionError: (err) => logger.warn({ err }, 'lost a connection to the database or Redis; reconnecting'),
  });
  const engine = seams.engine ?? engineFromConfig(config, { catalogue, logger, timings: seams.relay });
  return {
    logger,
    adapters,
    engine,
    classifier: seams.nsfwClassifier ?? new NsfwjsClassifier(),
    async close() {
      // Only an engine this process made is ours to close (tests may share one).
      if (!seams.engine) await engine.close?.();
      await adapters.close();
    },
  };
}

/** Stage: the task runner (render and relay lanes), wired the same way in every process. */
export function createTaskRunner(
  config: Config,
  base: Base,
  hooks: {
    onTerminal?: (task: Task) => void;
    onRenderFinished?: (outcome: RenderOutcome, seconds: number) => void;
  } = {},
): TaskRunner {
  const { adapters, engine, logger, classifier } = base;
  return new TaskRunner({
    store: adapters.store,
    queue: adapters.queue,
    media: adapters.media,
    engine,
    scratch: adapters.scratch,
    concurrency: config.workerConcurrency,
    // Relay slots need a process that takes work at all (WORKERS=0 runs the API only).
    relayConcurrency: config.higgsfield && config.workerConcurrency > 0 ? config.relayConcurrency : 0,
    maxAttempts: config.maxAttempts,
    leaseMs: config.leaseMs,
    logger,
    beforeRender: nsfwPreRenderCheck(config.nsfw, classifier),
    ...hooks,
  });
}

/** Starts a task runner: its loops, the content model when it will check tasks, and the queue reconciler. */
export function startTaskRunner(
  config: Config,
  base: Base,
  runner: TaskRunner,
  options: { reconcileAtStart: boolean },
): () => void {
  const { logger } = base;
  runner.start();
  // A process that renders and checks every task loads the model now, not on the first task.
  if (config.workerConcurrency > 0 && config.nsfw.mode !== 'off') base.classifier.warm?.();
  // Tasks stored but never enqueued (a crash between the two, Redis lost its data) come back here.
  if (options.reconcileAtStart) void runner.reconcile(0).catch((err) => logger.error({ err }, 'reconcile failed'));
  const every = config.reconcileIntervalMs;
  const timer = setInterval(
    () =>
      void runner
        .reconcile(every)
        .then((n) => n > 0 && logger.info({ requeued: n }, 'reconciler re-enqueued tasks'))
        .catch((err) => logger.warn({ err }, 'reconcile failed')),
    every,
  ).unref();
  return () => clearInterval(timer);
}

/** Stage: image inputs (URLs under the address policy, data URIs, our own upload URLs). */
export function createImageLoading(config: Config, uploads: UploadTokens, media: MediaStore): LoadImage {
  const limits = { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels };
  return uploadAwareLoader(
    createImageLoader({ allowPrivate: config.allowPrivateUrls, timeoutMs: config.fetchTimeoutMs, ...limits }),
    uploads,
    media,
    limits,
  );
}

/** Stage: webhook delivery (the outbox's dispatcher and its HTTP sender), bodies in each task's dialect. */
export function createWebhookDelivery(
  config: Config,
  base: Base,
  timings: WebhookTimings,
): { dispatcher: WebhookDispatcher; sender: WebhookSender } {
  const sender = createWebhookSender({ allowPrivate: config.allowPrivateUrls, timeoutMs: 10_000 });
  const dispatcher = new WebhookDispatcher({
    outbox: base.adapters.webhookOutbox(),
    store: base.adapters.store,
    send: sender.send,
    renderPayload: webhookPayload,
    signingSecret: loadOrCreateSigningSecret(config.dataDir),
    fallbackBaseUrl: config.publicBaseUrl ?? `http://127.0.0.1:${config.port}`,
    logger: base.logger,
    ...(timings.now && { now: timings.now }),
    ...(timings.retry && { retry: timings.retry }),
    ...(timings.pollMs !== undefined && { pollMs: timings.pollMs }),
    ...(timings.reconcileMs !== undefined && { reconcileMs: timings.reconcileMs }),
  });
  return { dispatcher, sender };
}

const PREVIEW_WIDTH = 320;
const PREVIEW_HEIGHT = 180;

/**
 * Stage: the motion previews of the catalogue. They are drawn from a real photograph when
 * one was fetched (npm run previews:photo), else from the sample scene; each picture has
 * its own cache folder.
 */
export async function createMotionPreviews(
  config: Config,
  base: Base,
  catalogue: MotionCatalogue,
): Promise<MotionPreviews> {
  const { engine, logger } = base;
  const picture = await loadPreviewPicture(config.dataDir);
  if (picture.reason) logger.info(`motion previews use the drawn sample scene: ${picture.reason}`);
  else logger.info(`motion previews are rendered from ${picture.source}`);
  return new MotionPreviews(
    join(config.dataDir, 'previews', picture.id),
    {
      width: PREVIEW_WIDTH,
      height: PREVIEW_HEIGHT,
      renderMotion: (motionName, outPath) =>
        renderMotionPreview({
          motionName,
          outPath,
          width: PREVIEW_WIDTH,
          height: PREVIEW_HEIGHT,
          image: picture.image,
          ...(config.ffmpegPath && { ffmpegPath: config.ffmpegPath }),
        }),
      renderStill: async (outPath) => {
        await sharp(picture.image)
          .resize(PREVIEW_WIDTH, PREVIEW_HEIGHT, { fit: 'cover' })
          .webp({ quality: 80 })
          .toFile(outPath);
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
    base.adapters.media,
    picture.id,
  );
}

/** Stage: the hourly retention sweep (results past RESULT_TTL_DAYS). Returns its stop. */
export function startRetentionSweep(config: Config, store: TaskStore, media: MediaStore, logger: Logger): () => void {
  const sweep = () =>
    sweepExpired(store, media, config.resultTtlDays * 24 * HOUR, Date.now())
      .then((n) => n > 0 && logger.info({ deleted: n }, 'retention sweep'))
      .catch((err) => logger.error({ err }, 'retention sweep failed'));
  void sweep();
  const timer = setInterval(sweep, HOUR).unref();
  return () => clearInterval(timer);
}
