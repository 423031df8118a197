import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src/core/errors.js';
import { parseImageInput } from '../../src/inputs/image-input.js';

const FIELD = 'image[1]';

function refused(value: string, pattern: RegExp): void {
  assert.throws(
    () => parseImageInput(value, FIELD),
    (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.field, FIELD);
      assert.ok(error.message.startsWith(`${FIELD}: `), error.message);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('parseImageInput', () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 250, 251, 252, 253, 254, 255]);
  const b64 = bytes.toString('base64');

  it('accepts http and https URLs', () => {
    for (const value of [
      'https://cdn.example.com/a.jpg?x=1',
      'http://example.com/b.png',
      '  HTTPS://Example.COM/c  ',
    ]) {
      const input = parseImageInput(value, FIELD);
      assert.equal(input.kind, 'url');
      if (input.kind === 'url') assert.match(input.url.protocol, /^https?:$/);
    }
  });

  it('accepts a data:image URI, keeping the declared type', () => {
    const input = parseImageInput(`data:image/png;base64,${b64}`, FIELD);
    assert.deepEqual(input, { kind: 'bytes', body: bytes, declaredType: 'image/png' });
  });

  it('accepts data URIs with parameters and odd case', () => {
    const input = parseImageInput(`DATA:Image/JPEG;name=a.jpg;BASE64,${b64}`, FIELD);
    assert.equal(input.kind, 'bytes');
    if (input.kind === 'bytes') assert.deepEqual(input.body, bytes);
  });

  it('accepts bare base64, with whitespace and line breaks, padded or not, URL-safe or not', () => {
    const wrapped = b64.replace(/(.{4})/g, '$1\n ').concat('\r\n');
    for (const value of [b64, wrapped, b64.replace(/=+$/, ''), bytes.toString('base64url')]) {
      const input = parseImageInput(value, FIELD);
      assert.equal(input.kind, 'bytes');
      if (input.kind === 'bytes') assert.deepEqual(input.body, bytes);
    }
  });

  it('refuses other schemes by name', () => {
    refused('file:///etc/passwd', /file: URLs are not accepted/);
    refused('ftp://example.com/a.png', /ftp: URLs are not accepted/);
    refused('gopher://example.com:70/_', /gopher: URLs are not accepted/);
    refused('javascript:alert(1)', /javascript: URLs are not accepted/);
  });

  it('refuses data URIs that are not base64 images', () => {
    refused(`data:text/plain;base64,${b64}`, /data:image/);
    refused('data:,hello', /data:image/);
    refused('data:image/svg+xml,<svg/>', /base64-encoded/);
    refused('data:image/png;base64', /no ","/);
    refused('data:image/png;base64,', /empty/);
    refused('data:image/png;base64,@@@@', /not valid base64/);
  });

  it('refuses a string that is neither URL nor base64', () => {
    refused('', /is empty/);
    refused('   \n ', /is empty/);
    refused('not an image at all!', /expected an http\(s\) URL/);
    refused('example.com/a.jpg', /not valid base64/);
    refused('abcde', /wrong length/);
    refused('ab=c', /not valid base64/);
    refused('http://', /not a valid URL/);
  });

  it('refuses URLs with credentials', () => {
    refused('https://user:pass@example.com/a.png', /credentials/);
  });
});
