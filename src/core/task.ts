/**
 * The task: the one record every dialect, store, queue and engine agrees on.
 * Pure data and pure functions; this module imports no adapter.
 */

import type { CameraPathSpec, CameraRequest } from './camera-request.js';

/** Higgsfield's own status vocabulary; no dialect may emit anything else. */
export const TASK_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'nsfw', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'nsfw', 'canceled']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * Allowed moves of the state machine. `in_progress → queued` is a retry after a
 * worker lost its lease or hit a transient error; terminal states never move.
 */
const TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  queued: ['in_progress', 'canceled', 'failed'],
  in_progress: ['queued', 'completed', 'failed', 'nsfw', 'canceled'],
  completed: [],
  failed: [],
  nsfw: [],
  canceled: [],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const MODEL_TIERS = ['lite', 'turbo', 'standard'] as const;
export type ModelTier = (typeof MODEL_TIERS)[number];

/** Which wire dialect created a task; webhooks are sent back in that dialect. */
export type Dialect = 'reseller' | 'v1' | 'v2';

/** One motion of a request; `strength` in 0..1 scales the move. */
export interface MotionRef {
  /** The catalogue id the client sent (or the canonical id when it sent a name). */
  id: string;
  /** Canonical catalogue name, e.g. "Dolly In". */
  name: string;
  strength: number;
}

/** An input image, already fetched, checked and kept in the media store. */
export interface InputImage {
  /** Public id of the stored input (used in `params.input_image.id`). */
  id: string;
  /** Media-store key of the stored bytes. */
  mediaKey: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  /** The URL the client gave, when it gave one (never a data URI). */
  sourceUrl?: string;
}

/** The normalised request, whatever dialect it came from. */
export interface TaskParams {
  model: ModelTier;
  motions: MotionRef[];
  prompt: string;
  enhancePrompt: boolean;
  /** The seed actually used; chosen by the server when the client sent none. */
  seed: number;
  /** Requested output size; the engine rounds and bounds it (see `resolved`). */
  width?: number;
  height?: number;
  /** Clip length in seconds and frame rate (extensions; engine defaults apply when absent). */
  duration?: number;
  fps?: number;
  /** image[0] is the start frame, image[1] (optional) the end frame. */
  images: InputImage[];
  checkNsfw?: boolean;
  /** Numeric camera control, keyframed path, focus point, loop (extensions; see camera-request.ts). */
  camera?: CameraRequest;
}

/** What the engine actually did with the params, recorded once it knows. */
export interface RenderResolved {
  width: number;
  height: number;
  fps: number;
  frames: number;
  duration: number;
  /**
   * The whole camera move as rendered, in the `camera_path` input format: sent back as
   * `camera_path` (same size, duration, fps and loop) it renders the same frames.
   */
  cameraPath?: CameraPathSpec;
  /** The point the move aimed at (normalised; the client's `focus` or the estimated one). */
  focus?: { x: number; y: number };
  loop?: boolean;
  /** The engine's reading of the prompt when enhance_prompt is on. */
  enhancedPrompt?: string;
  /** Resolved prompt modifiers (speed, intensity, direction...). */
  modifiers?: Record<string, unknown>;
  /** The content check's scores, when it ran and let the task render (NSFW_CHECK). */
  nsfw?: NsfwRecord;
  /** Which engine rendered the task (`local`, `higgsfield`); absent on tasks older than routing. */
  engine?: string;
  /** For a relayed task: what was asked of the cloud (endpoint, its motion ids). */
  upstream?: { endpoint: string; requestId: string; motions: { id: string; strength: number }[] };
  /** What the engine understood of the (first) picture: see ResolvedScene. */
  scene?: ResolvedScene;
  /** How a two-picture clip carries image[0] into image[1]. */
  transition?: 'iris-in' | 'iris-out' | 'whip' | 'match-cut';
  /**
   * Why that transition (two pictures): a match cut's subjects, the zoom each picture is
   * drawn with at the cut and the wipe that hands over; or why no match cut was made.
   */
  transitionChoice?: { because: string; zoom?: [number, number]; wipe?: 'iris-in' | 'iris-out' | 'whip' };
}

/** What the content check found on a task's input images. */
export interface NsfwRecord {
  /** The policy applied to this task (server setting and request's `check_nsfw`). */
  mode: 'flag' | 'block';
  threshold: number;
  /** Whether the worst image reached the threshold. */
  flagged: boolean;
  /** The worst image's explicit score (porn + hentai), 0..1. */
  score: number;
  images: {
    index: number;
    score: number;
    scores: { drawing: number; hentai: number; neutral: number; porn: number; sexy: number };
  }[];
}

/**
 * The engine's reading of a picture, recorded so a user can see why a move went where it
 * did. Boxes are normalised to the picture (0..1). The vision models (src/vision/) say what
 * the subject is; depth (engine/scene/scene-depth.ts) adds the layers drawn and their depths.
 */
export interface ResolvedScene {
  /** What the subject is: a person, another detected object, or nothing it trusts. */
  subject: 'person' | 'object' | 'none';
  /** The object detector's (COCO) label for the subject. */
  label?: string;
  /** The detector's score for the subject, 0..1 (0 with no subject). */
  confidence: number;
  /** How many faces were found. */
  faces?: number;
  /** The face the face moves aimed at, and why that one. */
  face?: { x: number; y: number; w: number; h: number; chosenBecause: string };
  /** 'vision' normally; 'heuristic' when the models could not run and the old estimates stood in. */
  method?: 'vision' | 'heuristic';
  /**
   * Where the subject came from when not from the detector: 'saliency' (depth moves: the
   * detector saw nothing and a compact thing standing apart in colour was found; its
   * confidence is then that estimate's, 0..1, and box its normalised box).
   */
  source?: 'saliency';
  box?: { x: number; y: number; w: number; h: number };
  /** Depth moves: the layers drawn, back to front. */
  layers?: ('sky' | 'far background' | 'ground' | 'subject')[];
  depth?: {
    /** Depth of the far background (the subject, or the centre of interest, is at 1). */
    far: number;
    /** Depth of the sky (an open far region reaching the top edge) behind it, when one was found. */
    sky?: number;
    /**
     * The ground plane: horizon row (fraction of the height, and how it was found), depth at the
     * bottom row, and the share of columns whose walls stand on it at their foot's depth.
     */
    ground: { horizon: number; horizonFrom: 'edge' | 'vanishing' | 'prior'; near: number; standing?: number };
    /** Depth of the subject layer, when one separates. */
    subject?: number;
  };
}

/** A stored file: the key is unguessable and doubles as its URL path. */
export interface MediaRef {
  key: string;
  contentType: string;
  bytes: number;
}

export interface TaskResults {
  raw: MediaRef;
  min: MediaRef;
  poster: MediaRef;
}

export interface TaskError {
  /** Stable machine-readable code from the error catalogue. */
  code: string;
  message: string;
  /** Machine-readable particulars (the content check's scores for `nsfw`). */
  detail?: Record<string, unknown>;
}

export interface WebhookTarget {
  url: string;
  /** v1's caller secret, sent back as `X-Webhook-Secret-Key`. */
  secret?: string;
  /**
   * The absolute base URL the client reached us at when it submitted; the links in the
   * webhook body (status_url, media URLs) use it, as the poll responses it saw did.
   */
  baseUrl?: string;
}

/**
 * A request this task placed on a paid upstream (the Higgsfield cloud). It is written
 * durably *before* the submit is sent (`submitting`) and again as soon as the answer names
 * the upstream's id (`accepted`), so a worker that takes the task over after a crash
 * resumes polling that request instead of buying the video again, and a submit whose
 * answer was never recorded is known to be uncertain rather than silently re-sent.
 */
export interface UpstreamRequest {
  /** Engine that placed it, e.g. `higgsfield`. */
  engine: string;
  /** `submitting`: sent or about to be, answer not recorded; `accepted`: `requestId` is known. */
  state: 'submitting' | 'accepted';
  /** The model path it was sent to, e.g. `/higgsfield-ai/dop/lite`. */
  endpoint: string;
  requestId?: string;
  /** Epoch ms when the submit was (about to be) sent. */
  submittedAt: number;
}

export interface Task {
  id: string;
  /** The single job of the job-set (DoP makes one video per request). */
  jobId: string;
  /** Key id of the API key that owns the task. */
  ownerKeyId: string;
  dialect: Dialect;
  status: TaskStatus;
  /** 0..1 */
  progress: number;
  /** Render attempts started so far. */
  attempts: number;
  params: TaskParams;
  resolved?: RenderResolved;
  results?: TaskResults;
  error?: TaskError;
  webhook?: WebhookTarget;
  idempotencyKey?: string;
  /**
   * Hash of the normalised request (see `requestFingerprint` in task-service.ts): a reused
   * Idempotency-Key with a different request is refused instead of answered with this task.
   */
  requestFingerprint?: string;
  /** The upstream request of a relayed task (see {@link UpstreamRequest}). */
  upstream?: UpstreamRequest;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}
