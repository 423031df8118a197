/**
 * Turns whatever a route threw (our AppError, Fastify's validation and body-parser
 * errors, anything else) into an AppError, so every dialect renders one kind of value.
 * Anything unrecognised becomes `internal` (500) — and is therefore a bug to fix.
 */
import { AppError, isAppError } from '../core/errors.js';
import { reportedValidationError } from './body-validator.js';

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface FastifyLikeError extends Error {
  code?: string;
  statusCode?: number;
  validation?: AjvError[];
  validationContext?: string;
}

/** "/image/0" → "image[0]"; "/params/motions/1/id" → "params.motions[1].id" */
export function pointerToField(pointer: string): string {
  let field = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(part) ? `[${part}]` : field === '' ? part : `.${part}`;
  }
  return field;
}

function join(base: string, child: string): string {
  return base === '' ? child : `${base}.${child}`;
}

/** One readable sentence for the first schema error, naming the field. */
export function describeValidationError(error: AjvError, context = 'body'): { field: string; message: string } {
  const base = pointerToField(error.instancePath ?? '');
  const params = error.params ?? {};
  switch (error.keyword) {
    case 'required': {
      const field = join(base, String(params.missingProperty));
      return { field, message: `${field}: is required` };
    }
    case 'additionalProperties': {
      const field = join(base, String(params.additionalProperty));
      return { field, message: `${field}: is not a known field` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ');
      const field = base || context;
      return { field, message: `${field}: must be one of ${allowed}` };
    }
    default: {
      const field = base || context;
      return { field, message: `${field}: ${error.message ?? 'is invalid'}` };
    }
  }
}

const NOT_JSON = () => new AppError('invalid_json', 'body: is not valid JSON', { field: 'body' });

/** Fastify's body-reading errors, by their code (the message is Fastify's wording, not an API). */
const BY_CODE: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError('payload_too_large', 'request body is too large', { field: 'body' }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new AppError('unsupported_media_type', 'request body must be application/json', { field: 'body' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new AppError('invalid_json', 'body: must not be empty when Content-Type is application/json', { field: 'body' }),
  FST_ERR_CTP_INVALID_JSON_BODY: NOT_JSON,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: NOT_JSON,
};

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as FastifyLikeError;
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const first = reportedValidationError(e.validation)!;
    const { field, message } = describeValidationError(first, e.validationContext);
    return new AppError('invalid_request', message, { field });
  }
  const known = typeof e.code === 'string' ? BY_CODE[e.code] : undefined;
  if (known) return known();
  // Any other client error Fastify raised (a bad URL, an aborted body): its status, its words.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return new AppError('payload_too_large', 'request body is too large', { field: 'body' });
    if (e.statusCode === 415) return new AppError('unsupported_media_type', e.message, { field: 'body' });
    return new AppError('invalid_request', e.message, { status: e.statusCode });
  }
  return new AppError('internal', 'internal error', { cause: err });
}
