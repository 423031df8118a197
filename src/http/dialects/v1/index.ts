/** Platform v1 (`/v1/*`, job-sets): `{detail}` errors, JobSet webhooks with the caller's secret. */
import type { Dialect } from '../platform/dialect.js';
import { presentPlatformError } from '../platform/errors.js';
import { presentJobSet } from './present.js';
import { v1Routes, type V1Options } from './routes.js';

export type { V1Options };

export const v1Dialect: Dialect<V1Options> = {
  name: 'v1',
  prefixes: ['/v1/'],
  routes: v1Routes,
  presentError: presentPlatformError,
  // `webhook: {url, secret}` gets the JobSet, with the secret echoed as the SDK expects.
  webhookPayload: (task, base) => {
    const headers: Record<string, string> = task.webhook?.secret ? { 'X-Webhook-Secret-Key': task.webhook.secret } : {};
    return { body: JSON.stringify(presentJobSet(task, base)), headers };
  },
};
