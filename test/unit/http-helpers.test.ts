import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeValidationError, pointerToField, toAppError } from '../../src/http/fastify-errors.js';
import { parseRange } from '../../src/http/media-routes.js';
import { MotionCatalogue, slugify } from '../../src/catalogue/motion-catalogue.js';
import { loadConfig, ConfigError } from '../../src/config.js';

describe('validation errors name the field', () => {
  it('turns JSON pointers into field paths', () => {
    assert.equal(pointerToField('/image/0'), 'image[0]');
    assert.equal(pointerToField('/params/motions/1/id'), 'params.motions[1].id');
    assert.equal(pointerToField(''), '');
  });
  it('describes required and unknown fields', () => {
    assert.deepEqual(
      describeValidationError({ instancePath: '', keyword: 'required', params: { missingProperty: 'model' } }),
      {
        field: 'model',
        message: 'model: is required',
      },
    );
    assert.equal(
      describeValidationError({
        instancePath: '/params',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'x' },
      }).field,
      'params.x',
    );
  });
  it('unknown errors become a 500 (a bug), never a silent 200', () => {
    assert.equal(toAppError(new TypeError('boom')).status, 500);
  });
  it("recognises Fastify's body errors by code, never by their wording", () => {
    const fastify = (code: string, statusCode: number, message = 'whatever Fastify says') =>
      Object.assign(new Error(message), { code, statusCode });
    assert.equal(toAppError(fastify('FST_ERR_CTP_INVALID_JSON_BODY', 400)).code, 'invalid_json');
    assert.equal(toAppError(fastify('FST_ERR_CTP_EMPTY_JSON_BODY', 400)).code, 'invalid_json');
    assert.equal(toAppError(fastify('FST_ERR_CTP_BODY_TOO_LARGE', 413)).code, 'payload_too_large');
    assert.equal(toAppError(fastify('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).code, 'unsupported_media_type');
    // A message that mentions JSON is not a JSON error: a SyntaxError from our own code is a bug.
    assert.equal(toAppError(new SyntaxError('Unexpected token in JSON at position 3')).status, 500);
    assert.equal(toAppError(fastify('FST_ERR_BAD_URL', 400, 'not JSON at all')).code, 'invalid_request');
  });
});

describe('HTTP Range parsing', () => {
  it('handles start-end, open end, suffix and unsatisfiable ranges', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=50-1000', 100), { start: 50, end: 99 });
    assert.equal(parseRange('bytes=100-', 100), null);
    assert.equal(parseRange('bytes=9-3', 100), null);
    assert.equal(parseRange('bytes=0-1,5-6', 100), undefined, 'multi-range: serve whole');
    assert.equal(parseRange(undefined, 100), undefined);
  });
});

describe('motion catalogue', () => {
  const catalogue = MotionCatalogue.load();
  it('keeps every real id, one record per id', () => {
    assert.equal(catalogue.motions.length, 302);
    assert.equal(new Set(catalogue.motions.map((m) => m.id)).size, 302);
  });
  it('resolves ids, names and slugs case-insensitively', () => {
    assert.equal(catalogue.resolve('06463063-551a-4cbb-abc0-0ff1007784b3')?.name, 'Dolly In');
    assert.equal(catalogue.resolve('06463063-551A-4CBB-ABC0-0FF1007784B3')?.id, '06463063-551a-4cbb-abc0-0ff1007784b3');
    assert.equal(catalogue.resolve('dolly in')?.name, 'Dolly In');
    assert.equal(catalogue.resolve('dolly-in')?.name, 'Dolly In');
    assert.equal(catalogue.resolve('Crane Over The Head + Crash Zoom In')?.slug, 'crane-over-the-head-crash-zoom-in');
    assert.equal(catalogue.resolve('no such move'), undefined);
  });
  it('searches names and lists by priority', () => {
    const hits = catalogue.search('ZOOM', 1000);
    assert.ok(hits.length > 5 && hits.every((m) => m.name.toLowerCase().includes('zoom')));
    const priorities = catalogue.motions.map((m) => m.priority ?? Infinity);
    assert.deepEqual(
      priorities,
      [...priorities].sort((a, b) => a - b),
    );
    assert.equal(catalogue.search(undefined, 3).length, 3);
  });
  it('slugifies names', () => assert.equal(slugify('Tilt up'), 'tilt-up'));
});

describe('configuration', () => {
  it('has defaults that work on a fresh machine', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.resultTtlDays, 7);
    assert.ok(config.workerConcurrency >= 1);
    assert.deepEqual(config.apiKeys, []);
  });
  it('refuses bad values with a message naming the variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }),
      (e: Error) => e instanceof ConfigError && e.message.includes('PORT'),
    );
    assert.throws(() => loadConfig({ API_KEYS: 'nocolon' }), /API_KEYS/);
    assert.throws(() => loadConfig({ ALLOW_PRIVATE_URLS: 'maybe' }), /ALLOW_PRIVATE_URLS/);
    assert.throws(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://x' }), /PUBLIC_BASE_URL/);
  });
  it('parses API_KEYS pairs', () => {
    assert.deepEqual(loadConfig({ API_KEYS: 'a:12345678, b:abcdefgh:ij' }).apiKeys, [
      { id: 'a', secret: '12345678' },
      { id: 'b', secret: 'abcdefgh:ij' },
    ]);
  });
});
