/**
 * The Higgsfield platform's v2 wire format, as far as this relay uses it: paths, body
 * field names, statuses. Every choice the reference (`api-dialects.md` §3) marks as unsure
 * is one named constant here, so changing it is a one-line edit.
 */
import type { ModelTier } from '../../core/task.js';

/**
 * The end-frame field of a two-image DoP request. Third-party integrations send
 * `end_image_url` on the `…/first-last-frame` path [3P S19]; the official docs show no
 * two-image example. Chosen: `end_image_url` (the only name seen in working code).
 */
export const END_IMAGE_FIELD = 'end_image_url';

/**
 * The two-image path suffix. Seen as `higgsfield-ai/dop/{tier}/first-last-frame` in several
 * independent integrations [3P S19].
 */
export const FIRST_LAST_FRAME_SUFFIX = '/first-last-frame';

/** `POST /higgsfield-ai/dop/{tier}[/first-last-frame]`: the model id is the path. */
export function submitPath(model: ModelTier, twoImages: boolean): string {
  return `/higgsfield-ai/dop/${model}${twoImages ? FIRST_LAST_FRAME_SUFFIX : ''}`;
}

export const UPLOAD_URL_PATH = '/files/generate-upload-url';

export function statusPath(requestId: string): string {
  return `/requests/${encodeURIComponent(requestId)}/status`;
}

export function cancelPath(requestId: string): string {
  return `/requests/${encodeURIComponent(requestId)}/cancel`;
}

/** The request body (flat JSON, no `params` wrapper) [DOC S13; 3P S19 for the optional fields]. */
export interface SubmitBody {
  image_url: string;
  prompt: string;
  motions: { id: string; strength: number }[];
  seed: number;
  enhance_prompt: boolean;
  duration?: number;
  check_nsfw?: boolean;
  [END_IMAGE_FIELD]?: string;
}

export const UPSTREAM_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'nsfw', 'canceled'] as const;
export type UpstreamStatus = (typeof UPSTREAM_STATUSES)[number];

/** The request object of submit and status answers [DOC S11, S12]. */
export interface RequestObject {
  status: UpstreamStatus;
  request_id: string;
  video?: { url: string };
  error?: string;
}

/** `Authorization: Key id:secret` [DOC S11, SDK S9, S10]. */
export function authorization(keyId: string, keySecret: string): string {
  return `Key ${keyId}:${keySecret}`;
}

/**
 * The 400 the cloud answers when the account's concurrent-request cap is reached
 * ("Maximum number of concurrent requests (4) has been reached") [3P S18]: the request
 * was not accepted, so sending it again later is safe.
 */
export function isConcurrencyCap(status: number, detail: string): boolean {
  return status === 400 && /concurren/i.test(detail);
}
