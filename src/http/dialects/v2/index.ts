/** Platform v2 (`/higgsfield-ai/dop/*`, `/requests/*`): `{detail}` errors, request-object webhooks. */
import type { Dialect } from '../platform/dialect.js';
import { presentPlatformError } from '../platform/errors.js';
import { presentRequest } from '../platform/present.js';
import { v2Routes, type V2Options } from './routes.js';

export type { V2Options };

export const v2Dialect: Dialect<V2Options> = {
  name: 'v2',
  prefixes: ['/higgsfield-ai/', '/requests/'],
  routes: v2Routes,
  presentError: presentPlatformError,
  // `?hf_webhook=` gets the request object, as GET /requests/{id}/status returns it.
  webhookPayload: (task, base) => ({ body: JSON.stringify(presentRequest(task, base)), headers: {} }),
};
