/** Which validation error a client is told about when its body has several. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { compileBody } from '../../src/http/body-validator.js';
import { toAppError } from '../../src/http/fastify-errors.js';

const Body = Type.Object(
  {
    params: Type.Object(
      { model: Type.String(), motion_id: Type.String(), seed: Type.Optional(Type.Integer()) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
const validate = compileBody(Body);

function reported(value: unknown) {
  try {
    validate(value);
  } catch (error) {
    return toAppError(error);
  }
  assert.fail('the body was accepted');
}

describe('body validation errors', () => {
  it('names an unknown field before the required one it left missing (the typo)', () => {
    const error = reported({ params: { model: 'lite', motion_ids: 'Zoom In' } });
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.field, 'params.motion_ids');
    assert.match(error.message, /motion_ids/);
  });

  it('still names a missing field when nothing is unknown', () => {
    assert.equal(reported({ params: { model: 'lite' } }).field, 'params.motion_id');
  });

  it('keeps the schema order among other errors', () => {
    assert.equal(reported({ params: { model: 3, motion_id: 'Zoom In', seed: 'x' } }).field, 'params.model');
  });
});
