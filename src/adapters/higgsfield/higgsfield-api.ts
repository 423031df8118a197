/**
 * HTTP calls to the Higgsfield platform (v2): upload URL + bare PUT, submit, status,
 * cancel. One call is one HTTP request: nothing here retries (the engine decides, per
 * call, what may be sent again — never a submit whose outcome is unknown). Each failure
 * is classified: an answer (status, detail, Retry-After), or no answer, with whether the
 * request can be known not to have been sent.
 */
import {
  authorization,
  cancelPath,
  statusPath,
  UPLOAD_URL_PATH,
  UPSTREAM_STATUSES,
  type RequestObject,
  type SubmitBody,
} from './wire.js';

/** The cloud answered with a non-2xx status. */
export class UpstreamHttpError extends Error {
  override name = 'UpstreamHttpError';
  constructor(
    readonly status: number,
    /** The answer's `detail` (or message), cut short; never contains our credentials. */
    readonly detail: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}${detail ? `: ${detail}` : ''}`);
  }
}

/** No answer: the connection failed or the call timed out. */
export class UpstreamNetworkError extends Error {
  override name = 'UpstreamNetworkError';
  constructor(
    message: string,
    /** True only when the request certainly never reached the cloud (refused, no such host). */
    readonly notSent: boolean,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export interface HiggsfieldApiOptions {
  baseUrl: string;
  keyId: string;
  keySecret: string;
  /** Cap on one call, connect to last byte. */
  timeoutMs: number;
  /** A test seam; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** Connection errors that happen before a byte of the request is sent. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class HiggsfieldApi {
  readonly baseUrl: string;
  readonly #auth: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: HiggsfieldApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#auth = authorization(options.keyId, options.keySecret);
    this.#timeoutMs = options.timeoutMs;
    this.#fetch = options.fetch ?? fetch;
  }

  /** `POST /files/generate-upload-url` → where to PUT the bytes and the URL to use after. */
  async uploadUrl(contentType: string, signal: AbortSignal): Promise<{ uploadUrl: string; publicUrl: string }> {
    const body = await this.#json('POST', UPLOAD_URL_PATH, { content_type: contentType }, signal);
    const uploadUrl = (body as { upload_url?: unknown }).upload_url;
    const publicUrl = (body as { public_url?: unknown }).public_url;
    if (typeof uploadUrl !== 'string' || typeof publicUrl !== 'string') {
      throw new UpstreamHttpError(200, 'upload answer without upload_url/public_url', undefined);
    }
    return { uploadUrl, publicUrl };
  }

  /** The bare PUT both official SDKs make: only `Content-Type`, no credentials. */
  async put(uploadUrl: string, bytes: Buffer, contentType: string, signal: AbortSignal): Promise<void> {
    const response = await this.#send(
      uploadUrl,
      { method: 'PUT', headers: { 'content-type': contentType }, body: bytes },
      signal,
    );
    await this.#check(response);
    await response.arrayBuffer().catch(() => undefined);
  }

  /** Submits a request. Sent once; the caller must never re-send it after a failure it cannot rule out. */
  async submit(path: string, body: SubmitBody, signal: AbortSignal): Promise<RequestObject> {
    return requestObject(await this.#json('POST', path, body, signal));
  }

  async status(requestId: string, signal: AbortSignal): Promise<RequestObject> {
    return requestObject(await this.#json('GET', statusPath(requestId), undefined, signal));
  }

  /** True on 202 (it was still queued there: canceled, refunded); false on 400 (it started). */
  async cancel(requestId: string, signal: AbortSignal): Promise<boolean> {
    const response = await this.#send(
      `${this.baseUrl}${cancelPath(requestId)}`,
      { method: 'POST', headers: this.#headers() },
      signal,
    );
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return true;
    if (response.status === 400) return false;
    await this.#check(response);
    return false;
  }

  #headers(): Record<string, string> {
    return { authorization: this.#auth, accept: 'application/json', 'user-agent': 'stillmotion-relay/0.1' };
  }

  async #json(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const headers = this.#headers();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#send(
      `${this.baseUrl}${path}`,
      { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) },
      signal,
    );
    await this.#check(response);
    try {
      return await response.json();
    } catch {
      throw new UpstreamHttpError(response.status, 'answer is not JSON', undefined);
    }
  }

  async #send(url: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    try {
      return await this.#fetch(url, { ...init, redirect: 'error', signal: AbortSignal.any([signal, timeout]) });
    } catch (error) {
      if (signal.aborted)
        throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
      if (timeout.aborted) throw new UpstreamNetworkError(`no answer within ${this.#timeoutMs} ms`, false, true);
      const code = errorCode(error);
      throw new UpstreamNetworkError(
        `connection failed${code ? ` (${code})` : ''}`,
        code !== undefined && NOT_SENT_CODES.has(code),
        false,
      );
    }
  }

  async #check(response: Response): Promise<void> {
    if (response.ok) return;
    const text = await response.text().catch(() => '');
    throw new UpstreamHttpError(response.status, detailOf(text), retryAfterMs(response.headers.get('retry-after')));
  }
}

function requestObject(body: unknown): RequestObject {
  const object = body as Partial<RequestObject> | null;
  if (
    !object ||
    typeof object.request_id !== 'string' ||
    !(UPSTREAM_STATUSES as readonly string[]).includes(String(object.status))
  ) {
    throw new UpstreamHttpError(200, `unexpected answer: ${JSON.stringify(body).slice(0, 200)}`, undefined);
  }
  return object as RequestObject;
}

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `detail` (a string, or FastAPI's list of `{loc, msg}`), then `message`/`error`, then the text. */
export function detailOf(text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as { detail?: unknown; message?: unknown; error?: unknown };
    const detail = body.detail ?? body.message ?? body.error;
    if (typeof detail === 'string') message = detail;
    else if (Array.isArray(detail)) {
      message = detail
        .map(
          (d: { loc?: unknown[]; msg?: unknown }) =>
            `${Array.isArray(d.loc) ? `${d.loc.join('.')}: ` : ''}${String(d.msg ?? '')}`,
        )
        .join('; ');
    }
  } catch {
    // Not JSON: the text itself.
  }
  return message.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
