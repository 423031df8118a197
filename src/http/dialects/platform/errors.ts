/**
 * Error bodies of Higgsfield's platform API (v1 and v2), as the official SDKs read them:
 * `{"detail": "..."}`, or for 422 the FastAPI list `{"detail": [{type, loc, msg}]}` so the
 * SDK's typed errors (BadInputError, ValidationError, AuthenticationError…) fire.
 */
import type { AppError } from '../../../core/errors.js';

/** "params.input_images[0].image_url" → ["body", "params", "input_images", 0, "image_url"] */
export function fieldToLoc(field: string | undefined): (string | number)[] {
  if (!field) return ['body'];
  const loc: (string | number)[] = ['body'];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) loc.push(Number(match[2]));
    else if (match[1] !== undefined && match[1] !== 'body') loc.push(match[1]);
  }
  return loc;
}

export function presentPlatformError(error: AppError) {
  if (error.status === 422 || (error.code === 'invalid_request' && error.field !== undefined)) {
    return {
      status: 422,
      body: { detail: [{ type: error.code, loc: fieldToLoc(error.field), msg: error.message }] },
    };
  }
  return { status: error.status, body: { detail: error.message } };
}
