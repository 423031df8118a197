/**
 * Ports of the task core. Adapters (SQLite/Postgres store, embedded/BullMQ queue,
 * filesystem media, engines) implement these; the core depends on nothing else.
 */
import type { Readable } from 'node:stream';
import type { MediaRef, ModelTier, RenderResolved, Task, TaskStatus } from './task.js';

/** Fields a store update may change. */
export type TaskPatch = Partial<
  Pick<Task, 'status' | 'progress' | 'attempts' | 'resolved' | 'results' | 'error' | 'startedAt' | 'finishedAt'>
>;

export interface TaskStore {
  /** Durably stores a new task. Resolves only once it is on disk / committed. */
  insert(task: Task): Promise<void>;
  get(id: string): Promise<Task | undefined>;
  /**
   * Applies `patch` (and bumps `updatedAt`) only if the task's status is one of
   * `expected` — a compare-and-set, so two nodes never both move one task.
   * Returns the updated task, or undefined when the guard failed.
   */
  update(id: string, patch: TaskPatch, expected?: readonly TaskStatus[]): Promise<Task | undefined>;
  /** Newest first. */
  listByOwner(ownerKeyId: string, options: { limit: number; before?: number }): Promise<Task[]>;
  findByIdempotencyKey(ownerKeyId: string, key: string, since: number): Promise<Task | undefined>;
  /** Tasks in a terminal state whose `finishedAt` is before `before` (for the retention sweep). */
  listFinishedBefore(before: number, limit: number): Promise<Task[]>;
  /** Tasks still `queued` created before `before` (the reconciler re-enqueues them). */
  listQueuedBefore(before: number, limit: number): Promise<Task[]>;
  delete(id: string): Promise<void>;
  countByStatus(): Promise<Record<TaskStatus, number>>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A claim on a queued task, valid until `leaseUntil` unless extended. */
export interface Lease {
  taskId: string;
  workerId: string;
  /** How many times this task has been claimed, this claim included. */
  attempt: number;
  leaseUntil: number;
}

export interface TaskQueue {
  /** Idempotent: enqueueing a task that is already queued or leased is a no-op. */
  enqueue(taskId: string, options?: { delayMs?: number }): Promise<void>;
  /** Claims the next available task for `leaseMs`, or resolves undefined when none is ready. */
  claim(workerId: string, leaseMs: number): Promise<Lease | undefined>;
  /** Extends a lease; false when it was lost (expired and re-claimed, or removed). */
  extend(lease: Lease, leaseMs: number): Promise<boolean>;
  /** Removes the task from the queue for good (finished, failed or canceled). */
  complete(lease: Lease): Promise<void>;
  /** Gives the task back for a later attempt after `delayMs`. */
  release(lease: Lease, delayMs: number): Promise<void>;
  /** Removes a task that was never claimed (canceled while queued). */
  remove(taskId: string): Promise<void>;
  /** Resolves when work may be available (or after `timeoutMs`), so workers need not spin. */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  depth(): Promise<number>;
  close(): Promise<void>;
}

export interface MediaStore {
  /** Moves or copies a local file into the store under `key`. */
  putFile(key: string, filePath: string, contentType: string): Promise<MediaRef>;
  putBuffer(key: string, data: Buffer, contentType: string): Promise<MediaRef>;
  /** Size and type, or undefined when absent. */
  stat(key: string): Promise<{ bytes: number; contentType: string } | undefined>;
  /** Streams a byte range (inclusive `end`) of a stored file. */
  createReadStream(key: string, range?: { start: number; end: number }): Readable;
  read(key: string): Promise<Buffer>;
  /** Deletes every key under `prefix` (a task's folder). */
  deletePrefix(prefix: string): Promise<void>;
}

/** The whole input of one render, with the images already in memory. */
export interface RenderJob {
  taskId: string;
  model: ModelTier;
  /** Canonical motion names with strengths; the engine looks up its definitions. */
  motions: { name: string; strength: number }[];
  prompt: string;
  enhancePrompt: boolean;
  seed: number;
  width?: number;
  height?: number;
  duration?: number;
  fps?: number;
  /** Encoded image bytes (JPEG/PNG/WebP...): image[0] start, image[1] optional end. */
  images: Buffer[];
}

export interface RenderOutput {
  /** Absolute paths of the finished files inside `workDir`. */
  raw: string;
  min: string;
  poster: string;
  resolved: RenderResolved;
}

export interface RenderContext {
  /** A private, empty folder the engine may write into; the caller removes it. */
  workDir: string;
  signal: AbortSignal;
  /** Called with 0..1, at most a few times a second. */
  onProgress: (progress: number) => void;
}

export type Renderability = { renderable: true } | { renderable: false; reason: string; engines: string[] };

export interface Engine {
  readonly name: string;
  /** Whether this engine can render a catalogue motion (by canonical name). */
  canRender(motionName: string): Renderability;
  /** Renders a job to MP4s and a poster; rejects with an AppError on bad input. */
  render(job: RenderJob, context: RenderContext): Promise<RenderOutput>;
}
