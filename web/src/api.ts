/**
 * The few calls the playground makes, all on the public reseller API of the server that
 * served the page (same origin, so no CORS and no other host is ever contacted).
 */
import type { Feed, GenerateRequest, MotionRecord, TaskPage } from './types.js';

/** An API answer other than 2xx, with the field it names (`seed`, `image[1]`…) if any. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null,
    readonly code: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly key: string) {}

  motions(): Promise<MotionRecord[]> {
    return this.call('GET', '/higgsfield/tpl/motions?size=1000');
  }

  motion(id: string): Promise<MotionRecord> {
    return this.call('GET', `/higgsfield/tpl/motions/${encodeURIComponent(id)}`);
  }

  generate(body: GenerateRequest): Promise<{ id: string }> {
    return this.call('POST', '/higgsfield/generate', body);
  }

  feed(id: string): Promise<Feed> {
    return this.call('GET', `/higgsfield/feed/${encodeURIComponent(id)}`);
  }

  tasks(before?: number): Promise<TaskPage> {
    return this.call('GET', `/higgsfield/tasks?limit=20${before === undefined ? '' : `&before=${before}`}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    } catch {
      throw new ApiError(0, 'The server could not be reached. Is stillmotion running?', null, 'network');
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok) return json as T;
    const error = (json as { error?: { message?: string; param?: string | null; code?: string } } | undefined)?.error;
    throw new ApiError(
      res.status,
      error?.message ?? `The server answered ${res.status} ${res.statusText}`,
      error?.param ?? null,
      error?.code ?? 'http_error',
    );
  }
}
