/**
 * Render benchmark (issue 3). Run: npm run bench:render
 *
 * 1. ours: a 5 s 1280×720 turbo "Zoom In" from a 12 MP JPEG (a soft-dot chart) through the
 *    engine, raw + min outputs, wall time;
 * 2. x264 alone: the same ffmpeg command fed the same frames from memory (raw + min, and
 *    raw only), so ours / encode-alone is our overhead;
 * 3. ffmpeg zoompan with the same zoom curve, plain and upscale-first;
 * 4. jitter of each (RMS second difference of tracked dot positions, px/frame²);
 * 5. peak RSS of a 24 MP → 1080p standard render, at 2 s and 10 s (must not grow).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalEngine } from '../src/engine/index.js';
import { buildEncodeArgs, minPreviewSize } from '../src/engine/ffmpeg-args.js';
import { defaultFfmpegPath } from '../src/engine/ffmpeg-path.js';
import { makeDotChart, makePhoto } from './bench-inputs.js';
import { dotJitter } from './dot-tracker.js';

const W = 1280;
const H = 720;
const FPS = 24;
const FRAMES = 120;
const ffmpeg = await defaultFfmpegPath();
const dir = await mkdtemp(join(tmpdir(), 'sm-bench-'));

function run(args: string[], stdin?: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const p = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('close', (code) => (code === 0 ? resolve((performance.now() - t) / 1000) : reject(new Error(err.slice(-500)))));
    (async () => {
      for (const f of stdin ?? []) if (!p.stdin.write(f)) await new Promise((r) => p.stdin.once('drain', r));
      p.stdin.end();
    })().catch(reject);
  });
}

function decode(path: string, fmt: 'gray' | 'rgba'): Uint8Array[] {
  const out = spawnSync(ffmpeg, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', fmt, '-'], { maxBuffer: 1 << 30 });
  const size = W * H * (fmt === 'gray' ? 1 : 4);
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= out.stdout.length; o += size) frames.push(new Uint8Array(out.stdout.subarray(o, o + size)));
  return frames;
}

const best = async (n: number, f: () => Promise<number>): Promise<number> => {
  let b = Infinity;
  for (let i = 0; i < n; i++) b = Math.min(b, await f());
  return b;
};

console.log('generating a 4000×3000 dot chart JPEG (12 MP)…');
const chartPath = join(dir, 'chart.jpg');
const chart = await makeDotChart(4000, 3000);
await import('node:fs/promises').then((fs) => fs.writeFile(chartPath, chart));
const engine = createLocalEngine({});

// 1. ours
let oursOut = '';
const ours = await best(3, async () => {
  const workDir = await mkdtemp(join(dir, 'ours-'));
  const t = performance.now();
  const r = await engine.render(
    { taskId: 'b', model: 'turbo', motions: [{ name: 'Zoom In', strength: 1 }], prompt: '', enhancePrompt: false, seed: 1, width: W, height: H, duration: 5, fps: FPS, images: [chart] },
    { workDir, signal: new AbortController().signal, onProgress: () => {} },
  );
  oursOut = r.raw;
  return (performance.now() - t) / 1000;
});

// 2. x264 alone on the same frames, same settings
const rgba = decode(oursOut, 'rgba').map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
const encodeArgs = (min: boolean) =>
  buildEncodeArgs({ width: W, height: H, fps: FPS, tier: 'turbo', inputPixelFormat: 'rgba', rawPath: join(dir, 'enc.mp4'), threads: 0, ...(min && { min: { path: join(dir, 'enc-min.mp4'), ...minPreviewSize(W, H) } }) });
const encodeBoth = await best(3, () => run(encodeArgs(true), rgba));
const encodeRaw = await best(3, () => run(encodeArgs(false), rgba));
rgba.length = 0;

// 3. zoompan, same curve (1.45^easeInOutSine), centred, on the chart cropped to 16:9
const z = `pow(1.45\\,0.5-0.5*cos(PI*on/${FRAMES - 1}))`;
const zp = (pre: string) => [
  '-v', 'error', '-y', '-i', chartPath, '-filter_complex',
  `[0]crop=4000:2250${pre},zoompan=z='${z}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${FRAMES}:s=${W}x${H}:fps=${FPS}[v]`,
  '-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', join(dir, `zp${pre ? '-up' : ''}.mp4`),
];
const zoompanPlain = await best(2, () => run(zp('')));
const zoompanUp = await best(1, () => run(zp(',scale=8000:4500')));

// 4. jitter
const jitterOf = (path: string) => dotJitter(decode(path, 'gray'), W, H);
const jOurs = jitterOf(oursOut);
const jPlain = jitterOf(join(dir, 'zp.mp4'));
const jUp = jitterOf(join(dir, 'zp-up.mp4'));

// 5. memory (separate processes so each peak is its own)
const photoPath = join(dir, 'photo-24mp.jpg');
await import('node:fs/promises').then(async (fs) => fs.writeFile(photoPath, await makePhoto(6000, 4000)));
const rss = (seconds: number) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL('./rss-child.ts', import.meta.url).pathname, photoPath, String(seconds), 'standard'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { maxRssMB: number; seconds: number };
};
const rss2 = rss(2);
const rss10 = rss(10);

const row = (name: string, s: number, j?: number) => `${name.padEnd(46)} ${s.toFixed(2).padStart(7)} s ${j === undefined ? '' : j.toFixed(3).padStart(9)}`;
console.log(`\n5 s ${W}×${H} @ ${FPS} fps (${FRAMES} frames), Zoom In 1.45×, from a 4000×3000 JPEG; best of runs`);
console.log(`${'case'.padEnd(46)} ${'wall'.padStart(9)} ${'jitter px/f²'.padStart(12)}`);
console.log(row('ours (engine.render: decode, draw, raw+min, poster)', ours, jOurs.jitter));
console.log(row('x264 alone, same frames & args (raw+min)', encodeBoth));
console.log(row('x264 alone, same frames, raw only', encodeRaw));
console.log(row('ffmpeg zoompan (raw only)', zoompanPlain, jPlain.jitter));
console.log(row('ffmpeg upscale-first (8000 px) + zoompan', zoompanUp, jUp.jitter));
console.log(`\nours / encode-alone (raw+min): ${(ours / encodeBoth).toFixed(2)}×   (target ≤ 1.3×)`);
console.log(`ours / encode-alone (raw only): ${(ours / encodeRaw).toFixed(2)}×`);
console.log(`ours / zoompan: ${(ours / zoompanPlain).toFixed(2)}×   ours / upscale-first zoompan: ${(ours / zoompanUp).toFixed(2)}×`);
console.log(`jitter: ours ${jOurs.jitter.toFixed(3)} (${jOurs.dots} dots), zoompan ${jPlain.jitter.toFixed(3)}, upscale-first ${jUp.jitter.toFixed(3)}   (target ≤ 0.25)`);
console.log(`peak RSS, 6000×4000 (24 MP) → 1920×1080 standard: 2 s clip ${rss2.maxRssMB.toFixed(0)} MB (${rss2.seconds.toFixed(1)} s), 10 s clip ${rss10.maxRssMB.toFixed(0)} MB (${rss10.seconds.toFixed(1)} s)   (target < 600 MB, flat)`);
await rm(dir, { recursive: true, force: true });
