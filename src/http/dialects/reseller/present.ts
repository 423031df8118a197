/**
 * Renders a task as the reseller dialect's job-set (`/higgsfield/feed/{id}`, and its
 * webhook body), and errors in its OpenAI-style envelope.
 * `results` is mirrored as `result` for clients written against the reseller docs.
 */
import { createHash } from 'node:crypto';
import type { InputImage, Task } from '../../../core/task.js';
import type { AppError } from '../../../core/errors.js';
import { mediaUrl, presentCameraParams, presentResults, presentUnderstanding } from '../platform/present.js';

const projectIds = new Map<string, string>();

/** A stable per-key project id (Higgsfield scopes job-sets to a project); hashed once per key. */
export function projectIdFor(ownerKeyId: string): string {
  let id = projectIds.get(ownerKeyId);
  if (id === undefined) {
    if (projectIds.size >= 1024) projectIds.clear();
    projectIds.set(ownerKeyId, (id = projectIdOf(ownerKeyId)));
  }
  return id;
}

function projectIdOf(ownerKeyId: string): string {
  const h = createHash('sha256').update(`stillmotion-project:${ownerKeyId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function mediaInput(base: string, image: InputImage) {
  return { id: image.id, url: mediaUrl(base, image.mediaKey), type: 'media_input' as const };
}

export function presentFeed(task: Task, base: string) {
  const p = task.params;
  const r = task.resolved;
  const results = presentResults(task, base);
  const [start, end] = p.images;
  const failed = task.status === 'failed' || task.status === 'nsfw';
  return {
    id: task.id,
    type: 'image2video' as const,
    project_id: projectIdFor(task.ownerKeyId),
    created_at: task.createdAt / 1000,
    status: task.status,
    progress: task.status === 'completed' ? 1 : task.progress,
    error:
      failed && task.error
        ? {
            code: task.error.code,
            message: task.error.message,
            ...(task.error.detail && { detail: task.error.detail }),
          }
        : null,
    params: {
      prompt: p.prompt,
      input_image: mediaInput(base, start as InputImage),
      ...(end && { input_image_end: mediaInput(base, end) }),
      seed: p.seed,
      motion_id: p.motions[0]?.id ?? '',
      motions: p.motions.map((m) => ({ id: m.id, name: m.name, strength: m.strength })),
      model: p.model,
      enhance_prompt: p.enhancePrompt,
      width: r?.width ?? p.width ?? null,
      height: r?.height ?? p.height ?? null,
      duration: r?.duration ?? p.duration ?? null,
      fps: r?.fps ?? p.fps ?? null,
      ...presentCameraParams(task),
      ...presentUnderstanding(task),
      ...(r?.enhancedPrompt !== undefined && { enhanced_prompt: r.enhancedPrompt }),
      ...(r?.modifiers !== undefined && { modifiers: r.modifiers }),
      ...(p.checkNsfw !== undefined && { check_nsfw: p.checkNsfw }),
      ...(r?.nsfw !== undefined && { nsfw_check: r.nsfw }),
      ...(r?.engine !== undefined && { engine: r.engine }),
    },
    jobs: [
      {
        id: task.jobId,
        status: task.status,
        results,
        result: results,
        ...(failed && task.error && { error: task.error.message }),
      },
    ],
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  503: 'service_unavailable_error',
};

/** The OpenAI-style envelope resellers use: `{error: {message, type, code, param}}`. */
export function presentError(error: AppError) {
  return {
    error: {
      message: error.message,
      type: ERROR_TYPES[error.status] ?? (error.status >= 500 ? 'server_error' : 'invalid_request_error'),
      code: error.code,
      param: error.field ?? null,
    },
  };
}

/** The envelope with the catalogue status: what this dialect's routes answer with. */
export function presentResellerError(error: AppError) {
  return { status: error.status, body: presentError(error) };
}
