/**
 * Validation of media-store keys, shared by every media adapter so they refuse the same keys.
 */
import { AppError } from '../../core/errors.js';

/**
 * One path segment: starts with a letter, digit, `_` or `-` (never a dot, so `.` and `..`
 * are impossible and dot-files stay free for an adapter's own bookkeeping), then those
 * characters and dots.
 */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 512;

/**
 * Checks a key (`<token>/raw.mp4`) or a prefix (`<token>`, `<token>/`) and returns its
 * segments. An allow-list rather than a deny-list: absolute paths, `..`, backslashes, NUL,
 * empty segments, percent-escapes and whitespace are all refused because they are not
 * on it, whatever the operating system makes of them.
 *
 * @throws AppError `invalid_request` (field `key`) for anything else.
 */
export function parseMediaKey(key: string, options: { prefix?: boolean } = {}): string[] {
  const trimmed = options.prefix && key.endsWith('/') ? key.slice(0, -1) : key;
  const segments = trimmed.split('/');
  const ok =
    typeof key === 'string' &&
    key.length > 0 &&
    key.length <= MAX_KEY_LENGTH &&
    !key.includes('..') &&
    segments.every((segment) => SEGMENT.test(segment));
  if (!ok)
    throw new AppError('invalid_request', `key: not a valid media key: ${JSON.stringify(key)}`, { field: 'key' });
  return segments;
}
