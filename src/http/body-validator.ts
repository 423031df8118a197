/**
 * Request-body validation shared by every route: the Ajv options (also given to Fastify in
 * build-server.ts), the order in which errors are reported, and the validator for routes
 * whose body shape decides how it is read (v1's wrapped `{params}` body vs the v2 SDK's
 * flat body on the same path). Errors are thrown in Fastify's own shape, so `toAppError`
 * names the field as for any other route.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema, Static } from 'typebox';

/**
 * `allErrors` so that an unknown field is seen even when a required one is missing too
 * (Ajv checks `required` before `additionalProperties` and would stop there); bodies are
 * bounded by BODY_LIMIT, so the full list stays small.
 */
export const AJV_OPTIONS = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: true,
  allErrors: true,
  strict: false,
} as const;

const ajv = new Ajv(AJV_OPTIONS);

/**
 * The error to report, of all Ajv found: an unknown field first — it is most often the
 * misspelling of the field that is then reported missing (`motion_ids` for `motion_id`),
 * so naming it tells the client what to fix — then Ajv's own order.
 */
export function reportedValidationError<E extends { keyword?: string }>(errors: readonly E[]): E | undefined {
  return errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
}

export function compileBody<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return value as Static<T>;
    const errors = validate.errors ?? [];
    const first = reportedValidationError(errors);
    const error = Object.assign(new Error('body validation failed'), {
      validation: first ? [first, ...errors.filter((e) => e !== first)] : [],
      validationContext: 'body',
      statusCode: 400,
    });
    throw error;
  };
}
