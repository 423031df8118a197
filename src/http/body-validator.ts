/**
 * Validation for routes whose body shape decides how it is read (v1's wrapped
 * `{params}` body vs the v2 SDK's flat body on the same path). Errors are thrown in
 * Fastify's own shape, so `toAppError` names the field as for any other route.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { TSchema, Static } from 'typebox';

const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, strict: false });

export function compileBody<T extends TSchema>(schema: T): (value: unknown) => Static<T> {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return value as Static<T>;
    const error = Object.assign(new Error('body validation failed'), {
      validation: validate.errors ?? [],
      validationContext: 'body',
      statusCode: 400,
    });
    throw error;
  };
}
