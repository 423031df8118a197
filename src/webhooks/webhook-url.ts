/**
 * The submit-time check of a client's webhook URL: the same rules as image URLs, applied
 * before anything is stored. Names are resolved (and re-checked) only when we connect
 * (see webhook-sender.ts), since DNS answers may change between now and then.
 */
import { isIP } from 'node:net';
import { AppError } from '../core/errors.js';
import { isBlockedAddress } from '../inputs/address-policy.js';

/** Throws a 400 naming `field` unless `raw` is an http(s) URL we may POST to. */
export function checkWebhookUrl(raw: string, field: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('invalid_request', `${field}: not a valid URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError(
      'invalid_request',
      `${field}: only http and https webhook URLs are allowed, not ${url.protocol}`,
      { field },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new AppError('invalid_request', `${field}: webhook URLs with credentials are not allowed`, { field });
  }
  if (allowPrivate) return url;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0 && isBlockedAddress(host)) {
    throw new AppError('invalid_request', `${field}: the webhook URL points to a non-public address (${host})`, {
      field,
    });
  }
  const name = host.replace(/\.$/, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) {
    throw new AppError('invalid_request', `${field}: the webhook URL points to a non-public host (${name})`, { field });
  }
  return url;
}
