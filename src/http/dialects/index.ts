/**
 * The dialects this server speaks, and what the rest of the server asks of them: which
 * error shape a path answers in, and each task's webhook body in the dialect that made it.
 */
import type { AppError } from '../../core/errors.js';
import type { Dialect } from '../../core/task.js';
import { byDialect, type RenderWebhookPayload } from '../../webhooks/webhook-payload.js';
import type { PresentError } from './platform/error-handler.js';
import { presentPlatformError } from './platform/errors.js';
import { UPLOAD_PREFIXES } from './platform/upload-routes.js';
import { presentError as presentResellerEnvelope } from './reseller/present.js';
import { resellerDialect } from './reseller/index.js';
import { v1Dialect } from './v1/index.js';
import { v2Dialect } from './v2/index.js';

export { resellerDialect, v1Dialect, v2Dialect };

/** Each dialect's webhook body, for the webhook dispatcher. */
export const webhookPayload: RenderWebhookPayload = byDialect({
  reseller: resellerDialect.webhookPayload,
  v1: v1Dialect.webhookPayload,
  v2: v2Dialect.webhookPayload,
} satisfies Record<Dialect, RenderWebhookPayload>);

const SHAPES: { prefixes: readonly string[]; present: PresentError }[] = [
  ...[resellerDialect, v1Dialect, v2Dialect].map((d) => ({ prefixes: d.prefixes, present: d.presentError })),
  { prefixes: UPLOAD_PREFIXES, present: presentPlatformError },
];

/**
 * Outside every dialect (ops, media, the playground, /docs) an error carries both
 * shapes' fields: `error` for reseller clients, `detail` (FastAPI's) for the SDKs.
 */
export function presentNeutralError(error: AppError) {
  return {
    status: error.status,
    body: { ...presentResellerEnvelope(error), detail: error.status === 404 ? 'Not Found' : error.message },
  };
}

/** The error shape of the dialect whose prefix `path` has. */
export function errorShapeOf(path: string): PresentError {
  for (const shape of SHAPES) {
    if (shape.prefixes.some((prefix) => path.startsWith(prefix) || path === prefix.slice(0, -1))) return shape.present;
  }
  return presentNeutralError;
}
