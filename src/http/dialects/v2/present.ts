/** Renders a task as a v2 request object (submit, status and webhook bodies). */
import type { Task } from '../../../core/task.js';
import { mediaUrl } from '../reseller/present.js';

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
