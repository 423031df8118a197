/**
 * API benchmark (issue 15). Run: npm run bench:api [-- --seconds N] [-- --rounds N]
 *
 * The service as `npm start` runs it (bin/stillmotion.mjs serve, from dist/; WORKERS=0 so no
 * render competes with the HTTP thread for the two cores) and a bare Fastify in the same run,
 * each in its own process on 127.0.0.1, loaded by autocannon from this one:
 *   1. GET /higgsfield/feed/{id} with 50 connections vs bare Fastify's GET / hello-world:
 *      requests per second and the ratio, server CPU per request, log bytes per request;
 *   2. POST /higgsfield/generate with a ~1 KB JPEG (data URI) at an even 200 req/s vs bare
 *      Fastify echoing an id at the same rate: p50/p99 latency; afterwards every id answered
 *      with 200 is read back through GET /higgsfield/feed/{id}.
 * Bounded: each load lasts --seconds (default 5). `--bin` runs another launcher (e.g. an
 * older build's bin/stillmotion.mjs, for a before/after); `--only feed|submit` runs one load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { checkDist } from '../bin/dist-stamp.mjs';
import { loadAverage } from './bench-kit.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Math.max(1, Number(arg('--seconds') ?? 5));
const ROUNDS = Math.max(1, Number(arg('--rounds') ?? 1));
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = arg('--bin') ? resolve(arg('--bin')!) : join(root, 'bin/stillmotion.mjs');
const dist = arg('--bin') ? { ok: true as const } : checkDist(root);
if (!dist.ok) {
  console.error(`bench:api: ${dist.reason}; run \`npm run build\` first`);
  process.exit(1);
}

const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });

async function waitFor(url: string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not come up`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** CPU seconds (user + system) so far of a process (all its threads) or of one thread. */
const cpuOf = (pid: number, tid?: number): number => {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const f = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const BASELINE = `
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
app.post('/echo', async (request) => ({ id: randomUUID(), n: Object.keys(request.body ?? {}).length }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
// An orderly exit on SIGINT, so that --cpu-prof writes its profile.
process.once('SIGINT', () => app.close().then(() => process.exit(0)));
`;

const dataDir = mkdtempSync(join(tmpdir(), 'sm-api-bench-'));
const logPath = join(dataDir, 'server.log');
const KEY = 'bench-key:bench-secret-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const children: ChildProcess[] = [];
const start = async (
  args: string[],
  env: Record<string, string>,
  out?: string,
): Promise<{ url: string; pid: number }> => {
  const port = await freePort();
  const { openSync } = await import('node:fs');
  const fd = out ? openSync(out, 'a') : 'ignore';
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/`);
  return { url, pid: child.pid! };
};
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
};
process.on('exit', stopAll);

try {
  // --profile: the service writes a CPU profile (node --cpu-prof) into bench/out/api-prof/,
  // bare Fastify one into bench/out/api-prof/bare/, to set side by side (read them with
  // bench/cpu-profile-summary.ts; the bench prints each load's request count for it).
  const profiling = process.argv.includes('--profile');
  const prof = (dir: string) => (profiling ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench/out', dir)}`] : []);
  const app = await start(
    [...prof('api-prof'), BIN, 'serve'],
    { DATA_DIR: dataDir, HOST: '127.0.0.1', API_KEYS: KEY, WORKERS: '0' },
    logPath,
  );
  const bare = await start([...prof('api-prof/bare'), '--input-type=module', '-e', BASELINE], {});

  // A ~1 KB JPEG: noise compresses badly, so a small square lands near 1 KB.
  const w = 96;
  const px = Buffer.alloc(w * w * 3);
  let s = 7;
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    px[i] = 80 + ((s >>> 24) % 48);
  }
  const jpeg = await sharp(px, { raw: { width: w, height: w, channels: 3 } })
    .jpeg({ quality: 40 })
    .toBuffer();
  const body = JSON.stringify({
    image: [`data:image/jpeg;base64,${jpeg.toString('base64')}`],
    motion_id: 'Zoom In',
    model: 'lite',
    prompt: '',
  });
  const one = await fetch(`${app.url}/higgsfield/generate`, { method: 'POST', headers: auth, body });
  if (one.status !== 200) throw new Error(`a submit answered ${one.status}: ${await one.text()}`);
  const feedId = ((await one.json()) as { id: string }).id;

  const load = (o: autocannon.Options) => autocannon({ duration: SECONDS, ...o });
  // Server CPU per request: the whole process (GC helpers, libuv's pool, libvips' threads
  // included) and its main thread alone, the one that serves every request.
  const measure = async (pid: number, o: autocannon.Options) => {
    const cpu = cpuOf(pid);
    const main = cpuOf(pid, pid);
    const log = statSync(logPath).size;
    const r = await load(o);
    const n = Math.max(1, r.requests.total);
    return {
      r,
      cpuPerReq: (cpuOf(pid) - cpu) / n,
      mainPerReq: (cpuOf(pid, pid) - main) / n,
      logPerReq: (statSync(logPath).size - log) / n,
    };
  };

  console.log(`bench:api — ${BIN}; ${SECONDS} s per load, ${ROUNDS} round(s), load average ${loadAverage()}`);
  // --only feed|submit: one of the two (e.g. to profile it alone).
  const only = arg('--only');
  const feedRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let i = 0; i < (only === 'submit' ? 0 : ROUNDS); i++) {
    const b = await measure(bare.pid, { url: `${bare.url}/`, connections: 50 });
    const a = await measure(app.pid, { url: `${app.url}/higgsfield/feed/${feedId}`, connections: 50, headers: auth });
    const non2xx = a.r.non2xx + a.r.errors;
    feedRatios.push(a.r.requests.average / b.r.requests.average);
    cpuRatios.push(b.cpuPerReq / a.cpuPerReq);
    console.log(
      `  feed GET       ${a.r.requests.average.toFixed(0).padStart(6)} req/s, ${(a.cpuPerReq * 1e6).toFixed(0)} µs server CPU/req (main thread ${(a.mainPerReq * 1e6).toFixed(0)}), ${a.logPerReq.toFixed(0)} B log/req${non2xx ? `, ${non2xx} non-2xx/errors` : ''}`,
    );
    console.log(
      `  bare Fastify   ${b.r.requests.average.toFixed(0).padStart(6)} req/s, ${(b.cpuPerReq * 1e6).toFixed(0)} µs server CPU/req (main thread ${(b.mainPerReq * 1e6).toFixed(0)})`,
    );
    if (profiling) console.log(`  (requests: feed ${a.r.requests.total}, bare Fastify ${b.r.requests.total})`);
  }
  const mid = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  if (only !== 'submit') console.log(`  feed / bare Fastify: ${mid(feedRatios).toFixed(2)}× req/s   (target ≥ 0.5×)`);
  // On a loaded machine req/s follows the neighbours; CPU per request follows the code.
  if (only !== 'submit')
    console.log(
      `  bare Fastify CPU/req ÷ feed CPU/req: ${mid(cpuRatios).toFixed(2)}× (the req/s ratio an idle machine would give)`,
    );

  if (only !== 'feed') {
    const ids: string[] = [];
    let refused = 0;
    const submit = await measure(app.pid, {
      url: app.url,
      connections: 20,
      overallRate: 200,
      requests: [
        {
          method: 'POST',
          path: '/higgsfield/generate',
          headers: auth,
          body,
          onResponse: (status: number, resBody: string) => {
            if (status === 200) ids.push((JSON.parse(resBody) as { id: string }).id);
            else refused++;
          },
        },
      ],
    });
    const echo = await measure(bare.pid, {
      url: `${bare.url}/echo`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: 20,
      overallRate: 200,
    });
    let readable = 0;
    for (let i = 0; i < ids.length; i += 20) {
      const batch = await Promise.all(
        ids.slice(i, i + 20).map((id) => fetch(`${app.url}/higgsfield/feed/${id}`, { headers: auth })),
      );
      readable += batch.filter((r) => r.status === 200).length;
    }
    const lat = (r: autocannon.Result) => `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms (max ${r.latency.max})`;
    console.log(
      `  submit POST at 200 req/s, ${jpeg.length} B JPEG: ${lat(submit.r)}, ${(submit.cpuPerReq * 1e3).toFixed(2)} ms server CPU/req (main thread ${(submit.mainPerReq * 1e3).toFixed(2)})`,
    );
    console.log(
      `  bare Fastify echo at 200 req/s:       ${lat(echo.r)}, ${(echo.cpuPerReq * 1e3).toFixed(2)} ms server CPU/req`,
    );
    console.log(
      `  submits answered 200: ${ids.length}, refused ${refused}, errors ${submit.r.errors}; read back afterwards: ${readable}/${ids.length}   (target p99 < 10 ms, all read back)`,
    );
  }
} finally {
  for (const c of children) {
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGINT');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
  }
  rmSync(dataDir, { recursive: true, force: true });
}
