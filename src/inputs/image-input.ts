/**
 * Reads a client's image string: an `http(s)` URL, a `data:image/...;base64,` URI, or bare
 * base64. This only classifies and decodes; fetching (safe-fetch.ts) and checking that the
 * bytes are a real image (image-probe.ts) come after.
 */
import { AppError } from '../core/errors.js';

export type ImageInput =
  | { kind: 'url'; url: URL }
  | { kind: 'bytes'; body: Buffer /** The media type a data URI declared; not trusted. */; declaredType?: string };

const EXPECTED = 'expected an http(s) URL, a data:image/...;base64, URI or base64 image data';
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// Standard or URL-safe alphabet, optional padding; whitespace is removed first.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const WHITESPACE = /[\t\n\f\r ]+/g;

/** Classifies and decodes `value`, the request field `field`; throws `invalid_request` naming it. */
export function parseImageInput(value: string, field: string): ImageInput {
  const trimmed = value.trim();
  if (trimmed === '') throw invalid(field, `is empty; ${EXPECTED}`);
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  // Base64 has no ':' in its alphabet, so anything with a scheme is a URI.
  if (scheme === undefined) return { kind: 'bytes', body: decodeBase64(trimmed, field, 'base64 image data') };
  if (scheme === 'http' || scheme === 'https') return { kind: 'url', url: parseHttpUrl(trimmed, field) };
  if (scheme === 'data') return parseDataUri(trimmed, field);
  throw invalid(field, `${scheme}: URLs are not accepted; ${EXPECTED}`);
}

function parseHttpUrl(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'is not a valid URL');
  }
  if (url.hostname === '') throw invalid(field, 'the URL has no host');
  if (url.username !== '' || url.password !== '') throw invalid(field, 'URLs with credentials are not accepted');
  return url;
}

function parseDataUri(value: string, field: string): ImageInput {
  const comma = value.indexOf(',');
  if (comma < 0) throw invalid(field, 'the data URI has no "," before its data');
  // data:[<media type>][;param=value]*[;base64],<data>
  const [mediaType = '', ...params] = value
    .slice('data:'.length, comma)
    .split(';')
    .map((part) => part.trim().toLowerCase());
  if (!/^image\/[a-z0-9.+-]+$/.test(mediaType)) {
    throw invalid(
      field,
      `data URIs must be data:image/...;base64, (got ${mediaType === '' ? 'no media type' : JSON.stringify(mediaType)})`,
    );
  }
  if (params[params.length - 1] !== 'base64')
    throw invalid(field, 'data URIs must be base64-encoded (data:image/...;base64,...)');
  return { kind: 'bytes', body: decodeBase64(value.slice(comma + 1), field, 'the data URI'), declaredType: mediaType };
}

/** Strict decode: Node's own decoder silently skips bad characters, so validate first. */
function decodeBase64(text: string, field: string, what: string): Buffer {
  const compact = text.replace(WHITESPACE, '');
  if (compact === '') throw invalid(field, `${what} is empty`);
  if (!BASE64.test(compact)) {
    throw invalid(field, `${what} is not valid base64; ${EXPECTED}`);
  }
  const padded = compact.endsWith('=');
  if ((padded && compact.length % 4 !== 0) || compact.length % 4 === 1) {
    throw invalid(field, `${what} is not valid base64 (wrong length); ${EXPECTED}`);
  }
  return Buffer.from(compact, 'base64');
}

function invalid(field: string, message: string): AppError {
  return new AppError('invalid_request', `${field}: ${message}`, { field });
}
