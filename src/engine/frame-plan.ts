/**
 * The render plan: for each frame, which picture layers to draw with which transforms
 * (several sub-frame samples when the move is fast: motion blur), and the frame's optical
 * effects. Pure data, computed once per task; workers draw it.
 */
import type { CameraPose } from './camera-pose.js';
import { relativePose, type CameraPath } from './camera-path.js';
import { smootherstep } from './easing.js';
import {
  affineScale, applyAffine, invertAffine, maxOffsets, poseTransform, requiredZoom,
  type Affine, type FrameGeometry,
} from './framing.js';
import { multiplyAffine } from './looks/affine.js';
import { planLook, type FrameLook } from './looks/index.js';
import { blurSampling } from './motion-blur.js';
import { layerPose, PLANE_DEPTH } from './scene/layer-projection.js';

export interface FrameLayer {
  /** Index of the source picture: the layers of image[0]'s scene, then image[1]'s. */
  source: number;
  /** Opacity the layer (with the `join` layers after it) is drawn with over what is below. */
  alpha: number;
  /** Transforms of the sub-frame samples, averaged with equal weights. */
  samples: Affine[];
  /** Drawn into the previous layer's group (sharing its opacity) rather than on its own. */
  join?: boolean;
}

/** The layers of one picture's scene, back to front; layer 0 is opaque (the background). */
export interface SceneLayout {
  /** Relative depth of each layer (the subject at 1, see scene/layer-projection). */
  depths: number[];
}

export interface FrameInstructions {
  index: number;
  layers: FrameLayer[];
  /** Defocus radius (output px) away from `focus`; 0 = sharp everywhere. */
  blur: number;
  focus: [number, number];
  /** Barrel distortion strength, 0 = none. */
  fisheye: number;
  /** Motion-blur smoothing σ (output px) where the sub-frame samples lie far apart. */
  smear?: number;
  /** A 2-D effect drawn over the finished frame (looks/). */
  look?: FrameLook;
}

export interface RenderPlan {
  frames: number;
  fps: number;
  /** Frame instructions, computed on demand (pure) so nothing grows with clip length. */
  frameAt(index: number): FrameInstructions;
  /** Output px per picture px, smallest and largest over the clip and its layers, per picture. */
  scaleRange: { min: number; max: number }[];
  /** Index of the first source of each picture's scene (its layers follow in order). */
  sourceBase: number[];
}

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
 * first frame, image[1] ends exactly on the last, and the move carries one into the other.
 * Each picture is a scene of layers at depths (one plane unless `scenes` says otherwise);
 * every layer is framed so that it covers the frame by itself, so nothing outside the
 * pictures ever shows.
 */
export function buildRenderPlan(options: {
  path: CameraPath;
  frames: number;
  fps: number;
  geometries: FrameGeometry[];
  /** Layers of each picture's scene; one plane each when left out. */
  scenes?: SceneLayout[];
  /** Most sub-frame samples per frame (tier dependent). */
  maxSamples: number;
}): RenderPlan {
  const { path, frames, fps, geometries, maxSamples } = options;
  const scenes = options.scenes ?? geometries.map(() => ({ depths: [PLANE_DEPTH] }));
  const sourceBase = scenes.map((_, l) => scenes.slice(0, l).reduce((n, sc) => n + sc.depths.length, 0));
  const g0 = geometries[0]!;
  const twoImages = geometries.length > 1;
  const start = path.poseAt(0);
  const end = path.poseAt(path.span);
  const timeOf = (i: number): number => (frames <= 1 ? 0 : (i / (frames - 1)) * path.span);
  /** Whether the camera ends further in than it starts (a dolly or push in). */
  const forward = end.tz - start.tz > 0.02 || end.zoom / start.zoom > 1.05;

  // The 2-D pose of every layer of picture `l` at time `s` (relative to the start/end pose
  // with two images, so each picture is exactly itself at its own end of the clip).
  const layerPoses = (l: number, s: number): CameraPose[] => {
    const p = path.poseAt(s);
    const scene = twoImages ? relativePose(p, l === 0 ? start : end) : p;
    return scenes[l]!.depths.map((d) => layerPose(scene, d));
  };

  // One pass over the frame times (and shutter edges) for the offsets and cover correction.
  const probe: CameraPose[][] = geometries.map(() => []);
  for (let i = 0; i < frames; i++) {
    const s = timeOf(i);
    const half = path.poseAt(s).shutter / fps / 2;
    for (let l = 0; l < geometries.length; l++) for (const t of [s - half, s, s + half]) probe[l]!.push(...layerPoses(l, t));
  }
  const offsets = geometries.map((g, l) => maxOffsets(g, probe[l]!));
  const constantZoom = geometries.map((g, l) => Math.max(...probe[l]!.map((p) => requiredZoom(g, p, offsets[l]!))));

  /** Transforms of every layer of picture `l` at time `s`. */
  const transforms = (l: number, s: number): Affine[] => {
    const g = geometries[l]!;
    const poses = layerPoses(l, s);
    // With two images the first/last frames must be exactly the pictures (framed as a
    // still would be), so offsets and cover correction are per instant (none at the ends).
    const off = twoImages ? maxOffsets(g, poses) : offsets[l]!;
    const zf = twoImages ? Math.max(...poses.map((p) => requiredZoom(g, p, off))) : constantZoom[l]!;
    // All layers lean toward the centre of interest by the same amount (the one the most
    // zoomed-out layer has room for), so at rest they line up into the picture.
    const leanZoom = Math.min(...poses.map((p) => p.zoom)) * zf;
    return poses.map((p) => poseTransform(g, p, zf, off, leanZoom));
  };

  const frameAt = (index: number): FrameInstructions => {
    const s = timeOf(index);
    const pose = path.poseAt(s);
    const half = pose.shutter / fps / 2;
    const edge = twoImages && (index === 0 || index === frames - 1);
    let n = 1;
    let smear = 0;
    if (!edge && maxSamples > 1) {
      const a = transforms(0, s - half);
      const b = transforms(0, s + half);
      const d = a.map((m, j) => displacement(m, b[j]!, g0.outWidth, g0.outHeight));
      ({ count: n, smear } = blurSampling(Math.max(...d), maxSamples, Math.min(...d)));
    }
    const times = n === 1 ? [s] : Array.from({ length: n }, (_, j) => s - half + ((j + 0.5) / n) * 2 * half);
    const sceneLayers = (l: number, alpha: number): FrameLayer[] => {
      const perTime = times.map((t) => transforms(l, t));
      return scenes[l]!.depths.map((_, j) => ({
        source: sourceBase[l]! + j,
        alpha,
        samples: perTime.map((ms) => ms[j]!),
        ...(j > 0 && { join: true }),
      }));
    };
    const front = sceneLayers(0, 1);
    let layers: FrameLayer[] = front;
    if (twoImages) {
      const u = s / path.span;
      if (front.length === 1) {
        const mix = smootherstep((u - 0.2) / 0.6);
        if (mix > 0) layers = [...front, ...sceneLayers(1, mix)];
      } else {
        // Depth-aware hand-over: image[1] arrives behind image[0]'s subject, which is
        // nearest to the camera and so is passed last (pushing through it on a dolly in,
        // holding while the background turns over on an arc).
        const mixBack = smootherstep((u - 0.25) / 0.45);
        const mixFront = smootherstep((u - 0.45) / 0.45);
        layers = [front[0]!];
        if (mixBack > 0) layers.push(...sceneLayers(1, mixBack));
        if (mixFront < 1) {
          // On a move forward the camera passes through the subject: it swells past the
          // lens (about the centre of interest) as it fades, rather than lingering as a ghost.
          const swell = forward ? 1 / (1 - 0.6 * mixFront) : 1;
          const through = (m: Affine): Affine => {
            if (swell === 1) return m;
            const [cx, cy] = applyAffine(m, g0.focusX, g0.focusY);
            return multiplyAffine([swell, 0, 0, swell, cx - swell * cx, cy - swell * cy], m);
          };
          const [first, ...rest] = front.slice(1);
          layers.push(
            { source: first!.source, alpha: 1 - mixFront, samples: first!.samples.map(through) },
            ...rest.map((l) => ({ ...l, samples: l.samples.map(through) })),
          );
        }
      }
    }
    const subject = front[front.length - 1]!;
    const main = subject.samples[Math.floor(subject.samples.length / 2)]!;
    const [fx, fy] = applyAffine(main, g0.focusX, g0.focusY);
    const [ox, oy] = Math.hypot(g0.outWidth - 2 * fx, g0.outHeight - 2 * fy) > g0.outWidth * 0.3
      ? [g0.outWidth - fx, g0.outHeight - fy]
      : [fx, g0.outHeight * 0.15];
    const k = pose.focusShift;
    const planned = path.look && planLook(path.look, {
      index, time: s, fps, span: path.span, width: g0.outWidth, height: g0.outHeight,
      anchorAt: (t) => transforms(0, t)[0]!,
    });
    // A look may move the whole picture (film weave, a jolt): after every layer's transform.
    const warp = planned?.warp;
    if (warp) layers = layers.map((l) => ({ ...l, samples: l.samples.map((m) => multiplyAffine(warp, m)) }));
    return {
      index,
      layers,
      blur: pose.blur * (g0.outHeight / 720),
      focus: [fx + (ox - fx) * k, fy + (oy - fy) * k],
      fisheye: pose.fisheye,
      ...(smear > 0 && { smear }),
      ...(planned && { look: planned.look }),
    };
  };

  const scaleRange = geometries.map((_, l) => {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < frames; i++) {
      for (const m of transforms(l, timeOf(i))) {
        const sc = affineScale(m);
        min = Math.min(min, sc);
        max = Math.max(max, sc);
      }
    }
    return { min, max };
  });
  return { frames, fps, frameAt, scaleRange, sourceBase };
}
