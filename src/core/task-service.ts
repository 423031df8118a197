/**
 * The task core's front door: submit, get, list, cancel. Every dialect calls this and
 * nothing else; it depends only on ports.
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { MotionCatalogue } from '../catalogue/motion-catalogue.js';
import { AppError, isAppError } from './errors.js';
import type { Engine, MediaStore, TaskQueue, TaskStore, WebhookOutbox } from './ports.js';
import type { Dialect, InputImage, ModelTier, MotionRef, Task, WebhookTarget } from './task.js';
import { checkCameraRequest, hasCameraControl, type CameraRequest } from './camera-request.js';

/** An input image after fetching and checking (see src/inputs). */
export interface LoadedImage {
  body: Buffer;
  contentType: string;
  width: number;
  height: number;
  sourceUrl?: string;
}

/**
 * Turns a client's image string (URL, data URI, base64, or one of our own upload URLs,
 * which only their owner may use) into checked bytes.
 */
export type LoadImage = (value: string, field: string, ownerKeyId: string) => Promise<LoadedImage>;

export interface SubmitRequest {
  ownerKeyId: string;
  dialect: Dialect;
  model: ModelTier;
  /** `ref` is a catalogue id, name or slug; `field` names it in errors. */
  motions: { ref: string; strength: number; field: string }[];
  prompt: string;
  enhancePrompt: boolean;
  seed?: number;
  width?: number;
  height?: number;
  duration?: number;
  fps?: number;
  /** image[0] is the start frame, image[1] the optional end frame. */
  images: { value: string; field: string }[];
  checkNsfw?: boolean;
  /** Numeric camera control, keyframed path, focus, loop (schema-checked by the dialect). */
  camera?: CameraRequest;
  /**
   * How the dialect nests the camera fields in errors (`params.` for v1), and what it
   * called the axes object (`camera`, or Kling's `camera_control.config`).
   */
  cameraFields?: { prefix: string; camera: string };
  webhook?: WebhookTarget;
  /** How the dialect names the webhook URL in errors: `webhook.url`, `hf_webhook`, `callback_url`. */
  webhookField?: string;
  idempotencyKey?: string;
}

export interface TaskServiceDeps {
  store: TaskStore;
  queue: TaskQueue;
  media: MediaStore;
  engine: Engine;
  catalogue: MotionCatalogue;
  loadImage: LoadImage;
  /**
   * The webhook outbox. A task with a webhook gets its delivery registered before the task
   * is stored (see `create`); without an outbox, webhooks are refused at submit.
   */
  webhooks?: WebhookOutbox;
  /** Throws a 4xx AppError naming `field` when a webhook URL may not be used (scheme, literal address). */
  checkWebhookUrl?: (url: string, field: string) => void;
  /** When the reconciler first looks at a registered delivery whose task it was not told about. */
  webhookCheckDelayMs?: number;
  /** Called when this service moves a task to a terminal state (cancel), as TaskRunner's hook. */
  onTerminal?: (task: Task) => void;
  now?: () => number;
}

/** How long an Idempotency-Key keeps returning the first task. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export const SEED_MIN = 1;
export const SEED_MAX = 1_000_000;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
};

/**
 * A hash of the normalised request: what the client asked for, independent of JSON key
 * order and whitespace. Error-message field names are left out (they follow from the
 * dialect, which is in), and so is the base URL the client happened to use.
 */
export function requestFingerprint(request: SubmitRequest): string {
  const normalised = [
    request.dialect,
    request.model,
    request.motions.map((m) => [m.ref, m.strength]),
    request.prompt,
    request.enhancePrompt,
    request.seed ?? null,
    request.width ?? null,
    request.height ?? null,
    request.duration ?? null,
    request.fps ?? null,
    request.images.map((i) => i.value),
    request.checkNsfw ?? null,
    request.camera ?? null,
    request.webhook ? [request.webhook.url, request.webhook.secret ?? null] : null,
  ];
  return `sha256:${createHash('sha256').update(JSON.stringify(normalised)).digest('base64url')}`;
}

/** Unguessable folder name for a task's media (128 bits). */
export function mediaToken(): string {
  return randomBytes(16).toString('hex');
}

export class TaskService {
  private readonly deps: TaskServiceDeps;
  private readonly now: () => number;
  /** Keyed submits in flight in this process, chained per owner and key. */
  private readonly keyedSubmits = new Map<string, Promise<unknown>>();

  constructor(deps: TaskServiceDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
  }

  /** Resolves motion references against the catalogue and the engine, or throws a 4xx. */
  resolveMotions(motions: SubmitRequest['motions']): MotionRef[] {
    return motions.map(({ ref, strength, field }) => {
      const motion = this.deps.catalogue.resolve(ref);
      if (!motion) {
        throw new AppError('unknown_motion', `${field}: unknown motion "${ref}" (see GET /higgsfield/tpl/motions)`, {
          field,
        });
      }
      const verdict = this.deps.engine.canRender(motion.name);
      if (!verdict.renderable) {
        throw new AppError(
          'motion_not_renderable',
          `${field}: the ${this.deps.engine.name} engine cannot render "${motion.name}": ${verdict.reason}` +
            (verdict.engines.length ? ` (renderable by: ${verdict.engines.join(', ')})` : ''),
          { field },
        );
      }
      // An id resolves to that exact record (web or platform variant); a name or
      // slug resolves to the canonical record of that name.
      return { id: motion.id, name: motion.name, strength };
    });
  }

  /**
   * Validates, fetches and stores the inputs, then durably stores and enqueues the task.
   * Resolves once the task is on disk. With an Idempotency-Key, the same key and request
   * within 24 h returns the first task, and the same key with another request is a 409.
   */
  async submit(request: SubmitRequest): Promise<Task> {
    if (request.webhook) this.checkWebhook(request.webhook.url, request.webhookField ?? 'webhook.url');
    const key = request.idempotencyKey;
    if (!key) return this.create(request);
    const fingerprint = requestFingerprint(request);
    // One keyed submit at a time per owner and key in this process: an SDK retry that
    // arrives while the first attempt is still loading images waits and then finds its
    // task instead of loading them again. Across processes the store's unique key decides.
    const slot = `${request.ownerKeyId}\n${key}`;
    const previous = this.keyedSubmits.get(slot) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.submitKeyed(request, key, fingerprint));
    this.keyedSubmits.set(slot, run);
    try {
      return await run;
    } finally {
      if (this.keyedSubmits.get(slot) === run) this.keyedSubmits.delete(slot);
    }
  }

  private async submitKeyed(request: SubmitRequest, key: string, fingerprint: string): Promise<Task> {
    const { store } = this.deps;
    const since = this.now() - IDEMPOTENCY_WINDOW_MS;
    const existing = await store.findByIdempotencyKey(request.ownerKeyId, key, since);
    if (existing) return this.replay(existing, fingerprint);
    // A task older than the window may still hold the key; it lets go of it now.
    await store.releaseIdempotencyKey(request.ownerKeyId, key, since);
    try {
      return await this.create(request, fingerprint);
    } catch (error) {
      // Another node inserted a task with this key first: answer with that one.
      if (isAppError(error) && error.code === 'conflict' && error.field === 'Idempotency-Key') {
        const winner = await store.findByIdempotencyKey(request.ownerKeyId, key, since);
        if (winner) return this.replay(winner, fingerprint);
      }
      throw error;
    }
  }

  /** The first task for a reused key, unless the request differs from the first one. */
  private replay(task: Task, fingerprint: string): Task {
    // Tasks stored before fingerprints existed cannot be compared; they are returned.
    if (task.requestFingerprint !== undefined && task.requestFingerprint !== fingerprint) {
      throw new AppError(
        'conflict',
        `Idempotency-Key: was used within the last 24 h for a different request (task ${task.id}); send a new key for a new request`,
        { field: 'Idempotency-Key' },
      );
    }
    return task;
  }

  /** Camera control the schemas cannot check: keyframe order, and whether a loop is possible. */
  private checkCamera(camera: CameraRequest, request: SubmitRequest, motions: MotionRef[]): void {
    const fields = request.cameraFields ?? { prefix: '', camera: 'camera' };
    checkCameraRequest(camera, fields.prefix, { camera: fields.camera });
    const names = motions.map((m) => m.name);
    if (!(this.deps.engine.controlsCamera?.(names) ?? false)) {
      const field = `${fields.prefix}${camera.camera ? fields.camera : camera.cameraPath ? 'camera_path' : camera.focus ? 'focus' : 'loop'}`;
      throw new AppError(
        'invalid_request',
        `${field}: camera control is rendered by the local engine only, and ${names.map((n) => `"${n}"`).join(', ')} goes to the ${this.deps.engine.engineFor?.(names) ?? this.deps.engine.name} engine`,
        { field },
      );
    }
    if (!camera.loop) return;
    const field = `${fields.prefix}loop`;
    if (request.images.length > 1) {
      throw new AppError(
        'invalid_request',
        `${field}: a clip with an end frame must end on it, so it cannot flow back into its first frame; send one image`,
        {
          field,
        },
      );
    }
    // A keyframed path replaces the presets' movement, so only their looks could stop a loop.
    for (const m of motions) {
      const verdict = this.deps.engine.canLoop?.(m.name, { ownPath: !!camera.cameraPath }) ?? {
        loopable: false as const,
        reason: `the ${this.deps.engine.name} engine renders no loops`,
      };
      if (verdict.loopable) continue;
      throw new AppError(
        'invalid_request',
        `${field}: "${m.name}" cannot loop: ${verdict.reason} (see docs/camera-control.md)`,
        { field },
      );
    }
  }

  private checkWebhook(url: string, field: string): void {
    if (!this.deps.webhooks) {
      throw new AppError('invalid_request', `${field}: webhooks are not available on this server`, { field });
    }
    this.deps.checkWebhookUrl?.(url, field);
  }

  /**
   * Creates the task. Webhooks and crashes: the delivery is registered (as `waiting`)
   * *before* the task is stored, so no task with a webhook ever exists without its
   * delivery record. The worker that finishes the task arms the delivery; if the process
   * dies between "task terminal" and "armed", the dispatcher's reconciler finds the
   * waiting delivery, sees the task is terminal and arms it. This was chosen over writing
   * the outbox row in the terminal update's transaction because it keeps the TaskStore
   * and the outbox independent ports (a PostgreSQL store with an SQLite outbox, or the
   * reverse, stays correct) and needs no change to every terminal transition. A
   * registration whose task never got stored is dropped by the reconciler.
   */
  private async create(request: SubmitRequest, fingerprint?: string): Promise<Task> {
    const { store, queue, webhooks } = this.deps;
    const motions = this.resolveMotions(request.motions);
    const camera = hasCameraControl(request.camera) ? request.camera : undefined;
    if (camera) this.checkCamera(camera, request, motions);
    const seed = request.seed ?? randomInt(SEED_MIN, SEED_MAX + 1);
    const token = mediaToken();
    const loaded = await this.loadImages(request.images, request.ownerKeyId);
    const inputs = loaded.map((image, index) => ({
      image,
      key: `inputs/${token}/${index}.${EXTENSIONS[image.contentType] ?? 'bin'}`,
    }));
    const images = inputs.map(
      ({ image, key }): InputImage => ({
        id: randomUUID(),
        mediaKey: key,
        contentType: image.contentType,
        width: image.width,
        height: image.height,
        bytes: image.body.length,
        ...(image.sourceUrl && { sourceUrl: image.sourceUrl }),
      }),
    );
    const now = this.now();
    const task: Task = {
      id: randomUUID(),
      jobId: randomUUID(),
      ownerKeyId: request.ownerKeyId,
      dialect: request.dialect,
      status: 'queued',
      progress: 0,
      attempts: 0,
      params: {
        model: request.model,
        motions,
        prompt: request.prompt,
        enhancePrompt: request.enhancePrompt,
        seed,
        images,
        ...(request.width !== undefined && { width: request.width }),
        ...(request.height !== undefined && { height: request.height }),
        ...(request.duration !== undefined && { duration: request.duration }),
        ...(request.fps !== undefined && { fps: request.fps }),
        ...(request.checkNsfw !== undefined && { checkNsfw: request.checkNsfw }),
        ...(camera && { camera }),
      },
      ...(request.webhook && { webhook: request.webhook }),
      ...(request.idempotencyKey && { idempotencyKey: request.idempotencyKey }),
      ...(fingerprint && { requestFingerprint: fingerprint }),
      createdAt: now,
      updatedAt: now,
    };
    const deliveryId = randomUUID();
    // The inputs are written (each flushed to disk) while the row is inserted (its WAL
    // flushed): the submit waits for one round trip to the disk, not two in a row. Nothing
    // renders the task before it is enqueued, below, once both are durable; if either
    // fails, the row is taken back. A process that dies in between leaves a row whose
    // submit was never answered (as a crash during the WAL's flush always could).
    // Settled only when every write has finished, so that a cleanup after one failed
    // cannot run while another is still landing its file.
    const written = Promise.allSettled(
      inputs.map(({ image, key }) => this.deps.media.putBuffer(key, image.body, image.contentType)),
    ).then((results) => {
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
    written.catch(() => undefined); // handled below; not an unhandled rejection meanwhile
    try {
      if (task.webhook && webhooks) {
        await webhooks.register({
          id: deliveryId,
          taskId: task.id,
          url: task.webhook.url,
          createdAt: now,
          checkAt: now + (this.deps.webhookCheckDelayMs ?? 60_000),
        });
      }
      const [files, row] = await Promise.allSettled([written, store.insert(task)]);
      if (files.status === 'rejected') {
        if (row.status === 'fulfilled') await store.delete(task.id).catch(() => undefined);
        throw files.reason;
      }
      if (row.status === 'rejected') throw row.reason;
    } catch (error) {
      // The writes may still be running (the webhook's registration failed first).
      await written.catch(() => undefined);
      // Nothing refers to these any more; best effort, the error is what matters.
      await this.deps.media.deletePrefix(`inputs/${token}`).catch(() => undefined);
      if (task.webhook && webhooks) await webhooks.delete(deliveryId).catch(() => undefined);
      throw error;
    }
    // The task is durable now. If enqueueing fails, the reconciler re-enqueues it
    // (see TaskRunner.reconcile), so the client still gets its id — never a 5xx for a
    // task that exists (the official SDK re-submits on any error).
    const lane = this.deps.engine.laneFor?.(motions.map((m) => m.name));
    await queue.enqueue(task.id, lane && lane !== 'render' ? { lane } : undefined).catch(() => undefined);
    return task;
  }

  private loadImages(images: SubmitRequest['images'], ownerKeyId: string) {
    return Promise.all(images.map(({ value, field }) => this.deps.loadImage(value, field, ownerKeyId)));
  }

  /** The task, if it exists and belongs to the key; another key's task is a 404. */
  async get(ownerKeyId: string, id: string): Promise<Task> {
    const task = await this.deps.store.get(id);
    if (!task || task.ownerKeyId !== ownerKeyId) throw new AppError('not_found', `task ${id} not found`);
    return task;
  }

  async list(ownerKeyId: string, limit: number, before?: number): Promise<Task[]> {
    return this.deps.store.listByOwner(ownerKeyId, { limit, ...(before !== undefined && { before }) });
  }

  /**
   * Cancels a queued task (it will never start rendering). With `allowRunning`, an
   * in-progress task is marked canceled too and its worker aborts the render.
   * Returns the task and whether this call canceled it.
   */
  async cancel(
    ownerKeyId: string,
    id: string,
    options: { allowRunning?: boolean } = {},
  ): Promise<{ task: Task; canceled: boolean }> {
    const task = await this.get(ownerKeyId, id);
    const from = options.allowRunning ? (['queued', 'in_progress'] as const) : (['queued'] as const);
    let updated = await this.deps.store.update(id, { status: 'canceled', finishedAt: this.now() }, from);
    if (!updated) {
      const current = (await this.deps.store.get(id)) ?? task;
      // A relayed task is in progress here while it may still wait in the cloud's queue:
      // canceling it there (refunded upstream) cancels it here; once the cloud started, no.
      if (current.status === 'in_progress' && current.upstream?.requestId && this.deps.engine.cancelUpstream) {
        const upstreamCanceled = await this.deps.engine.cancelUpstream(current).catch(() => false);
        if (upstreamCanceled)
          updated = await this.deps.store.update(id, { status: 'canceled', finishedAt: this.now() }, ['in_progress']);
      }
      if (!updated) return { task: (await this.deps.store.get(id)) ?? current, canceled: false };
    }
    if (task.status === 'queued') await this.deps.queue.remove(id).catch(() => undefined);
    this.deps.onTerminal?.(updated);
    return { task: updated, canceled: true };
  }
}
