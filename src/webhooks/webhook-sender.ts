/**
 * Sends one webhook attempt: a POST through the SSRF guard, no redirects, bounded time.
 *
 * - The URL is re-checked (scheme, literal address, localhost names) on every attempt.
 * - Host names are resolved once at connect time and the socket goes to a checked
 *   address (the guarded undici connector the image fetcher uses), so a receiver's DNS
 *   cannot point us at the internal network after the submit-time check passed.
 * - A 3xx is a failed attempt: following it would let any receiver bounce our signed
 *   POST to another host; the receiver has to give us its final URL.
 * - One timeout covers connect, headers and body; only a 2xx counts as delivered.
 */
import { Agent, request } from 'undici';
import { isAppError } from '../core/errors.js';
import { isBlockedAddress } from '../inputs/address-policy.js';
import {
  buildGuardedConnector,
  defaultConnector,
  systemLookup,
  type Connector,
  type HostLookup,
} from '../inputs/guarded-connector.js';
import { checkWebhookUrl } from './webhook-url.js';

export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why the attempt failed (for logs and the outbox's lastError). */
  error?: string;
}

export type SendWebhook = (url: string, body: string, headers: Record<string, string>) => Promise<SendResult>;

export interface WebhookSenderOptions {
  /** ALLOW_PRIVATE_URLS: lifts the address block (loopback receivers in tests). */
  allowPrivate: boolean;
  /** Whole-attempt cap; receivers are asked to answer within 10 s. */
  timeoutMs?: number;
  /** Test seams, as in createSafeFetcher. */
  lookup?: HostLookup;
  connect?: Connector;
}

export interface WebhookSender {
  send: SendWebhook;
  close(): Promise<void>;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    connect: buildGuardedConnector({
      check: (address) =>
        options.allowPrivate || !isBlockedAddress(address)
          ? undefined
          : Object.assign(new Error(`the webhook URL resolves to a non-public address (${address})`), {
              code: 'EBLOCKED',
            }),
      lookup: options.lookup ?? systemLookup,
      connect: options.connect ?? defaultConnector(timeoutMs),
    }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // Receivers are many and mostly idle between deliveries: keep few sockets around.
    keepAliveTimeout: 4000,
  });

  const send: SendWebhook = async (url, body, headers) => {
    try {
      checkWebhookUrl(url, 'url', options.allowPrivate);
    } catch (error) {
      return { ok: false, error: isAppError(error) ? error.message : String(error) };
    }
    try {
      const response = await request(url, {
        dispatcher: agent,
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump({ limit: MAX_RESPONSE_BYTES }).catch(() => undefined);
      const status = response.statusCode;
      if (status >= 200 && status <= 299) return { ok: true, status };
      if (status >= 300 && status <= 399) {
        const location = response.headers.location;
        return {
          ok: false,
          status,
          error: `HTTP ${status}: redirects are not followed${location ? ` (to ${String(location).slice(0, 200)})` : ''}`,
        };
      }
      return { ok: false, status, error: `HTTP ${status}` };
    } catch (error) {
      return { ok: false, error: describe(error, timeoutMs) };
    }
  };

  return { send, close: () => agent.close() };
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (
    e.name === 'TimeoutError' ||
    e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e.code === 'UND_ERR_BODY_TIMEOUT' ||
    e.code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return `no answer within ${timeoutMs} ms`;
  }
  const code = e.code ?? e.cause?.code;
  if (code === 'EBLOCKED') return e.message ?? 'blocked address';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the webhook host could not be resolved';
  return `the webhook URL could not be reached${code ? ` (${code})` : ''}`;
}
