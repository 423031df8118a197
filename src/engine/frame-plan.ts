/**
 * The render plan: for each frame, which picture(s) to draw with which transforms (several
 * sub-frame samples when the move is fast: motion blur), and the frame's optical effects.
 * Pure data, computed once per task; workers draw it.
 */
import type { CameraPose } from './camera-pose.js';
import { relativePose, type CameraPath } from './camera-path.js';
import { smootherstep } from './easing.js';
import {
  affineScale, applyAffine, invertAffine, maxOffsets, poseTransform, requiredZoom,
  type Affine, type FrameGeometry,
} from './framing.js';

export interface FrameLayer {
  /** Index of the source picture (0 = start image, 1 = end image). */
  source: number;
  /** Opacity the layer is drawn with over the layers before it. */
  alpha: number;
  /** Transforms of the sub-frame samples, averaged with equal weights. */
  samples: Affine[];
}

export interface FrameInstructions {
  index: number;
  layers: FrameLayer[];
  /** Defocus radius (output px) away from `focus`; 0 = sharp everywhere. */
  blur: number;
  focus: [number, number];
  /** Barrel distortion strength, 0 = none. */
  fisheye: number;
}

export interface RenderPlan {
  frames: number;
  fps: number;
  /** Frame instructions, computed on demand (pure) so nothing grows with clip length. */
  frameAt(index: number): FrameInstructions;
  /** Output px per picture px, smallest and largest over the clip, per source. */
  scaleRange: { min: number; max: number }[];
}

/** A camera moving this many output px within one shutter opening gets motion blur. */
const BLUR_THRESHOLD_PX = 1.5;

function displacement(a: Affine, b: Affine, w: number, h: number): number {
  const inv = invertAffine(a);
  let max = 0;
  for (const [x, y] of [[0, 0], [w, 0], [0, h], [w, h], [w / 2, h / 2]] as const) {
    const [px, py] = applyAffine(inv, x, y);
    const [qx, qy] = applyAffine(b, px, py);
    max = Math.max(max, Math.hypot(qx - x, qy - y));
  }
  return max;
}

/**
 * Builds the plan. With one geometry the camera path is framed with one constant cover
 * correction (so a zoom stays a pure zoom); with two, image[0] starts exactly at the
 * first frame, image[1] ends exactly on the last, and the move carries across a blend.
 */
export function buildRenderPlan(options: {
  path: CameraPath;
  frames: number;
  fps: number;
  geometries: FrameGeometry[];
  /** Most sub-frame samples per frame (tier dependent). */
  maxSamples: number;
}): RenderPlan {
  const { path, frames, fps, geometries, maxSamples } = options;
  const g0 = geometries[0]!;
  const twoImages = geometries.length > 1;
  const start = path.poseAt(0);
  const end = path.poseAt(path.span);
  const timeOf = (i: number): number => (frames <= 1 ? 0 : (i / (frames - 1)) * path.span);

  // Poses layer `l` takes at time `s` (relative to the start/end pose with two images).
  const layerPose = (l: number, s: number): CameraPose => {
    const p = path.poseAt(s);
    if (!twoImages) return p;
    return relativePose(p, l === 0 ? start : end);
  };

  // One pass over the frame times (and shutter edges) for the offsets and cover correction.
  const probe: CameraPose[][] = geometries.map(() => []);
  for (let i = 0; i < frames; i++) {
    const s = timeOf(i);
    const half = path.poseAt(s).shutter / fps / 2;
    for (let l = 0; l < geometries.length; l++) for (const t of [s - half, s, s + half]) probe[l]!.push(layerPose(l, t));
  }
  const offsets = geometries.map((g, l) => maxOffsets(g, probe[l]!));
  const constantZoom = geometries.map((g, l) => Math.max(...probe[l]!.map((p) => requiredZoom(g, p, offsets[l]!))));

  const transform = (l: number, s: number): Affine => {
    const g = geometries[l]!;
    const pose = layerPose(l, s);
    // With two images the first/last frames must be exactly the pictures, so the cover
    // correction is per instant (1 at the ends) rather than constant.
    const zf = twoImages ? requiredZoom(g, pose, offsets[l]!) : constantZoom[l]!;
    return poseTransform(g, pose, zf, offsets[l]!);
  };

  const frameAt = (index: number): FrameInstructions => {
    const s = timeOf(index);
    const pose = path.poseAt(s);
    const half = pose.shutter / fps / 2;
    const edge = twoImages && (index === 0 || index === frames - 1);
    let n = 1;
    if (!edge && maxSamples > 1) {
      const d = displacement(transform(0, s - half), transform(0, s + half), g0.outWidth, g0.outHeight);
      if (d > BLUR_THRESHOLD_PX) n = Math.min(maxSamples, Math.ceil(d / BLUR_THRESHOLD_PX));
    }
    const times = n === 1 ? [s] : Array.from({ length: n }, (_, j) => s - half + ((j + 0.5) / n) * 2 * half);
    const layers: FrameLayer[] = [{ source: 0, alpha: 1, samples: times.map((t) => transform(0, t)) }];
    if (twoImages) {
      const mix = smootherstep((s / path.span - 0.2) / 0.6);
      if (mix > 0) layers.push({ source: 1, alpha: mix, samples: times.map((t) => transform(1, t)) });
    }
    const main = layers[0]!.samples[Math.floor(layers[0]!.samples.length / 2)]!;
    const [fx, fy] = applyAffine(main, g0.focusX, g0.focusY);
    const [ox, oy] = Math.hypot(g0.outWidth - 2 * fx, g0.outHeight - 2 * fy) > g0.outWidth * 0.3
      ? [g0.outWidth - fx, g0.outHeight - fy]
      : [fx, g0.outHeight * 0.15];
    const k = pose.focusShift;
    return {
      index,
      layers,
      blur: pose.blur * (g0.outHeight / 720),
      focus: [fx + (ox - fx) * k, fy + (oy - fy) * k],
      fisheye: pose.fisheye,
    };
  };

  const scaleRange = geometries.map((_, l) => {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < frames; i++) {
      const sc = affineScale(transform(l, timeOf(i)));
      min = Math.min(min, sc);
      max = Math.max(max, sc);
    }
    return { min, max };
  });
  return { frames, fps, frameAt, scaleRange };
}
