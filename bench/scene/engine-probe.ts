/**
 * Everything the scene benchmark asks of the engine, in one place, so that when the engine
 * changes (vision models behind the scene estimate and face aim, more depth layers) only
 * this file follows: the scene estimate and its matte, the face point, the render plan's
 * transforms (to project labelled points into a frame), and a clip rendered through the
 * public `engine.render` and decoded back with ffmpeg.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RenderJob } from '../../src/core/ports.js';
import { findFace, type FaceTarget } from '../../src/engine/framing/face-aim.js';
import type { LocalEngine } from '../../src/engine/local-engine.js';
import { FramePainter, type PainterSource } from '../../src/engine/render/frame-painter.js';
import { prepareRender, type PreparedRender } from '../../src/engine/render/prepare-render.js';
import { estimateScene } from '../../src/engine/scene/scene-sources.js';
import { decodeSource, mipChain, probeImage } from '../../src/engine/render/source-image.js';
import type { Affine2 } from './measure.js';
import type { Point } from './labels.js';

const MAX_PIXELS = 50_000_000;

export interface Photo {
  bytes: Buffer;
  width: number;
  height: number;
  /** Packed RGB at full size (grey photos expanded). */
  rgb: Uint8Array;
}

export async function loadPhoto(path: string): Promise<Photo> {
  const bytes = await readFile(path);
  const { data, info } = await sharp(bytes)
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { bytes, width: info.width, height: info.height, rgb: new Uint8Array(data) };
}

export interface EngineScene {
  /** Subject found (the picture was split into layers). */
  subject: boolean;
  layers: number;
  /** The matte's hard mask (alpha > 0.5) at its own size, when there is one. */
  mask?: { data: Uint8Array; width: number; height: number };
}

/**
 * The scene a depth move would work on: the picture decoded at full size (three mip levels,
 * as a small photo gets for a gentle move) and `estimateScene` run on it, as prepareRender does.
 */
export async function engineScene(photo: Photo): Promise<EngineScene> {
  const info = await probeImage(photo.bytes, MAX_PIXELS, 'image[0]');
  const source = await decodeSource(photo.bytes, info, {
    scale: 1,
    levelCount: 3,
    maxPixels: MAX_PIXELS,
    field: 'image[0]',
  });
  const scene = await estimateScene(source);
  const layers = scene.layout.depths.length;
  if (!scene.matte) return { subject: false, layers };
  const { width, height, alpha } = scene.matte;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = alpha[i]! > 0.5 ? 1 : 0;
  return { subject: true, layers, mask: { data, width, height } };
}

/** Where a face move aims (photo px), or undefined when the engine finds no face. */
export async function engineFacePoint(photo: Photo, target: FaceTarget): Promise<Point | undefined> {
  const f = await findFace(photo.bytes, target, MAX_PIXELS);
  return f ? [f.x * photo.width, f.y * photo.height] : undefined;
}

/** Output size for a photo: its own aspect (or `aspect`, width / height) at `longSide` (even numbers). */
export function clipSize(
  photo: Photo,
  longSide: number,
  aspect = photo.width / photo.height,
): { width: number; height: number } {
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  return aspect >= 1
    ? { width: even(longSide), height: even(longSide / aspect) }
    : { width: even(longSide * aspect), height: even(longSide) };
}

export function clipJob(
  photo: Photo,
  motion: string,
  size: { width: number; height: number },
  seconds: number,
  fps: number,
): RenderJob {
  return {
    taskId: 'scene-bench',
    model: 'lite',
    motions: [{ name: motion, strength: 1 }],
    prompt: '',
    enhancePrompt: false,
    seed: 1,
    width: size.width,
    height: size.height,
    duration: seconds,
    fps,
    images: [photo.bytes],
  };
}

export interface PlanView {
  width: number;
  height: number;
  frames: number;
  /** Layers of the picture's scene the plan draws (1 = one plane). */
  layers: number;
  /** Photo px → frame px of the front layer (the subject when there is one) and of the back one, at frame `i`. */
  front(i: number): Affine2;
  back(i: number): Affine2;
  /** Whether the plan draws the last frame at rest (every layer under one transform): a move that lands on the picture. */
  landsAtRest: boolean;
  /** The ground's horizon the engine used (fraction of the height) and how it found it, for a depth move. */
  horizon?: { row: number; from: string };
}

/** The render plan of a job (the same one engine.render draws), seen through its transforms. */
export async function planView(job: RenderJob): Promise<PlanView> {
  return viewOf(await prepareRender(job, { maxImagePixels: MAX_PIXELS }));
}

function viewOf(prepared: PreparedRender): PlanView {
  const { plan, timing } = prepared;
  const mid = (s: Affine2[]): Affine2 => s[Math.floor(s.length / 2)]!;
  const first = plan.frameAt(0).layers;
  return {
    width: timing.width,
    height: timing.height,
    frames: timing.frames,
    layers: first.filter((l) => l.source < (plan.sourceBase[1] ?? Infinity)).length,
    front: (i) =>
      mid(
        plan
          .frameAt(i)
          .layers.filter((l) => l.source < (plan.sourceBase[1] ?? Infinity))
          .at(-1)!.samples,
      ),
    back: (i) => mid(plan.frameAt(i).layers[0]!.samples),
    landsAtRest: plan.frames > 1 && plan.frameAt(plan.frames - 1).rest === true && plan.frameAt(0).rest !== true,
    ...(prepared.resolved.scene?.depth && {
      horizon: {
        row: prepared.resolved.scene.depth.ground.horizon,
        from: prepared.resolved.scene.depth.ground.horizonFrom,
      },
    }),
  };
}

export interface Clip {
  width: number;
  height: number;
  /** Packed RGB frames. */
  frames: Uint8Array[];
}

/** Renders a job through the engine's public render and decodes its raw MP4 to RGB frames. */
export async function renderClip(engine: LocalEngine, job: RenderJob, ffmpeg: string, tmp: string): Promise<Clip> {
  const workDir = await mkdtemp(join(tmp, 'clip-'));
  try {
    const out = await engine.render(job, { workDir, signal: new AbortController().signal, onProgress: () => {} });
    const { width, height } = out.resolved;
    const r = spawnSync(ffmpeg, ['-v', 'error', '-i', out.raw, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
      maxBuffer: 1 << 30,
    });
    if (r.status !== 0) throw new Error(`decoding ${out.raw} failed: ${r.stderr.toString().slice(-300)}`);
    const size = width * height * 3;
    const frames: Uint8Array[] = [];
    for (let o = 0; o + size <= r.stdout.length; o += size) frames.push(new Uint8Array(r.stdout.subarray(o, o + size)));
    return { width, height, frames };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The texture probe: a job's plan as prepareRender makes it (the same scene estimate,
 * layers, mattes, ground bands and per-frame transforms that engine.render draws), painted
 * by the engine's own FramePainter — but with every layer's colours replaced by half the
 * photo plus a band-limited noise fixed to the picture (texturedSources), its alpha (the
 * mattes) kept. A plain wall, a blurred background or a sky then has texture the tracker
 * can follow, and what it reads is the separation the painter really draws between the
 * labelled regions, not a figure recomputed from the plan. Frames are painted in-process
 * and not encoded (no codec in the way); a 2-D move's probe must read ≈ 0 like its clip.
 */
export async function probeClip(job: RenderJob): Promise<{ view: PlanView; clip: Clip }> {
  const prepared = await prepareRender(job, { maxImagePixels: MAX_PIXELS });
  const { plan, timing } = prepared;
  const { width, height } = timing;
  const sources = await texturedSources(prepared.sources, Math.max(width, height));
  const painter = new FramePainter(sources, width, height);
  const rgba = new Uint8Array(width * height * 4);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < plan.frames; i++) {
    painter.paint(plan.frameAt(i), rgba);
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
      rgb[q] = rgba[p]!;
      rgb[q + 1] = rgba[p + 1]!;
      rgb[q + 2] = rgba[p + 2]!;
    }
    frames.push(rgb);
  }
  return { view: viewOf(prepared), clip: { width, height, frames } };
}

/** The probe's noise: its finest cell, in frame px at rest (the tracker smooths over ~5 px). */
const NOISE_CELL_PX = 6;
/** The noise's range (grey levels); the layer's own colour keeps the rest, scaled down to fit. */
const NOISE_AMP = 127;

/** A lattice value in [0, 1) for integer (i, j) and octave o: a small integer hash. */
function lattice(i: number, j: number, o: number): number {
  let h = (i * 374761393 + j * 668265263 + o * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Value noise in [0, 1] at picture position (u, v) in cells of the finest octave: two octaves (1 and 2.7 cells). */
function noiseAt(u: number, v: number): number {
  let sum = 0;
  let weight = 0;
  for (const [o, period, w] of [
    [0, 1, 0.6],
    [1, 2.7, 0.4],
  ] as const) {
    const x = u / period;
    const y = v / period;
    const i = Math.floor(x);
    const j = Math.floor(y);
    const fx = x - i;
    const fy = y - j;
    const sx = fx * fx * (3 - 2 * fx);
    const sy = fy * fy * (3 - 2 * fy);
    const a = lattice(i, j, o) + (lattice(i + 1, j, o) - lattice(i, j, o)) * sx;
    const b = lattice(i, j + 1, o) + (lattice(i + 1, j + 1, o) - lattice(i, j + 1, o)) * sx;
    sum += w * (a + (b - a) * sy);
    weight += w;
  }
  return sum / weight;
}

/**
 * The painter's sources with their colours replaced and their alpha kept: level 0 becomes
 * the layer's own colour scaled into 0–128 plus a grey noise in 0–127 fixed to the picture's
 * coordinates (every layer of a picture gets the same noise at the same picture position,
 * so at rest the layers still compose to one picture), the coarser levels are filtered
 * from it as the engine's mip chain is, and every level keeps the engine's alpha.
 */
export async function texturedSources(sources: PainterSource[], frameLongSide: number): Promise<PainterSource[]> {
  return Promise.all(
    sources.map(async (s) => {
      const l0 = s.levels[0]!;
      const { width: W, height: H } = l0;
      // Level-0 px per cell: the frame shows about frameLongSide px of the picture's long side at rest.
      const cell = Math.max(1, (NOISE_CELL_PX * Math.max(W, H)) / frameLongSide);
      const src = new Uint8Array(l0.pixels);
      const buf = new SharedArrayBuffer(W * H * 4);
      const out = new Uint8Array(buf);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const p = (y * W + x) * 4;
          const n = noiseAt((x + 0.5) / cell, (y + 0.5) / cell) * NOISE_AMP;
          const k = (255 - NOISE_AMP) / 255;
          out[p] = src[p]! * k + n;
          out[p + 1] = src[p + 1]! * k + n;
          out[p + 2] = src[p + 2]! * k + n;
          out[p + 3] = src[p + 3]!;
        }
      }
      const levels = await mipChain(buf, W, H, s.levels.length);
      // The engine's own alpha on every level (its matte as the painter would draw it).
      levels.forEach((lv, l) => {
        const a = new Uint8Array(s.levels[l]!.pixels);
        const b = new Uint8Array(lv.pixels);
        for (let p = 3; p < b.length; p += 4) b[p] = a[p]!;
      });
      return { ...s, levels };
    }),
  );
}
