/**
 * What a webhook carries, in the dialect the task was created with. Each dialect renders
 * its own body (reseller: the feed job-set; v1: the JobSet plus `X-Webhook-Secret-Key`;
 * v2: the request object); the composition root hands the dispatcher one renderer per
 * dialect, so this folder knows nothing of the HTTP layer.
 *
 * The body is rendered when it is sent, from the task as it is then (always terminal).
 */
import type { Dialect, Task } from '../core/task.js';

export interface WebhookPayload {
  body: string;
  /** Dialect-specific headers (the signature headers are added by the dispatcher). */
  headers: Record<string, string>;
}

/** Renders a task's webhook; `base` is the URL its client used (or the server's own). */
export type RenderWebhookPayload = (task: Task, base: string) => WebhookPayload;

/** One renderer per dialect → the renderer of any task. */
export function byDialect(renderers: Record<Dialect, RenderWebhookPayload>): RenderWebhookPayload {
  return (task, base) => renderers[task.dialect](task, base);
}
