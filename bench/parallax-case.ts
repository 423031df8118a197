/**
 * The render benchmark's parallax case (issue 4): a 5 s 1280×720 turbo Arc Right from a
 * 12 MP photo (the sample picture: a figure in front of a landscape), so the scene is
 * estimated and split into layers (matte, background fill, two layers drawn per frame).
 * Prints the render's wall time (cold: a fresh engine; warm: median of the next runs), the
 * time the scene preparation takes on its own, and the ratio to x264 alone encoding the
 * same frames with the same arguments — in wall time, and in CPU seconds (ours: every thread
 * of this process and its ffmpeg; x264: its process), which a loaded machine disturbs less.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEncodeArgs, minPreviewSize } from '../src/engine/ffmpeg/ffmpeg-args.js';
import { defaultFfmpegPath } from '../src/engine/ffmpeg/ffmpeg-path.js';
import { createLocalEngine } from '../src/engine/index.js';
import { prepareRender } from '../src/engine/render/prepare-render.js';
import type { RenderJob } from '../src/core/ports.js';
import { decodeFrames, interleaved, median, runFfmpeg, spread } from './bench-kit.js';
import { makePhoto } from './bench-inputs.js';

/** CPU seconds of this process (all threads) and of its waited-for children (ffmpeg). */
const cpuNow = (): number => {
  const u = process.cpuUsage();
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields 16 and 17 of /proc/<pid>/stat (cutime, cstime) in clock ticks (100 Hz).
  return (u.user + u.system) / 1e6 + (Number(f[13]) + Number(f[14])) / 100;
};
/** CPU seconds (user + system) of each live thread of this process, by thread id, with its name. */
const threadCpu = (): Map<string, { name: string; s: number }> => {
  const m = new Map<string, { name: string; s: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      // After the name: fields 14 and 15 of /proc/<pid>/task/<tid>/stat (utime, stime), 100 Hz.
      const f = stat.slice(close + 2).split(' ');
      m.set(tid, { name: stat.slice(stat.indexOf('(') + 1, close), s: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return m;
};

/**
 * Where one render's CPU seconds went: the main thread, each thread started since `startedAfter`
 * was taken (the engine's frame workers, its vision thread, libvips), the threads that were
 * there before (V8's and libuv's helpers), and ffmpeg (waited-for children).
 */
interface CpuSplit {
  main: number;
  started: { name: string; s: number }[];
  others: number;
  children: number;
}
const childrenCpu = (): number => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
};
const splitCpu = async (startedAfter: Set<string>, f: () => Promise<void>): Promise<CpuSplit> => {
  const a = threadCpu();
  const ca = childrenCpu();
  await f();
  const b = threadCpu();
  const split: CpuSplit = { main: 0, started: [], others: 0, children: childrenCpu() - ca };
  for (const [tid, t] of b) {
    const d = t.s - (a.get(tid)?.s ?? 0);
    if (tid === String(process.pid)) split.main = d;
    else if (!startedAfter.has(tid)) split.started.push({ name: t.name, s: d });
    else split.others += d;
  }
  split.started.sort((x, y) => y.s - x.s);
  return split;
};

/** Wraps a timed run so that the CPU seconds it uses (ours and children) are pushed to `into`. */
const metered = (into: number[], f: () => Promise<number>) => async (): Promise<number> => {
  const a = cpuNow();
  const s = await f();
  into.push(cpuNow() - a);
  return s;
};

const W = 1280;
const H = 720;
const FPS = 24;

/** Runs the parallax case and prints its figures. */
export async function runParallaxCase(runs = 3): Promise<void> {
  const ffmpeg = await defaultFfmpegPath();
  const dir = await mkdtemp(join(tmpdir(), 'sm-bench-parallax-'));
  const photo = await makePhoto(4000, 3000);
  const job: RenderJob = {
    taskId: 'p',
    model: 'turbo',
    motions: [{ name: 'Arc Right', strength: 1 }],
    prompt: '',
    enhancePrompt: false,
    seed: 1,
    width: W,
    height: H,
    duration: 5,
    fps: FPS,
    images: [photo],
  };
  const beforeEngine = new Set(threadCpu().keys());
  const engine = createLocalEngine({});
  const once = async (): Promise<{ s: number; raw: string }> => {
    const workDir = await mkdtemp(join(dir, 'run-'));
    const t = performance.now();
    const r = await engine.render(job, { workDir, signal: new AbortController().signal, onProgress: () => {} });
    return { s: (performance.now() - t) / 1000, raw: r.raw };
  };
  const cold = await once();
  const frames = decodeFrames(ffmpeg, cold.raw, W, H, 'rgba');
  const args = buildEncodeArgs({
    width: W,
    height: H,
    fps: FPS,
    tier: 'turbo',
    inputPixelFormat: 'rgba',
    rawPath: join(dir, 'enc.mp4'),
    threads: 0,
    min: { path: join(dir, 'enc-min.mp4'), ...minPreviewSize(W, H) },
  });
  const oursCpu: number[] = [];
  const encCpu: number[] = [];
  const paired = await interleaved(
    runs,
    metered(oursCpu, async () => (await once()).s),
    metered(encCpu, () => runFfmpeg(ffmpeg, args, frames)),
  );
  // One more warm render, split by thread (its own run: reading /proc per thread is not free).
  const split = await splitCpu(beforeEngine, async () => void (await once()));
  await engine.close();
  // Scene preparation alone (decode, matte, fill, layer mip chains), median of runs.
  const preps: number[] = [];
  const prepCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    await metered(prepCpu, async () => {
      const t = performance.now();
      await prepareRender(job, { maxImagePixels: 50_000_000 });
      preps.push((performance.now() - t) / 1000);
      return 0;
    })();
  }
  const enc = median(paired.base);
  console.log(`\nparallax: 5 s ${W}×${H} Arc Right (turbo) from a 4000×3000 photo, ${frames.length} frames`);
  console.log(
    `  ours cold ${cold.s.toFixed(2)} s, warm (median of ${runs}) ${median(paired.ours).toFixed(2)} s; preparation (decode + scene) ${median(preps).toFixed(2)} s`,
  );
  console.log(`  x264 alone, same frames & args (raw+min) ${enc.toFixed(2)} s`);
  console.log(
    `  parallax ours / encode-alone: warm ${paired.ratio.toFixed(2)}× (interleaved pairs ${spread(paired.ratios)}), cold ${(cold.s / enc).toFixed(2)}×`,
  );
  console.log(
    `  CPU seconds per render: ours ${median(oursCpu).toFixed(2)} s (preparation alone ${median(prepCpu).toFixed(2)} s) vs x264 alone ${median(encCpu).toFixed(2)} s → ${(median(oursCpu) / median(encCpu)).toFixed(2)}×`,
  );
  const started = split.started
    .filter((t) => t.s >= 0.01)
    .map((t) => `${t.name} ${t.s.toFixed(2)}`)
    .join(', ');
  console.log(
    `  one warm render's CPU seconds by thread: main ${split.main.toFixed(2)}, started by the engine [${started}], other threads ${split.others.toFixed(2)}, ffmpeg ${split.children.toFixed(2)}`,
  );
  await rm(dir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await runParallaxCase();
