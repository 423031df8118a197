/**
 * Scene preparation's cost on real photographs at the size issue 13 budgets (a 12 MP photo,
 * ≤ 0.5 s on two cores): each photo of `.cache/photos` is upscaled to ~12 MP (Lanczos, JPEG
 * q92, in memory) and prepared for a 5 s 720p turbo Arc Right, as the parallax case of
 * bench:render does; per stage (stage-clock.ts) the median wall and CPU seconds over the
 * runs, and, as the baseline in the same run, sharp decoding the same JPEG to RGBA.
 *
 *   node --import tsx bench/scene-prep.ts [--photo astronaut,coffee] [--runs N]
 *        [--motion "Arc Right"] [--dump DIR] [--compare DIR]
 *
 * --dump DIR writes the prepared layers' pixels (every level of every layer) after the last
 * run; --compare DIR reads them back and prints how many pixels differ and by how much, so
 * a change meant to keep the picture can be shown to keep it.
 *
 * CPU seconds are the process's (every thread); stages nest (`fill` includes `patch fill`
 * and the fill's membrane and grain), `vision look` is only what is left of the look
 * once the decode it runs beside is done, and `plan` is the two frame plans (the one the
 * decode is sized by, and the final one). The layers are built in their own thread while
 * `depth` and the final plan run (layer-thread.ts): those stages' CPU seconds include the
 * layers' beside them, and their walls overlap `layers`' wall.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RenderJob } from '../src/core/ports.js';
import { prepareRender, type PreparedRender } from '../src/engine/render/prepare-render.js';
import type { StageTime } from '../src/engine/render/stage-clock.js';
import { releaseVision } from '../src/vision/vision-thread.js';
import { loadAverage, median } from './bench-kit.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const PHOTOS = (arg('photo') ?? 'astronaut,coffee,chelsea,motorcycle_left,grace_hopper,messi5').split(',');
const RUNS = Number(arg('runs') ?? 3);
const MOTION = arg('motion') ?? 'Arc Right';
const DUMP = arg('dump');
const COMPARE = arg('compare');
const DIR = '.cache/photos';
const TARGET_PIXELS = 12e6;
/** The order stages happen in (nested ones after their parent), for the table. */
const ORDER = [
  'probe',
  'decode',
  'vision look',
  'vision segmentation',
  'matte',
  'aim',
  'depth',
  'plan',
  'layers',
  'refine matte',
  'hole',
  'fill',
  'fill membrane',
  'fill grain',
  'patch fill',
  'mirror',
  'claim edge',
  'matting',
  'levels',
];
const NESTED = new Set(['refine matte', 'hole', 'fill', 'mirror', 'claim edge', 'matting', 'levels']);
const IN_FILL = new Set(['fill membrane', 'fill grain', 'patch fill']);

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function photo12mp(name: string): Promise<Buffer> {
  const file = ['png', 'jpg'].map((e) => join(DIR, `${name}.${e}`)).find(existsSync);
  if (!file) throw new Error(`${name}: not in ${DIR} (bash scripts/get-bench-photos.sh)`);
  const meta = await sharp(file).metadata();
  const k = Math.sqrt(TARGET_PIXELS / (meta.width! * meta.height!));
  return sharp(file)
    .removeAlpha()
    .resize(Math.round(meta.width! * k), Math.round(meta.height! * k), { kernel: 'lanczos3' })
    .jpeg({ quality: 92 })
    .toBuffer();
}

const jobFor = (image: Buffer): RenderJob => ({
  taskId: 'prep',
  model: 'turbo',
  motions: [{ name: MOTION, strength: 1 }],
  prompt: '',
  enhancePrompt: false,
  seed: 1,
  width: 1280,
  height: 720,
  duration: 5,
  fps: 24,
  images: [image],
});

interface Run {
  wall: number;
  cpu: number;
  stages: Map<string, { wall: number; cpu: number }>;
  prepared: PreparedRender;
}

async function prepareOnce(image: Buffer): Promise<Run> {
  const stages = new Map<string, { wall: number; cpu: number }>();
  const onStage = (t: StageTime): void => {
    const s = stages.get(t.stage) ?? { wall: 0, cpu: 0 };
    s.wall += t.wallMs / 1000;
    s.cpu += t.cpuMs / 1000;
    stages.set(t.stage, s);
  };
  const c = cpuSeconds();
  const t = performance.now();
  // A copy: the looks are cached per Buffer (see-picture.ts), and a task looks once.
  const prepared = await prepareRender(jobFor(Buffer.from(image)), { maxImagePixels: 50_000_000, onStage });
  return { wall: (performance.now() - t) / 1000, cpu: cpuSeconds() - c, stages, prepared };
}

async function decodeOnce(image: Buffer): Promise<{ wall: number; cpu: number }> {
  const c = cpuSeconds();
  const t = performance.now();
  await sharp(image).ensureAlpha().raw().toBuffer();
  return { wall: (performance.now() - t) / 1000, cpu: cpuSeconds() - c };
}

/** Every level of every layer, as files `name.L<layer>.<level>.rgba` plus their sizes. */
function dump(dir: string, name: string, prepared: PreparedRender): void {
  mkdirSync(dir, { recursive: true });
  const sizes = prepared.sources.map((s, i) =>
    s.levels.map((l, j) => {
      writeFileSync(join(dir, `${name}.L${i}.${j}.rgba`), new Uint8Array(l.pixels));
      return [l.width, l.height];
    }),
  );
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(sizes));
}

/** How the prepared layers differ from those dumped in `dir` (pixels with any channel off, the largest difference). */
function compare(dir: string, name: string, prepared: PreparedRender): string {
  const sizes = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as number[][][];
  if (sizes.length !== prepared.sources.length) return `layers ${prepared.sources.length} vs ${sizes.length} before`;
  const parts: string[] = [];
  prepared.sources.forEach((s, i) => {
    s.levels.forEach((l, j) => {
      const [w, h] = sizes[i]![j] ?? [0, 0];
      if (w !== l.width || h !== l.height) {
        parts.push(`L${i}.${j} ${l.width}×${l.height} vs ${w}×${h}`);
        return;
      }
      const a = new Uint8Array(l.pixels);
      const b = readFileSync(join(dir, `${name}.L${i}.${j}.rgba`));
      let off = 0;
      let max = 0;
      for (let p = 0; p < a.length; p += 4) {
        let d = 0;
        for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a[p + c]! - b[p + c]!));
        if (d > 0) off++;
        max = Math.max(max, d);
      }
      parts.push(`L${i}.${j} ${off} px off (max ${max})`);
    });
  });
  return parts.join(', ');
}

const fmt = (s: number): string => s.toFixed(3);

console.log(`scene preparation, ${MOTION} 1280×720 turbo, photos upscaled to ~12 MP; load ${loadAverage()}`);
const photos = await Promise.all(PHOTOS.map(async (name) => ({ name, image: await photo12mp(name) })));
// The first preparation loads and compiles the models; not counted.
await prepareOnce(photos[0]!.image);
const totals = { cpu: 0, base: 0 };
for (const { name, image } of photos) {
  const meta = await sharp(image).metadata();
  const runs: Run[] = [];
  const decodes: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < RUNS; r++) {
    decodes.push(await decodeOnce(image));
    runs.push(await prepareOnce(image));
  }
  const cpu = median(runs.map((r) => r.cpu));
  const wall = median(runs.map((r) => r.wall));
  const base = median(decodes.map((d) => d.cpu));
  totals.cpu += cpu;
  totals.base += base;
  const last = runs.at(-1)!.prepared;
  const layers = last.sources.map((s) => `${s.levels[0]!.width}×${s.levels[0]!.height}×${s.levels.length}`).join(' + ');
  console.log(
    `\n${name} (${meta.width}×${meta.height}, ${last.resolved.scene?.subject ?? '?'}; layers ${layers}): ` +
      `${fmt(wall)} s wall, ${fmt(cpu)} CPU-s = ${(cpu / base).toFixed(2)}× sharp's decode (${fmt(base)} CPU-s, ${fmt(median(decodes.map((d) => d.wall)))} s)`,
  );
  for (const stage of ORDER) {
    const seen = runs.map((r) => r.stages.get(stage)).filter((s) => s !== undefined);
    if (seen.length === 0) continue;
    const indent = IN_FILL.has(stage) ? '      ' : NESTED.has(stage) ? '    ' : '  ';
    console.log(
      `${indent}${stage.padEnd(24 - indent.length)} ${fmt(median(seen.map((s) => s.cpu)))} CPU-s  ${fmt(median(seen.map((s) => s.wall)))} s`,
    );
  }
  if (DUMP) dump(DUMP, name, last);
  if (COMPARE) console.log(`  against ${COMPARE}: ${compare(COMPARE, name, last)}`);
}
console.log(
  `\nall photos: ${fmt(totals.cpu)} CPU-s = ${(totals.cpu / totals.base).toFixed(2)}× sharp's decode of the same photos`,
);
releaseVision();
