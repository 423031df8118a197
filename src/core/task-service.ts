/**
 * The task core's front door: submit, get, list, cancel. Every dialect calls this and
 * nothing else; it depends only on ports.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { MotionCatalogue } from '../catalogue/motion-catalogue.js';
import { AppError } from './errors.js';
import type { Engine, MediaStore, TaskQueue, TaskStore } from './ports.js';
import type { Dialect, InputImage, ModelTier, MotionRef, Task, WebhookTarget } from './task.js';

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
  webhook?: WebhookTarget;
  idempotencyKey?: string;
}

export interface TaskServiceDeps {
  store: TaskStore;
  queue: TaskQueue;
  media: MediaStore;
  engine: Engine;
  catalogue: MotionCatalogue;
  loadImage: LoadImage;
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

/** Unguessable folder name for a task's media (128 bits). */
export function mediaToken(): string {
  return randomBytes(16).toString('hex');
}

export class TaskService {
  private readonly deps: TaskServiceDeps;
  private readonly now: () => number;

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
   * Resolves once the task is on disk; the same Idempotency-Key returns the first task.
   */
  async submit(request: SubmitRequest): Promise<Task> {
    const { store, queue } = this.deps;
    if (request.idempotencyKey) {
      const existing = await store.findByIdempotencyKey(
        request.ownerKeyId,
        request.idempotencyKey,
        this.now() - IDEMPOTENCY_WINDOW_MS,
      );
      if (existing) return existing;
    }
    const motions = this.resolveMotions(request.motions);
    const seed = request.seed ?? randomInt(SEED_MIN, SEED_MAX + 1);
    const images = await this.storeImages(request.images, request.ownerKeyId);
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
      },
      ...(request.webhook && { webhook: request.webhook }),
      ...(request.idempotencyKey && { idempotencyKey: request.idempotencyKey }),
      createdAt: now,
      updatedAt: now,
    };
    await store.insert(task);
    // The task is durable now. If enqueueing fails, the reconciler re-enqueues it
    // (see WorkerPool.reconcile), so the client still gets its id.
    await queue.enqueue(task.id).catch(() => undefined);
    return task;
  }

  private async storeImages(images: SubmitRequest['images'], ownerKeyId: string): Promise<InputImage[]> {
    const loaded = await Promise.all(images.map(({ value, field }) => this.deps.loadImage(value, field, ownerKeyId)));
    const token = mediaToken();
    return Promise.all(
      loaded.map(async (image, index): Promise<InputImage> => {
        const ext = EXTENSIONS[image.contentType] ?? 'bin';
        const ref = await this.deps.media.putBuffer(`inputs/${token}/${index}.${ext}`, image.body, image.contentType);
        return {
          id: randomUUID(),
          mediaKey: ref.key,
          contentType: image.contentType,
          width: image.width,
          height: image.height,
          bytes: ref.bytes,
          ...(image.sourceUrl && { sourceUrl: image.sourceUrl }),
        };
      }),
    );
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
  async cancel(ownerKeyId: string, id: string, options: { allowRunning?: boolean } = {}): Promise<{ task: Task; canceled: boolean }> {
    const task = await this.get(ownerKeyId, id);
    const from = options.allowRunning ? (['queued', 'in_progress'] as const) : (['queued'] as const);
    const updated = await this.deps.store.update(id, { status: 'canceled', finishedAt: this.now() }, from);
    if (!updated) return { task: (await this.deps.store.get(id)) ?? task, canceled: false };
    if (task.status === 'queued') await this.deps.queue.remove(id).catch(() => undefined);
    return { task: updated, canceled: true };
  }
}
