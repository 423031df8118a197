/**
 * CLI benchmark (issue 15). Run: npm run bench:cli [-- --runs N] [-- --bin path/to/stillmotion.mjs]
 *
 * The whole `stillmotion render` process, as a user meets it: a 5 s 1280×720 turbo "Zoom In"
 * from a 12 MP JPEG (the soft-dot chart of bench:render), `-o out.mp4` only. Against, in the
 * same run and interleaved (bench-kit.ts):
 *   1. x264 alone: the same ffmpeg encode (buildEncodeArgs, raw only) fed the CLI's own 120
 *      frames from memory, so CLI / x264 is everything we add around the encoder;
 *   2. plain ffmpeg zoompan making the whole clip from the JPEG (what users would otherwise
 *      pick; the same command as bench:render's).
 * Ratios are medians of each round's ratio, of wall and of CPU seconds (user + system of the
 * process and its children: the CLI's ffmpeg is in its figure). `--bin` times another
 * launcher (e.g. the main checkout's, for a before/after), which must accept the same options.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDist } from '../bin/dist-stamp.mjs';
import { buildEncodeArgs } from '../src/engine/ffmpeg/ffmpeg-args.js';
import { defaultFfmpegPath } from '../src/engine/ffmpeg/ffmpeg-path.js';
import { decodeFrames, loadAverage, median, runTimed, spread, type Timed } from './bench-kit.js';
import { makeDotChart } from './bench-inputs.js';

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
    console.error(`bench:cli: ${dist.reason}; run \`npm run build\` first`);
    process.exit(1);
  }
}
const ffmpeg = await defaultFfmpegPath();
const dir = await mkdtemp(join(tmpdir(), 'sm-cli-bench-'));
const chart = join(dir, 'chart.jpg');
await writeFile(chart, await makeDotChart(4000, 3000));
const loadBefore = loadAverage();

/** One whole CLI process: wall and CPU seconds (ffmpeg's included). */
function cli(out: string): Promise<Timed> {
  return runTimed(process.execPath, [
    BIN,
    'render',
    '--image',
    chart,
    '--motion',
    'Zoom In',
    '--model',
    'turbo',
    '--width',
    String(W),
    '--height',
    String(H),
    '-o',
    out,
  ]);
}

// A first run warms the page cache and gives the frames the encoder baseline is fed.
const first = join(dir, 'first.mp4');
const coldish = (await cli(first)).seconds;
const written = (await readdir(dir)).filter((f) => f !== 'chart.jpg' && f !== 'first.mp4');
const frames = decodeFrames(ffmpeg, first, W, H, 'rgba');
if (frames.length !== FRAMES) throw new Error(`expected ${FRAMES} frames, decoded ${frames.length}`);

const x264Args = buildEncodeArgs({
  width: W,
  height: H,
  fps: FPS,
  tier: 'turbo',
  inputPixelFormat: 'rgba',
  rawPath: join(dir, 'x264.mp4'),
  threads: 0,
});
const z = `pow(1.45\\,0.5-0.5*cos(PI*on/${FRAMES - 1}))`;
const zoompanArgs = [
  '-v',
  'error',
  '-y',
  '-i',
  chart,
  '-filter_complex',
  `[0]crop=4000:2250,zoompan=z='${z}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${FRAMES}:s=${W}x${H}:fps=${FPS}[v]`,
  '-map',
  '[v]',
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '21',
  '-pix_fmt',
  'yuv420p',
  '-movflags',
  '+faststart',
  join(dir, 'zp.mp4'),
];

const ours: Timed[] = [];
const x264: Timed[] = [];
const zoompan: Timed[] = [];
for (let i = 0; i < RUNS; i++) {
  // The order within a round rotates so that no one always runs first.
  const steps = [
    async () => ours.push(await cli(join(dir, 'out.mp4'))),
    async () => x264.push(await runTimed(ffmpeg, x264Args, frames)),
    async () => zoompan.push(await runTimed(ffmpeg, zoompanArgs)),
  ];
  for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
}
const ratio = (a: Timed[], b: Timed[], key: keyof Timed) => median(a.map((o, i) => o[key] / b[i]![key]));

const row = (name: string, xs: Timed[]) => {
  const wall = xs.map((x) => x.seconds);
  const cpu = xs.map((x) => x.cpu);
  return `  ${name.padEnd(34)} ${median(wall).toFixed(2)} s  (${spread(wall)}), CPU ${median(cpu).toFixed(2)} s (${spread(cpu)})`;
};
console.log(`stillmotion render, whole process: ${BIN}`);
console.log(
  `5 s 1280×720 turbo Zoom In from a 12 MP JPEG, ${RUNS} rounds, load average ${loadBefore} → ${loadAverage()}`,
);
console.log(
  `  first run (page cache cold-ish)    ${coldish.toFixed(2)} s; files besides -o: ${written.length ? written.join(', ') : 'none'}`,
);
console.log(row('CLI (node bin/stillmotion.mjs)', ours));
console.log(row('x264 alone, same frames, same file', x264));
console.log(row('ffmpeg zoompan, whole clip', zoompan));
console.log(
  `  CLI / x264 alone      ${ratio(ours, x264, 'seconds').toFixed(2)}×   (target ≤ 1.3×); CPU ${ratio(ours, x264, 'cpu').toFixed(2)}×`,
);
console.log(
  `  CLI / zoompan         ${ratio(ours, zoompan, 'seconds').toFixed(2)}×   (target < 1×); CPU ${ratio(ours, zoompan, 'cpu').toFixed(2)}×`,
);
await rm(dir, { recursive: true, force: true });
