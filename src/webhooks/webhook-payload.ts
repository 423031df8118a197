/**
 * What a webhook carries, in the dialect the task was created with:
 *
 * - reseller (`callback_url`): the feed job-set, as `GET /higgsfield/feed/{id}` returns it;
 * - v1 (`webhook: {url, secret}`): the JobSet, plus `X-Webhook-Secret-Key: <secret>`;
 * - v2 (`?hf_webhook=`): the request object, as `GET /requests/{id}/status` returns it.
 *
 * The body is rendered when it is sent, from the task as it is then (always terminal).
 */
import type { Task } from '../core/task.js';
import { presentFeed } from '../http/dialects/reseller/present.js';
import { presentJobSet } from '../http/dialects/v1/present.js';
import { presentRequest } from '../http/dialects/v2/present.js';

export interface WebhookPayload {
  body: string;
  /** Dialect-specific headers (the signature headers are added by the dispatcher). */
  headers: Record<string, string>;
}

export function renderWebhookPayload(task: Task, fallbackBaseUrl: string): WebhookPayload {
  const base = task.webhook?.baseUrl ?? fallbackBaseUrl;
  switch (task.dialect) {
    case 'reseller':
      return { body: JSON.stringify(presentFeed(task, base)), headers: {} };
    case 'v1':
      return {
        body: JSON.stringify(presentJobSet(task, base)),
        headers: task.webhook?.secret ? { 'X-Webhook-Secret-Key': task.webhook.secret } : {},
      };
    case 'v2':
      return { body: JSON.stringify(presentRequest(task, base)), headers: {} };
  }
}
