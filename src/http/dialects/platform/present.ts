/**
 * Presenters every dialect shares: media links, a finished task's result files, the
 * camera fields echoed back, and the platform's request object (v2's submit, status
 * and webhook body, which the v2 SDK also gets from the v1 path).
 */
import type { Task } from '../../../core/task.js';

export function mediaUrl(base: string, key: string): string {
  return `${base}/media/${key}`;
}

/**
 * The camera fields of a task's params: the resolved path once the render started (the
 * client's own camera_path before that), the focus point and loop. Sending these back as
 * camera_path/focus/loop (with the same motion, size, duration and fps, without `camera`)
 * renders the same frames.
 */
export function presentCameraParams(task: Task) {
  const r = task.resolved;
  const c = task.params.camera;
  const path = r?.cameraPath ?? c?.cameraPath;
  const focus = r?.focus ?? c?.focus;
  const loop = r?.loop ?? c?.loop;
  return {
    ...(path && { camera_path: path }),
    ...(focus && { focus }),
    ...(loop !== undefined && { loop }),
  };
}

export function presentResults(task: Task, base: string) {
  if (task.status !== 'completed' || !task.results) return null;
  return {
    raw: { type: 'video', url: mediaUrl(base, task.results.raw.key) },
    min: { type: 'video', url: mediaUrl(base, task.results.min.key) },
    poster: { type: 'image', url: mediaUrl(base, task.results.poster.key) },
  };
}

/** A task as the platform's request object (`GET /requests/{id}/status`). */
export function presentRequest(task: Task, base: string) {
  return {
    status: task.status,
    request_id: task.id,
    status_url: `${base}/requests/${task.id}/status`,
    cancel_url: `${base}/requests/${task.id}/cancel`,
    ...(task.status === 'completed' && task.results && { video: { url: mediaUrl(base, task.results.raw.key) } }),
    ...((task.status === 'failed' || task.status === 'nsfw') && task.error && { error: task.error.message }),
    progress: task.status === 'completed' ? 1 : task.progress,
  };
}
