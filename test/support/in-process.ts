/**
 * Builds the real app in this process on a temp data dir and listens on a free loopback
 * port, so tests use it over real HTTP without a child process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

export const KEY_A = 'key-a:secret-aaaaaaaaaaaaaaaa';
export const KEY_B = 'key-b:secret-bbbbbbbbbbbbbbbb';

export interface TestServer {
  app: App;
  /** Empty when started with `listen: false`. */
  baseUrl: string;
  dataDir: string;
  /** POST JSON through Fastify's inject(): the whole HTTP stack but no socket. */
  post(path: string, body: unknown, headers: Record<string, string>): Promise<InjectedResponse>;
  /** GET through Fastify's inject(). */
  get(path: string, headers: Record<string, string>): Promise<InjectedResponse>;
  close(): Promise<void>;
}

export interface InjectedResponse {
  status: number;
  /** Parsed when it is JSON, else the text. */
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface TestServerOptions {
  /** Passed to buildApp (an engine wrapper, webhook timings). */
  app?: Omit<Parameters<typeof buildApp>[1], 'logger'>;
  /** Reuse a data dir (a restart); it is then left in place by `close`. */
  dataDir?: string;
  /**
   * Listen on a loopback port (default). Tests of HTTP behaviour that needs no socket pass
   * false and use `post`/`get` (inject); Range, streaming, the SDK and crashes need one.
   */
  listen?: boolean;
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stillmotion-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_KEYS: `${KEY_A},${KEY_B}`,
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildApp(config, { ...options.app, logger: pino({ level: 'silent' }) });
  let baseUrl = '';
  if (options.listen !== false) {
    await app.server.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await app.server.ready();
  }
  app.start();
  const inject = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) => {
    const res = await app.server.inject({
      method,
      url,
      headers,
      ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    let parsed: any;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = res.body;
    }
    return { status: res.statusCode, body: parsed, headers: res.headers };
  };
  return {
    app,
    baseUrl,
    dataDir,
    post: (path, body, headers) => inject('POST', path, headers, body),
    get: (path, headers) => inject('GET', path, headers),
    async close() {
      await app.close(5000);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

/** The status, headers and body (parsed when it is JSON) of a response. */
async function readResponse(res: Response) {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/** POST JSON (a string body is sent as is) and return status + parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string>) {
  return readResponse(
    await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}

export async function getJson(url: string, headers: Record<string, string>) {
  return readResponse(await fetch(url, { headers }));
}

/**
 * Polls the reseller feed until the task is terminal: over a socket for a base URL, through
 * inject() for an in-process server. Each poll is a cheap read, so it polls often: a wait
 * ends within a few ms of the task finishing instead of up to a poll interval later.
 */
export async function waitForTask(
  target: string | TestServer,
  id: string,
  key: string,
  timeoutMs = 120_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  const path = `/higgsfield/feed/${id}`;
  for (;;) {
    const { status, body } =
      typeof target === 'string' ? await getJson(`${target}${path}`, bearer(key)) : await target.get(path, bearer(key));
    if (status !== 200) throw new Error(`feed answered ${status}: ${JSON.stringify(body)}`);
    if (['completed', 'failed', 'nsfw', 'canceled'].includes(body.jobs[0].status)) return body;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${body.jobs[0].status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
