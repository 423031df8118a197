/**
 * The error catalogue. Errors are values with a stable `code`, an HTTP status and a
 * human message; each dialect renders them in its own shape. A 500 is always a bug,
 * so every expected failure has an entry here.
 */

export interface ErrorSpec {
  status: number;
  /** Whether a worker may retry the task after this error. */
  retryable: boolean;
}

export const ERROR_CATALOGUE = {
  invalid_request: { status: 400, retryable: false },
  invalid_json: { status: 400, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  unauthorized: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  conflict: { status: 409, retryable: false },
  unknown_motion: { status: 400, retryable: false },
  motion_not_renderable: { status: 422, retryable: false },
  image_fetch_failed: { status: 400, retryable: false },
  image_url_blocked: { status: 400, retryable: false },
  image_too_large: { status: 400, retryable: false },
  image_invalid: { status: 400, retryable: false },
  rate_limited: { status: 429, retryable: true },
  service_unavailable: { status: 503, retryable: true },
  render_failed: { status: 500, retryable: true },
  render_timeout: { status: 500, retryable: true },
  canceled: { status: 409, retryable: false },
  attempts_exhausted: { status: 500, retryable: false },
  internal: { status: 500, retryable: true },
  // A relayed task's upstream (the Higgsfield cloud) and what it answered.
  /** The upstream refused this server's credentials (401): the operator must fix them. */
  upstream_unauthorized: { status: 502, retryable: false },
  /** The upstream account has not enough credits (403). */
  upstream_credits: { status: 402, retryable: false },
  /** The upstream rejected the request's input (400/422). */
  upstream_rejected: { status: 422, retryable: false },
  /** The model is blocked (423) or disabled (503) upstream: known not accepted, retried later. */
  upstream_unavailable: { status: 503, retryable: true },
  /** The upstream rendered and failed (`failed`, with its message). */
  upstream_failed: { status: 502, retryable: false },
  /** A submit's outcome is unknown (no answer, or a 5xx): not re-sent, to never buy twice. */
  upstream_uncertain: { status: 502, retryable: false },
  /** The upstream answered something this server cannot use (lost request, bad result). */
  upstream_error: { status: 502, retryable: false },
  /** The content was flagged (`nsfw`): the task ends in the `nsfw` state. */
  content_nsfw: { status: 422, retryable: false },
  /** The request was canceled upstream (not by this server). */
  upstream_canceled: { status: 409, retryable: false },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface AppErrorOptions {
  /** The request field the error is about, as a path: `image[0]`, `params.motions[1].id`. */
  field?: string;
  cause?: unknown;
  /** Overrides the catalogue status (rarely needed). */
  status?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_CATALOGUE[code].status;
    this.field = options.field;
    this.retryable = ERROR_CATALOGUE[code].retryable;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Shorthand for the most common error: bad input, naming the field. */
export function invalid(field: string, message: string): AppError {
  return new AppError('invalid_request', `${field}: ${message}`, { field });
}
