/**
 * Ports of the task core. Adapters (SQLite/Postgres store, embedded/BullMQ queue,
 * filesystem media, engines) implement these; the core depends on nothing else.
 */
import type { CameraPathSpec, CameraRequest } from './camera-request.js';
import type { Readable } from 'node:stream';
import type { MediaRef, ModelTier, RenderResolved, Task, TaskStatus, UpstreamRequest } from './task.js';

/** Fields a store update may change. */
export type TaskPatch = Partial<
  Pick<
    Task,
    'status' | 'progress' | 'attempts' | 'resolved' | 'results' | 'error' | 'upstream' | 'startedAt' | 'finishedAt'
  >
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
  /**
   * Clears `idempotencyKey` on the owner's tasks that carry `key` and were created before
   * `before`. An owner's key is unique among its tasks (an `insert` reusing one held by
   * another task is refused as `conflict`), so a key is released once its window is over
   * before a new task may take it.
   */
  releaseIdempotencyKey(ownerKeyId: string, key: string, before: number): Promise<void>;
  /** Tasks in a terminal state whose `finishedAt` is before `before` (for the retention sweep). */
  listFinishedBefore(before: number, limit: number): Promise<Task[]>;
  /** Tasks still `queued` created before `before` (the reconciler re-enqueues them). */
  listQueuedBefore(before: number, limit: number): Promise<Task[]>;
  /**
   * Tasks `in_progress` whose record was last updated before `before`, oldest update
   * first. A live render writes progress often; one that stopped being written may have
   * lost its queue job (a queue that lost its data), so the reconciler enqueues it again.
   */
  listInProgressNotUpdatedSince(before: number, limit: number): Promise<Task[]>;
  delete(id: string): Promise<void>;
  countByStatus(): Promise<Record<TaskStatus, number>>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Which slots a task waits for: `render` (local renders, which use this machine's CPU) or
 * `relay` (tasks a cloud engine renders, which only wait on the network and run on slots
 * of their own). A queue built without lanes has one lane and ignores the argument.
 */
export type QueueLane = 'render' | 'relay';

/** A claim on a queued task, valid until `leaseUntil` unless extended. */
export interface Lease {
  taskId: string;
  /** The lane it was claimed from (absent: `render`). */
  lane?: QueueLane;
  workerId: string;
  /** How many times this task has been claimed, this claim included. */
  attempt: number;
  leaseUntil: number;
}

export interface TaskQueue {
  /**
   * Idempotent: enqueueing a task that is already queued or leased (in any lane) is a no-op.
   * `lane` defaults to `render`.
   */
  enqueue(taskId: string, options?: { delayMs?: number; lane?: QueueLane }): Promise<void>;
  /** Claims the next available task of `lane` (default `render`) for `leaseMs`, or undefined when none is ready. */
  claim(workerId: string, leaseMs: number, lane?: QueueLane): Promise<Lease | undefined>;
  /** Extends a lease; false when it was lost (expired and re-claimed, or removed). */
  extend(lease: Lease, leaseMs: number): Promise<boolean>;
  /** Removes the task from the queue for good (finished, failed or canceled). */
  complete(lease: Lease): Promise<void>;
  /** Gives the task back for a later attempt after `delayMs`. */
  release(lease: Lease, delayMs: number): Promise<void>;
  /** Removes a task that was never claimed (canceled while queued). */
  remove(taskId: string): Promise<void>;
  /** Resolves when work may be available (or after `timeoutMs`), so workers need not spin. */
  waitForWork(timeoutMs: number, signal?: AbortSignal, lane?: QueueLane): Promise<void>;
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
  /**
   * A short-lived URL from which a client may GET the stored file directly (object
   * stores); absent when the store cannot hand one out and stillmotion serves the bytes.
   */
  signedUrl?(key: string, ttlSeconds: number): Promise<string>;
  /** Cheap round trip for /readyz (a remote store); absent for local folders. */
  ping?(): Promise<void>;
  /** Releases connections (a remote store). */
  close?(): void;
}

/**
 * Scratch folders for renders: the task runner asks for one per render attempt and hands
 * it back when the attempt ends, whatever happened. Where they live (a folder per process
 * under DATA_DIR/tmp) is the adapter's business, not the core's.
 */
export interface ScratchSpace {
  /** A new, empty folder for one render attempt of `taskId`. */
  create(taskId: string): Promise<string>;
  /** Removes a folder made by {@link create} and everything in it; never throws. */
  remove(dir: string): Promise<void>;
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
  /** Numeric camera control, keyframed path, focus and loop, already checked. */
  camera?: CameraRequest;
  width?: number;
  height?: number;
  duration?: number;
  fps?: number;
  /** Encoded image bytes (JPEG/PNG/WebP...): image[0] start, image[1] optional end. */
  images: Buffer[];
  /** Content types of `images`, in order. */
  imageTypes?: string[];
  /** The upstream request a previous attempt recorded (a relay engine resumes it, never re-buys). */
  upstream?: UpstreamRequest;
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
  /**
   * Durably records (or, with undefined, clears) the task's upstream request before it
   * resolves; rejects when the task is no longer this render's (canceled, taken over).
   * Relay engines call it before a submit is sent and as soon as its answer names the id.
   */
  recordUpstream?: (upstream: UpstreamRequest | undefined) => Promise<void>;
}

export type Renderability = { renderable: true } | { renderable: false; reason: string; engines: string[] };

export interface Engine {
  readonly name: string;
  /** Whether this engine can render a catalogue motion (by canonical name). */
  canRender(motionName: string): Renderability;
  /**
   * Whether `loop: true` makes sense for a motion, with the reason when not; `ownPath`:
   * a keyframed path replaces the motion's movement. Engines without it render no loops
   * (the task core refuses `loop` for them).
   */
  canLoop?(
    motionName: string,
    options?: { ownPath?: boolean },
  ): { loopable: true } | { loopable: false; reason: string };
  /**
   * A motion's camera path in the `camera_path` format (see camera-request.ts) for the
   * default clip, so a client can start from a preset and edit it; undefined when the
   * engine has no path for it (effects, relayed engines).
   */
  presetPath?(motionName: string): CameraPathSpec | undefined;
  /**
   * Whether this engine renders numeric camera control (`camera`, `camera_path`, `focus`,
   * `loop`) for a task with these motions. Engines without it take none: the task core
   * refuses the fields rather than let them be dropped silently.
   */
  controlsCamera?(motionNames: readonly string[]): boolean;
  /** Renders a job to MP4s and a poster; rejects with an AppError on bad input. */
  render(job: RenderJob, context: RenderContext): Promise<RenderOutput>;
  /**
   * Starts, in the background, what the engine keeps warm between renders (worker
   * threads), so that a process's first render does not pay for it. Idempotent.
   */
  warm?(): void;
  /** Releases what the engine keeps warm between renders (worker threads). */
  close?(): Promise<void>;
  /** The queue lane a task with these motions waits in (absent: `render`). */
  laneFor?(motionNames: readonly string[]): QueueLane;
  /** The engine that would render a task with these motions (absent: this one). */
  engineFor?(motionNames: readonly string[]): string;
  /**
   * Cancels a running task's upstream request while the upstream has not started it.
   * True when the upstream accepted the cancel (the task may then be marked canceled);
   * false when it has started (or there is no upstream request to cancel).
   */
  cancelUpstream?(task: Task): Promise<boolean>;
  /** Health for /readyz and /metrics (relay engines). */
  health?(): EngineHealth | undefined;
}

/** What a relay engine reports about itself. */
export interface EngineHealth {
  engine: string;
  /** Requests placed upstream and not yet finished, in this process. */
  inFlight: number;
  /** Upstream HTTP errors seen, by code (`401`, `403`, `5xx`, `timeout`...). */
  errorsByCode: Record<string, number>;
  /** Submits refused for lack of credits. */
  creditsRefused: number;
  /** Submits refused by the concurrency cap (each waited and was sent again later). */
  concurrencyWaits: number;
  /** Whether the last call to the upstream worked (undefined before any call). */
  lastCallOk?: boolean;
  /** The last upstream error's message (no secrets), when the last call failed. */
  lastError?: string;
}

/** Where a webhook delivery stands. */
export type WebhookDeliveryState =
  /** Registered with its task; the task is not terminal yet (or nobody told us). */
  | 'waiting'
  /** Due for (another) attempt at `nextAttemptAt`. */
  | 'pending'
  | 'delivered'
  /** Gave up: the retry window ended without a 2xx. */
  | 'failed';

/** The promise to POST one task's terminal state to the client's webhook URL. */
export interface WebhookDelivery {
  /** Stable across retries; sent as the Standard Webhooks `webhook-id` (`msg_<id>`). */
  id: string;
  taskId: string;
  url: string;
  state: WebhookDeliveryState;
  /** Attempts started so far (a claim counts, even if its process died mid-attempt). */
  attempts: number;
  /**
   * `waiting`: when the reconciler next looks at the task; `pending`: when the next
   * attempt is due (a claim pushes it to the end of the claim's lease).
   */
  nextAttemptAt: number;
  createdAt: number;
  /** When the task was seen terminal; the retry window is measured from here. */
  armedAt?: number;
  deliveredAt?: number;
  /** HTTP status of the last attempt, when it got one. */
  lastStatus?: number;
  lastError?: string;
}

/** A claim on a due delivery; only its holder may record the attempt's outcome. */
export interface WebhookClaim {
  delivery: WebhookDelivery;
  /** Unique per claim; an outcome recorded with a stale token is ignored. */
  token: string;
}

/**
 * The webhook outbox: persisted deliveries that survive restarts and are sent at least
 * once. Times are passed in (epoch ms) rather than read from a clock, so every adapter
 * behaves the same under a test's clock. Several nodes may share one outbox: `claim`
 * hands a due delivery to one of them until its lease runs out.
 *
 * Lifecycle: `register` (with the task, before it is stored) → `arm` (the task became
 * terminal) → `claim` → `recordSuccess` | `recordFailure` (rescheduled or given up).
 * The case suite is test/cases/webhook-outbox.case.ts.
 */
export interface WebhookOutbox {
  /** Stores a `waiting` delivery with its first reconciler check at `checkAt`. Idempotent per `taskId`. */
  register(delivery: { id: string; taskId: string; url: string; createdAt: number; checkAt: number }): Promise<void>;
  /**
   * The task became terminal: a `waiting` delivery turns `pending`, due at `at`, with its
   * retry window starting at `at`. Returns false (and changes nothing) when the task has
   * no delivery or it was armed already.
   */
  arm(taskId: string, at: number): Promise<boolean>;
  /** `waiting` deliveries whose reconciler check is due (`nextAttemptAt <= now`), oldest check first. */
  listWaiting(now: number, limit: number): Promise<WebhookDelivery[]>;
  /** Moves a `waiting` delivery's next reconciler check to `at`. */
  deferCheck(id: string, at: number): Promise<void>;
  /**
   * Claims up to `limit` `pending` deliveries due at `now`, for `leaseMs`: each one's
   * `attempts` goes up by one and it is not handed out again before `now + leaseMs`.
   * Concurrent claims (other nodes) never get the same delivery.
   */
  claim(now: number, leaseMs: number, limit: number): Promise<WebhookClaim[]>;
  /** The attempt got a 2xx: `delivered`. False when the claim was stale (nothing changed). */
  recordSuccess(claim: WebhookClaim, outcome: { at: number; status: number }): Promise<boolean>;
  /**
   * The attempt failed: `pending` again, due at `retryAt`, or `failed` for good when
   * `retryAt` is undefined. False when the claim was stale (nothing changed).
   */
  recordFailure(claim: WebhookClaim, outcome: { status?: number; error: string; retryAt?: number }): Promise<boolean>;
  getByTask(taskId: string): Promise<WebhookDelivery | undefined>;
  /** Removes a delivery (its task no longer exists). */
  delete(id: string): Promise<void>;
  /** Deletes `delivered` and `failed` deliveries created before `before`; returns how many. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}
