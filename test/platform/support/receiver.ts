/**
 * A loopback webhook receiver: listens on 127.0.0.1 only, records every request, and
 * answers each path with the statuses a test scripted for it (the last one repeats;
 * 200 where nothing was scripted).
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: ReceivedRequest[];
  /** Statuses for the next requests to `path` (query ignored); the last one repeats. A 3xx redirects to `/elsewhere`. */
  answer(path: string, statuses: number[]): void;
  /** Resolves once `count` requests arrived at paths starting with `prefix` (default `/hook`). */
  waitFor(count: number, options?: { prefix?: string; timeoutMs?: number }): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const scripts = new Map<string, number[]>();
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const script = scripts.get(path.split('?')[0]!) ?? [200];
      const status = script.length > 1 ? script.shift()! : script[0]!;
      if (status >= 300 && status < 400) res.writeHead(status, { location: '/elsewhere' });
      else res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'no');
      for (const wake of waiters) wake();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    answer(path, statuses) {
      scripts.set(path, [...statuses]);
    },
    waitFor(count, { prefix = '/hook', timeoutMs = 60_000 } = {}) {
      const matching = () => requests.filter((r) => r.path.startsWith(prefix));
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length < count) return;
          cleanup();
          resolve(matching());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`receiver got ${matching().length} of ${count} requests to ${prefix}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
