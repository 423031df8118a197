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
import { prepareRender } from '../../src/engine/render/prepare-render.js';
import { estimateScene } from '../../src/engine/scene/scene-sources.js';
import { decodeSource, probeImage } from '../../src/engine/render/source-image.js';
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
  const prepared = await prepareRender(job, { maxImagePixels: MAX_PIXELS });
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
