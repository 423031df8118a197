/**
 * Server-side fetch of a client-supplied image URL, treating the URL as hostile.
 *
 * - Only `http:` and `https:`, on every hop.
 * - The host is checked before any connection: IP literals (which WHATWG `URL` has already
 *   normalised from disguises such as `127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`)
 *   against the address policy, `localhost` names by name; host names are resolved once at
 *   connect time and the socket goes to the checked address (see guarded-connector.ts).
 * - Redirects are followed by hand, at most `maxRedirects`, each hop re-checked.
 * - The body is streamed under a hard byte cap; the whole chain runs under one timeout.
 *
 * Node's global `fetch` is not used: it has no connect-time address hook, and agent-based
 * filters for `http.Agent` do not apply to it. Every failure is an `AppError` whose message
 * names the request field and never carries a stack trace or a raw library message.
 */
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { AppError, isAppError } from '../core/errors.js';
import { isBlockedAddress } from './address-policy.js';
import { formatBytes } from './format-bytes.js';
import {
  buildGuardedConnector,
  defaultConnector,
  systemLookup,
  type Connector,
  type HostLookup,
} from './guarded-connector.js';

export interface SafeFetcherOptions {
  /** Lift the private/loopback address block (ALLOW_PRIVATE_URLS). Schemes, caps and timeouts stay. */
  allowPrivate: boolean;
  /** Wall-clock cap on the whole fetch: every hop, connect, headers and body. */
  timeoutMs: number;
  /** Largest body accepted, bytes. */
  maxBytes: number;
  /** Redirects followed before giving up. Default 3. */
  maxRedirects?: number;
  /** Host name resolver; defaults to the system resolver. A test seam. */
  lookup?: HostLookup;
  /**
   * Replaces the address policy (and `allowPrivate`) when given: returns whether a socket
   * may go to `address:port`. A test seam, e.g. to allow exactly one loopback listener.
   */
  isAllowedAddress?: (address: string, port: number) => boolean;
  /**
   * Opens a socket to an address that already passed the check (undici connector shape).
   * A test seam: a spy here proves that a refused URL never reached a socket.
   */
  connect?: Connector;
}

export interface FetchedBytes {
  body: Buffer;
  /** The response's Content-Type header, if any (not trusted: the probe decides the format). */
  contentType: string | undefined;
  /** The URL the bytes came from, after redirects. */
  finalUrl: string;
}

/** Fetches `url` for the request field `field` (e.g. `image[0]`), or throws an `AppError`. */
export type FetchBytes = (url: string | URL, field: string) => Promise<FetchedBytes>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HEADERS = {
  accept: 'image/*;q=1, */*;q=0.1',
  // Compressed transfer would let a small response inflate past the cap, and undici's
  // `request` does not decode it anyway.
  'accept-encoding': 'identity',
  'user-agent': 'stillmotion-image-fetch/0.1',
};

/** Builds the guarded fetcher; see the module comment for what it guarantees. */
export function createSafeFetcher(options: SafeFetcherOptions): FetchBytes {
  const settings: Settings = {
    ...options,
    maxRedirects: options.maxRedirects ?? 3,
    lookup: options.lookup ?? systemLookup,
  };
  return (url, field) => fetchChain(settings, url, field);
}

interface Settings extends SafeFetcherOptions {
  maxRedirects: number;
  lookup: HostLookup;
}

async function fetchChain(settings: Settings, input: string | URL, field: string): Promise<FetchedBytes> {
  const isAllowed =
    settings.isAllowedAddress ?? ((address: string) => settings.allowPrivate || !isBlockedAddress(address));
  // The first refusal is remembered here, whatever undici wraps it in on the way out.
  let refusal: AppError | undefined;
  const check = (address: string, port: number): AppError | undefined => {
    if (isAllowed(address, port)) return undefined;
    refusal ??= blocked(field, `the image URL points to a non-public address (${address})`);
    return refusal;
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  const agent = new Agent({
    connect: buildGuardedConnector({
      check,
      lookup: settings.lookup,
      connect: settings.connect ?? defaultConnector(settings.timeoutMs),
    }),
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
  try {
    let url = httpUrl(input, field);
    for (let redirects = 0; ; redirects += 1) {
      const early = checkHost(url, settings, check, field);
      if (early !== undefined) throw early;
      const response = await request(url, {
        dispatcher: agent,
        method: 'GET',
        headers: HEADERS,
        signal: controller.signal,
      });
      const { statusCode, headers } = response;
      if (REDIRECTS.has(statusCode)) {
        discard(response);
        const location = headerValue(headers.location);
        if (location === undefined)
          throw fetchFailed(field, `the image URL answered HTTP ${statusCode} without a Location`);
        if (redirects >= settings.maxRedirects) {
          throw fetchFailed(field, `the image URL redirected more than ${settings.maxRedirects} times`);
        }
        url = httpUrl(resolveLocation(location, url, field), field);
        continue;
      }
      if (statusCode < 200 || statusCode > 299) {
        discard(response);
        throw fetchFailed(field, `the image URL answered HTTP ${statusCode}`);
      }
      const body = await readCapped(response, settings.maxBytes, field);
      return { body, contentType: headerValue(headers['content-type']), finalUrl: url.href };
    }
  } catch (error) {
    throw toAppError(error, { refusal, timedOut: controller.signal.aborted, settings, field });
  } finally {
    clearTimeout(timer);
    agent.destroy().catch(() => undefined);
  }
}

/** Parses and admits only http(s) URLs without credentials. */
function httpUrl(input: string | URL, field: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AppError('invalid_request', `${field}: not a valid URL`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw blocked(field, `only http and https image URLs are fetched, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw blocked(field, 'image URLs with credentials are not fetched');
  }
  return url;
}

function resolveLocation(location: string, base: URL, field: string): URL {
  try {
    return new URL(location, base);
  } catch {
    throw fetchFailed(field, 'the image URL redirected to an invalid location');
  }
}

/** The pre-connection check on the URL's host: literal addresses and `localhost` names. */
function checkHost(url: URL, settings: Settings, check: (a: string, p: number) => AppError | undefined, field: string) {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (isIP(host) !== 0) return check(host, port);
  const name = host.replace(/\.$/, '').toLowerCase();
  // RFC 6761: localhost names are loopback whatever DNS says; refuse without asking.
  const defaultPolicy = settings.isAllowedAddress === undefined && !settings.allowPrivate;
  if (defaultPolicy && (name === 'localhost' || name.endsWith('.localhost'))) {
    return blocked(field, `the image URL points to a non-public host (${name})`);
  }
  return undefined;
}

async function readCapped(
  response: Awaited<ReturnType<typeof request>>,
  maxBytes: number,
  field: string,
): Promise<Buffer> {
  const declared = Number(headerValue(response.headers['content-length']));
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(response);
    throw tooLarge(field, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      discard(response);
      throw tooLarge(field, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Drops a response body we will not read; its abort error is expected, not a failure. */
function discard(response: Awaited<ReturnType<typeof request>>): void {
  response.body.on('error', () => undefined);
  response.body.destroy();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

interface FailureContext {
  refusal: AppError | undefined;
  timedOut: boolean;
  settings: Settings;
  field: string;
}

/** Maps whatever went wrong to a catalogue error; raw library messages stay in `cause`. */
function toAppError(error: unknown, { refusal, timedOut, settings, field }: FailureContext): AppError {
  if (isAppError(error)) return error;
  if (refusal !== undefined) return refusal;
  if (timedOut) return fetchFailed(field, `fetching the image URL took longer than ${settings.timeoutMs} ms`, error);
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return fetchFailed(field, 'the image URL host could not be resolved', error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return fetchFailed(field, `fetching the image URL took longer than ${settings.timeoutMs} ms`, error);
  }
  const detail = typeof code === 'string' && /^[A-Z0-9_]+$/.test(code) ? ` (${code})` : '';
  return fetchFailed(field, `the image URL could not be fetched${detail}`, error);
}

function blocked(field: string, message: string): AppError {
  return new AppError('image_url_blocked', `${field}: ${message}`, { field });
}

function fetchFailed(field: string, message: string, cause?: unknown): AppError {
  return new AppError('image_fetch_failed', `${field}: ${message}`, { field, cause });
}

function tooLarge(field: string, maxBytes: number): AppError {
  return new AppError('image_too_large', `${field}: the image is larger than the ${formatBytes(maxBytes)} limit`, {
    field,
  });
}
