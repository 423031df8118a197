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
  baseUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Passed to buildApp (an engine wrapper, webhook timings). */
  app?: Omit<Parameters<typeof buildApp>[1], 'logger'>;
  /** Reuse a data dir (a restart); it is then left in place by `close`. */
  dataDir?: string;
}

export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stillmotion-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_KEYS: `${KEY_A},${KEY_B}`,
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildApp(config, { ...options.app, logger: pino({ level: 'silent' }) });
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  app.start();
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
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
  return readResponse(await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

export async function getJson(url: string, headers: Record<string, string>) {
  return readResponse(await fetch(url, { headers }));
}

/** Polls the reseller feed until the task is terminal. */
export async function waitForTask(baseUrl: string, id: string, key: string, timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getJson(`${baseUrl}/higgsfield/feed/${id}`, bearer(key));
    if (status !== 200) throw new Error(`feed answered ${status}: ${JSON.stringify(body)}`);
    if (['completed', 'failed', 'nsfw', 'canceled'].includes(body.jobs[0].status)) return body;
    if (Date.now() > deadline) throw new Error(`task ${id} still ${body.jobs[0].status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
