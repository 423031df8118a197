/**
 * A fresh service's first render (issue 15). Run: npm run bench:first-render [-- --runs N] [-- --bin path]
 *
 * Each round starts the service as `npm start` does (bin/stillmotion.mjs serve from dist/,
 * one render worker, a new data folder), submits as soon as it answers HTTP the job of
 * bench:cli (a 5 s 1280×720 turbo "Zoom In" from a 12 MP JPEG, as a data URI), and times
 * submit → `completed` in GET /higgsfield/feed/{id} (polled every 20 ms). Then, same
 * process, a second identical task: the warm figure. Against, in the same round:
 *   x264 alone: the same ffmpeg encode (buildEncodeArgs, raw only) fed the first task's
 *   own 120 frames from memory, so first render / x264 is everything the service adds
 *   around the encoder (start-up of its threads and models, the look, decode, the preview
 *   and poster it always makes, the HTTP round trips).
 * Ratios are medians of each round's ratio. Loopback only; each service is stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDist } from '../bin/dist-stamp.mjs';
import { buildEncodeArgs } from '../src/engine/ffmpeg/ffmpeg-args.js';
import { defaultFfmpegPath } from '../src/engine/ffmpeg/ffmpeg-path.js';
import { makeDotChart } from './bench-inputs.js';
import { decodeFrames, loadAverage, median, runFfmpeg, spread } from './bench-kit.js';

const W = 1280;
const H = 720;
const FPS = 24;
const FRAMES = 120;
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Math.max(1, Number(arg('--runs') ?? 3));
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = resolve(arg('--bin') ?? join(root, 'bin/stillmotion.mjs'));
if (!arg('--bin')) {
  const dist = checkDist(root);
  if (!dist.ok) {
    console.error(`bench:first-render: ${dist.reason}; run \`npm run build\` first`);
    process.exit(1);
  }
}
const ffmpeg = await defaultFfmpegPath();
const KEY = 'bench-key:bench-secret-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const chart = await makeDotChart(4000, 3000);
const body = JSON.stringify({
  image: [`data:image/jpeg;base64,${chart.toString('base64')}`],
  motion_id: 'Zoom In',
  model: 'turbo',
  width: W,
  height: H,
  prompt: '',
});

const freePort = (): Promise<number> =>
  new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startService(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const log = openSync(join(dataDir, 'server.log'), 'a');
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), API_KEYS: KEY, WORKERS: '1' },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 120_000; ; ) {
    try {
      await fetch(`${url}/healthz`);
      return { url, child };
    } catch {
      if (Date.now() > until || child.exitCode !== null) throw new Error('the service did not come up');
      await sleep(20);
    }
  }
}

/** Submits the job and waits for it; resolves to wall seconds and the raw MP4's URL. */
async function renderOnce(url: string): Promise<{ seconds: number; raw: string }> {
  const t = performance.now();
  const r = await fetch(`${url}/higgsfield/generate`, { method: 'POST', headers: auth, body });
  if (r.status !== 200) throw new Error(`submit answered ${r.status}: ${await r.text()}`);
  const { id } = (await r.json()) as { id: string };
  for (;;) {
    const f = (await (await fetch(`${url}/higgsfield/feed/${id}`, { headers: auth })).json()) as {
      status: string;
      jobs: { results: { raw: { url: string } } | null; error?: string }[];
    };
    if (f.status === 'completed') return { seconds: (performance.now() - t) / 1000, raw: f.jobs[0]!.results!.raw.url };
    if (['failed', 'nsfw', 'canceled'].includes(f.status))
      throw new Error(`task ${f.status}: ${f.jobs[0]?.error ?? ''}`);
    await sleep(20);
  }
}

const firsts: number[] = [];
const warms: number[] = [];
const x264: number[] = [];
const loadBefore = loadAverage();
for (let i = 0; i < RUNS; i++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sm-first-render-'));
  let service: { url: string; child: ChildProcess } | undefined;
  try {
    service = await startService(dataDir);
    const first = await renderOnce(service.url);
    firsts.push(first.seconds);
    warms.push((await renderOnce(service.url)).seconds);
    const mp4 = join(dataDir, 'first.mp4');
    const bytes = Buffer.from(await (await fetch(first.raw, { headers: auth })).arrayBuffer());
    (await import('node:fs')).writeFileSync(mp4, bytes);
    const frames = decodeFrames(ffmpeg, mp4, W, H, 'rgba');
    if (frames.length !== FRAMES) throw new Error(`expected ${FRAMES} frames, decoded ${frames.length}`);
    const args = buildEncodeArgs({
      width: W,
      height: H,
      fps: FPS,
      tier: 'turbo',
      inputPixelFormat: 'rgba',
      rawPath: join(dataDir, 'x264.mp4'),
      threads: 0,
    });
    x264.push(await runFfmpeg(ffmpeg, args, frames));
  } finally {
    if (service) {
      const gone = new Promise((r) => service!.child.once('exit', r));
      service.child.kill('SIGINT');
      await Promise.race([gone, sleep(10_000)]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const row = (name: string, xs: number[]) => `  ${name.padEnd(40)} ${median(xs).toFixed(2)} s  (${spread(xs)})`;
console.log(`fresh service, first render: ${BIN} serve (WORKERS=1)`);
console.log(
  `5 s 1280×720 turbo Zoom In from a 12 MP JPEG, ${RUNS} rounds, load average ${loadBefore} → ${loadAverage()}`,
);
console.log(row('first task, submit → completed', firsts));
console.log(row('second task, same process', warms));
console.log(row('x264 alone, same frames, raw only', x264));
console.log(
  `  first render / x264 alone   ${median(firsts.map((f, i) => f / x264[i]!)).toFixed(2)}×   (target ≤ 1.3×)`,
);
console.log(`  second render / x264 alone  ${median(warms.map((w, i) => w / x264[i]!)).toFixed(2)}×`);
