/**
 * The render plan: for each frame, which picture layers to draw with which transforms
 * (several sub-frame samples when the move is fast: motion blur), and the frame's optical
 * effects. Pure data, computed once per task; workers draw it.
 */
import type { CameraPose } from '../motion/camera-pose.js';
import { pathTravels, relativePose, type CameraPath } from '../motion/camera-path.js';
import { maxOffsets, poseTransform, requiredZoom, type FrameGeometry } from '../framing/framing.js';
import { affineScale, applyAffine, invertAffine, multiplyAffine, sameAffine, type Affine } from '../maths/affine.js';
import { planLook, type FrameLook } from '../looks/index.js';
import { BLUR_START_PX, blurSampling } from './motion-blur.js';
import { layerPose, PLANE_DEPTH, SUBJECT_DEPTH } from '../scene/layer-projection.js';
import {
  groundBandAffine,
  groundBandRows,
  groundDepthAt,
  standingSpans,
  type GroundPlane,
} from '../scene/ground-plane.js';
import { besideSky, type PictureRect } from '../scene/sky-region.js';
import {
  planTransition,
  type MatchOutcome,
  type SubjectMatch,
  type Transition,
  type TransitionKind,
  type TransitionStage,
} from './two-image-transition.js';

export interface FrameLayer {
  /** Index of the source picture: the layers of image[0]'s scene, then image[1]'s. */
  source: number;
  /** Opacity the layer (with the `join` layers after it) is drawn with over what is below. */
  alpha: number;
  /** Transforms of the sub-frame samples, averaged with equal weights. */
  samples: Affine[];
  /** Drawn into the previous layer's group (sharing its opacity) rather than on its own. */
  join?: boolean;
  /** Only these rows of the source (picture px, top and bottom), e.g. one band of the ground. */
  rows?: [number, number];
  /** Only these columns of the source (picture px, left and right), e.g. a wall standing on the ground. */
  cols?: [number, number];
  /** The group this layer starts is drawn through this mask (a transition's edge). */
  mask?: LayerMask;
}

/**
 * Where a group shows, in output px: a linear ramp (clear at `from`, opaque at `to`) or a
 * disc (opaque within `r0` of the centre, clear beyond `r1`; `inverted`: the other way).
 */
export type LayerMask =
  | { kind: 'linear'; from: [number, number]; to: [number, number] }
  | { kind: 'radial'; centre: [number, number]; r0: number; r1: number; inverted?: boolean };

/** The layers of one picture's scene, back to front; layer 0 is opaque (the background). */
export interface SceneLayout {
  /** Relative depth of each layer (the subject at 1, see scene/layer-projection). */
  depths: number[];
  /** Layer 0's lower part is a ground plane receding from the bottom row to the horizon. */
  ground?: GroundPlane;
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
  /**
   * The camera is at rest in a layered scene: one picture, every layer under one
   * transform, one sample — the painter composites level by level (exact at rest).
   */
  rest?: boolean;
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
  /** With two pictures, how the first is carried into the second. */
  transition?: TransitionKind;
  /** With two pictures and a match asked for: whether the match cut was made, and how. */
  match?: MatchOutcome;
}

/** The largest distance (output px) a frame corner or its centre moves from transform `a` to `b`. */
function displacement(a: Affine, b: Affine, w: number, h: number): number {
  const inv = invertAffine(a);
  let max = 0;
  for (const [x, y] of [
    [0, 0],
    [w, 0],
    [0, h],
    [w, h],
    [w / 2, h / 2],
  ] as const) {
    const [px, py] = applyAffine(inv, x, y);
    const [qx, qy] = applyAffine(b, px, py);
    max = Math.max(max, Math.hypot(qx - x, qy - y));
  }
  return max;
}

/** The depths a scene's layers and ground take, for the cover correction and the scale range. */
function probeDepths(scene: SceneLayout): number[] {
  const g = scene.ground;
  return g ? [...scene.depths, g.near, ...(g.sky ? [g.sky.depth] : [])] : scene.depths;
}

/** A move starts at rest unless that needs a crop this much closer than its centred travel would (measured: Dolly In, tracks and orbits 0-2 %, cranes 5-18 %, arcs 9-27 %, Robo Arm 13-49 %). */
const MAX_REST_CROP = 1.15;
/**
 * A move that needs more (an arc, Robo Arm) rests too, its crop ramped in from the rest
 * frame and its travel shortened until the closest crop is at most this much closer than
 * the centred travel's constant one.
 */
const MAX_RAMP_CROP = 1.1;
/** Halvings of the bisection for that shortening (2^-12 of the travel). */
const TRAVEL_STEPS = 12;
/** Share of the picture's width each standing span is drawn beyond its columns on both sides (see `sceneLayers`). */
const SPAN_OVERLAP = 0.006;
/** Output height (px) the motions' defocus radii are given at; the blur scales with the frame. */
const BLUR_DESIGN_HEIGHT = 720;
/**
 * A focus pull (`focusShift`) from a subject off the centre, twice its distance from the
 * frame's centre above this share of the frame width, goes to the point opposite it
 * through the centre; from a subject nearer the centre, straight up to
 * `FOCUS_PULL_NEAR_CENTRE_Y`.
 */
const FOCUS_PULL_OFF_CENTRE = 0.3;
/** Where a focus pull from a subject near the centre goes: this share of the frame height from the top. */
const FOCUS_PULL_NEAR_CENTRE_Y = 0.15;

export interface RenderPlanOptions {
  path: CameraPath;
  frames: number;
  fps: number;
  geometries: FrameGeometry[];
  /** Layers of each picture's scene; one plane each when left out. */
  scenes?: SceneLayout[];
  /** Most sub-frame samples per frame (tier dependent). */
  maxSamples: number;
  /** With two pictures, their subjects to line up in a match cut (two-image-transition.ts). */
  match?: SubjectMatch;
}

/** How the clip's camera frames each picture: fixed once per plan, pure, read by every stage. */
interface ClipFraming {
  path: CameraPath;
  frames: number;
  fps: number;
  maxSamples: number;
  geometries: FrameGeometry[];
  scenes: SceneLayout[];
  /** Index of the first source of each picture's scene. */
  sourceBase: number[];
  twoImages: boolean;
  /** Clip time (s) of frame `i`. */
  timeOf(i: number): number;
  /** The camera relative to picture `l`'s scene at time `s`. */
  sceneAt(l: number, s: number): CameraPose;
  /** The transform of a plane at any depth of picture `l` at time `s`. */
  depthAffine(l: number, s: number): (depth: number) => Affine;
  /** With two pictures, how the first is carried into the second. */
  transition?: Transition;
}

/**
 * Builds the plan. With one geometry the camera path is framed with one constant cover
 * correction (so a zoom stays a pure zoom); with two, image[0] starts exactly at the
 * first frame, image[1] ends exactly on the last, and the move carries one into the other
 * (two-image-transition.ts; a match cut on their subjects when `match` gives them). Each
 * picture is a scene of layers at depths (one plane unless `scenes` says otherwise), its
 * background's lower part a receding ground plane when the scene has one (drawn in bands,
 * scene/ground-plane.ts); every layer and every depth of the ground is framed so that it
 * covers the frame by itself, so nothing outside the pictures ever shows.
 *
 * The stages: `frameClip` places the camera and frames every layer over the clip (once),
 * `transitionOf` plans how two pictures hand over, and `frameAt` draws each frame from
 * its motion-blur samples (`blurSamples`), the transition's movement of each picture
 * (`swell`), the pictures shown (`handOver`), the look's warp (`lookWarp`) and the point
 * in focus (`focusAt`).
 */
export function buildRenderPlan(options: RenderPlanOptions): RenderPlan {
  const framing = frameClip(options);
  const transition = framing.twoImages ? transitionOf(framing, options.match) : undefined;
  const clip: ClipFraming = { ...framing, ...(transition && { transition }) };
  return {
    frames: clip.frames,
    fps: clip.fps,
    frameAt: (index) => frameAt(clip, index),
    scaleRange: scaleRanges(clip),
    sourceBase: clip.sourceBase,
    ...(transition && { transition: transition.kind }),
    ...(transition?.match && { match: transition.match }),
  };
}

/** The scenes (one plane per picture when none are given), and how the camera frames them over the clip. */
function frameClip(options: RenderPlanOptions): ClipFraming {
  const { path, frames, fps, geometries, maxSamples } = options;
  const scenes: SceneLayout[] = options.scenes ?? geometries.map(() => ({ depths: [PLANE_DEPTH] }));
  const sourceBase = scenes.map((_, l) => scenes.slice(0, l).reduce((n, sc) => n + sc.depths.length, 0));
  const twoImages = geometries.length > 1;
  const timeOf = (i: number): number => (frames <= 1 ? 0 : (i / (frames - 1)) * path.span);
  const depthsOf = scenes.map(probeDepths);
  const { sceneAt, coverAt } = placeCamera({ path, frames, fps, geometries, depthsOf, twoImages, timeOf });

  const depthAffine = (l: number, s: number): ((depth: number) => Affine) => {
    const g = geometries[l]!;
    const p = sceneAt(l, s);
    const poses = depthsOf[l]!.map((d) => layerPose(p, d));
    // With two images the first/last frames must be exactly the pictures (framed as a
    // still would be), so offsets and cover correction are per instant (none at the ends);
    // with one, they ramp from the rest frame's own (see placeCamera).
    const cover = twoImages ? instantCover(g, poses) : coverAt(s);
    const off = cover.offsets;
    const zf = cover.zoom;
    // All layers lean toward the centre of interest by the same amount (the one the most
    // zoomed-out layer has room for), so at rest they line up into the picture.
    const leanZoom = Math.min(...poses.map((q) => q.zoom)) * zf;
    return (d) => poseTransform(g, layerPose(p, d), zf, off, leanZoom);
  };
  return { path, frames, fps, maxSamples, geometries, scenes, sourceBase, twoImages, timeOf, sceneAt, depthAffine };
}

/** Offsets (picture px, per axis) and cover correction that keep a picture's frame covered. */
interface Cover {
  offsets: { mx: number; my: number };
  zoom: number;
}

/** What the camera placement needs of the clip. */
interface Placing {
  path: CameraPath;
  frames: number;
  fps: number;
  geometries: FrameGeometry[];
  depthsOf: number[][];
  twoImages: boolean;
  timeOf(i: number): number;
}

/** The cover of one instant: just the offsets and zoom that the layers' poses there need. */
function instantCover(g: FrameGeometry, poses: CameraPose[]): Cover {
  const offsets = maxOffsets(g, poses);
  return { offsets, zoom: Math.max(...poses.map((q) => requiredZoom(g, q, offsets))) };
}

/**
 * Where the camera stands relative to each picture's scene over the clip, and the offsets
 * and cover correction that keep the frame covered at each instant.
 *
 * The picture was taken from one camera position: its layers line up there and only
 * there. A move's travel may be centred (an arc, a track, a boom: from −a to +a so the
 * framing stays balanced), which would open the clip already off that position, the
 * subject slid over its own filled hole. So the travel counts from the clip's end the
 * dolly starts from (the first frame; the last for a move that lands on the picture, a
 * dolly out or a crane whose travel ends at zero), with the subject's framing there (pan,
 * zoom) kept: that frame is the picture. The layers then part one way, up to twice as
 * far as when centred, under one constant cover correction over the clip (a zoom stays a
 * pure zoom). Where that would need a much closer crop (MAX_REST_CROP: an arc, Robo Arm),
 * the cover instead ramps from the rest frame (see `coverRamp`): the margin the layers'
 * slides need is taken as the camera gets there, so the rest frame is framed as the
 * move's roll and zoom alone would frame it, and the travel is shortened until the
 * closest crop fits MAX_RAMP_CROP.
 */
function placeCamera(o: Placing): {
  sceneAt(l: number, s: number): CameraPose;
  coverAt(s: number): Cover;
} {
  const { path, geometries, depthsOf } = o;
  const start = path.poseAt(0);
  const end = path.poseAt(path.span);
  if (o.twoImages) {
    // Each picture relative to its own end of the clip; its cover is per instant (frameClip).
    return {
      sceneAt: (l, s) => relativePose(path.poseAt(s), l === 0 ? start : end),
      coverAt: () => {
        throw new Error('two pictures are covered per instant');
      },
    };
  }
  const g = geometries[0]!;
  const depths = depthsOf[0]!;
  const times = probeTimes(o);
  if (!pathTravels(path, o.frames)) {
    const cover = constantCover(g, depths, times, (s) => path.poseAt(s));
    return { sceneAt: (_l, s) => path.poseAt(s), coverAt: () => cover };
  }
  const landing = Math.abs(end.tz) < Math.abs(start.tz);
  const fromRest = restFrom(landing ? end : start);
  const rest = fromRest(landing ? end : start);
  const at = (k: number) => (s: number) => shorten(fromRest(path.poseAt(s)), rest, k);
  const centred = constantCover(g, depths, times, (s) => path.poseAt(s)).zoom;
  const rested = constantCover(g, depths, times, at(1));
  if (rested.zoom <= MAX_REST_CROP * centred) return { sceneAt: (_l, s) => at(1)(s), coverAt: () => rested };
  const most = MAX_RAMP_CROP * centred;
  let k = 1;
  let ramp = coverRamp(g, depths, times, at(1), landing);
  if (ramp.max > most) {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < TRAVEL_STEPS; i++) {
      const mid = (lo + hi) / 2;
      if (coverRamp(g, depths, times, at(mid), landing).max > most) hi = mid;
      else lo = mid;
    }
    k = lo;
    ramp = coverRamp(g, depths, times, at(k), landing);
  }
  const place = at(k);
  return { sceneAt: (_l, s) => place(s), coverAt: ramp.at };
}

/** Poses counted from `anchor`, where the picture's layers line up, keeping the subject's framing there. */
function restFrom(anchor: CameraPose): (p: CameraPose) => CameraPose {
  const restPose = layerPose(anchor, SUBJECT_DEPTH);
  return (p) => ({
    ...p,
    tx: p.tx - anchor.tx,
    ty: p.ty - anchor.ty,
    tz: p.tz - anchor.tz,
    x: p.x + restPose.x - anchor.x,
    y: p.y + restPose.y - anchor.y,
    zoom: (p.zoom * restPose.zoom) / anchor.zoom,
  });
}

/**
 * A pose counted from rest with its sideways and vertical travel (and the pan that goes
 * with it: an arc's aim back at the subject) shortened to `k` of the way from `rest`; its
 * travel forward (which magnifies, needing little margin), zoom and roll kept.
 */
function shorten(p: CameraPose, rest: CameraPose, k: number): CameraPose {
  if (k === 1) return p;
  return {
    ...p,
    tx: p.tx * k,
    ty: p.ty * k,
    x: rest.x + (p.x - rest.x) * k,
    y: rest.y + (p.y - rest.y) * k,
  };
}

/** The clip times the cover is probed at, ascending: every frame and its shutter's edges. */
function probeTimes(o: Placing): number[] {
  const { path, frames, fps, timeOf } = o;
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const s = timeOf(i);
    const half = path.poseAt(s).shutter / fps / 2;
    for (const t of [s - half, s, s + half]) times.push(Math.min(path.span, Math.max(0, t)));
  }
  return [...new Set(times)].sort((a, b) => a - b);
}

/** One offset and cover correction for every probed instant (the largest any needs). */
function constantCover(g: FrameGeometry, depths: number[], times: number[], at: (s: number) => CameraPose): Cover {
  const poses = times.flatMap((t) => depths.map((d) => layerPose(at(t), d)));
  return instantCover(g, poses);
}

/**
 * A depth move's cover, ramped from its rest end (the first frame, or the last with
 * `fromEnd`): offsets and cover correction that only ever grow away from rest (so the
 * crop never breathes in and out with an orbit's swing), each instant's the largest any
 * instant between it and rest needed. Only the layers' slides ramp: the crop the poses
 * need with no offsets (a roll, a layer shrinking below cover: a dolly zoom's
 * background) is held over the whole clip, as a 2-D move holds it. Between probed
 * instants the values are interpolated. `max`: the ramp's closest crop.
 */
function coverRamp(
  g: FrameGeometry,
  depths: number[],
  times: number[],
  at: (s: number) => CameraPose,
  fromEnd: boolean,
): { max: number; at(s: number): Cover } {
  const poses = times.map((t) => depths.map((d) => layerPose(at(t), d)));
  const none = { mx: 0, my: 0 };
  const still = Math.max(...poses.flat().map((q) => requiredZoom(g, q, none)));
  const mx = new Float64Array(times.length);
  const my = new Float64Array(times.length);
  const zoom = new Float64Array(times.length);
  let m = { ...none };
  let z = still;
  for (let n = 0; n < times.length; n++) {
    const i = fromEnd ? times.length - 1 - n : n;
    const o = maxOffsets(g, poses[i]!);
    m = { mx: Math.max(m.mx, o.mx), my: Math.max(m.my, o.my) };
    z = Math.max(z, ...poses[i]!.map((q) => requiredZoom(g, q, m)));
    mx[i] = m.mx;
    my[i] = m.my;
    zoom[i] = z;
  }
  return {
    max: z,
    at(s) {
      // The probe at or after s, and the share of the way to it from the one before.
      let hi = 0;
      let lo = times.length - 1;
      let j = times.length - 1;
      while (hi <= lo) {
        const mid = (hi + lo) >> 1;
        if (times[mid]! >= s) {
          j = mid;
          lo = mid - 1;
        } else hi = mid + 1;
      }
      const i = Math.max(0, j - 1);
      const u =
        j === i || times[j]! <= times[i]! ? 1 : Math.min(1, Math.max(0, (s - times[i]!) / (times[j]! - times[i]!)));
      const lerp = (v: Float64Array): number => v[i]! + (v[j]! - v[i]!) * u;
      return { offsets: { mx: lerp(mx), my: lerp(my) }, zoom: lerp(zoom) };
    },
  };
}

/** Transforms of every layer of picture `l` at time `s`. */
function layerTransforms(clip: ClipFraming, l: number, s: number): Affine[] {
  const at = clip.depthAffine(l, s);
  return clip.scenes[l]!.depths.map((d) => at(d));
}

/** Transforms of the far background, every layer, and the nearest ground (the scales drawn). */
function reach(clip: ClipFraming, l: number, s: number): Affine[] {
  const at = clip.depthAffine(l, s);
  return probeDepths(clip.scenes[l]!).map((d) => at(d));
}

/** With two pictures, the transition that hands the first over to the second. */
function transitionOf(clip: ClipFraming, match: SubjectMatch | undefined): Transition {
  const { path, fps, geometries, scenes } = clip;
  const g0 = geometries[0]!;
  return planTransition({
    span: path.span,
    fps,
    width: g0.outWidth,
    height: g0.outHeight,
    focus: [g0.focusX, g0.focusY],
    farPose: (s) => layerPose(clip.sceneAt(0, s), scenes[0]!.depths[0]!),
    main: (l, s) => clip.depthAffine(l, s)(scenes[l]!.depths.at(-1)!),
    layers: (l, s) => reach(clip, l, s),
    pictures: [0, 1].map((l) => ({ width: geometries[l]!.imageWidth, height: geometries[l]!.imageHeight })) as [
      { width: number; height: number },
      { width: number; height: number },
    ],
    ...(match && { match }),
  });
}

/**
 * A picture's layers at the sub-frame times: the far background, the ground in bands cut at
 * the frame's time `s`, what stands on the ground in column spans over them, then the
 * matted layers.
 */
function sceneLayers(clip: ClipFraming, l: number, s: number, times: number[]): FrameLayer[] {
  const scene = clip.scenes[l]!;
  const g = clip.geometries[l]!;
  const ats = times.map((t) => clip.depthAffine(l, t));
  const plane = planeSamples(clip, l, s, times, ats);
  const base = clip.sourceBase[l]!;
  const layers: FrameLayer[] = [];
  const ground = scene.ground;
  if (ground) {
    const far = scene.depths[0]!;
    const H = g.imageHeight;
    const rowDepth = (row: number): number => groundDepthAt(ground, far, row / H);
    const horizon = ground.horizon * H;
    const mid = clip.depthAffine(l, s);
    const rows = groundBandRows((row) => mid(rowDepth(row)), horizon, H, g.outWidth);
    const W = g.imageWidth;
    const sky = ground.sky;
    // Above the horizon: the sky's plane, then what is not sky at the far background's depth
    // over it (or the far background alone). At rest all share one transform: the picture.
    layers.push({ source: base, alpha: 1, samples: plane(sky ? sky.depth : far), rows: [0, horizon] });
    const rects = (u0: number, u1: number, v1: number): PictureRect[] =>
      sky ? besideSky(sky, u0, u1, 0, v1) : [{ u0, u1, v0: 0, v1 }];
    if (sky)
      for (const r of rects(0, 1, ground.horizon))
        layers.push({
          source: base,
          alpha: 1,
          join: true,
          rows: [r.v0 * H, r.v1 * H],
          cols: [r.u0 * W, r.u1 * W],
          samples: plane(far),
        });
    for (let b = 0; b + 1 < rows.length; b++) {
      const ya = rows[b]!;
      const yb = rows[b + 1]!;
      layers.push({
        source: base,
        alpha: 1,
        join: true,
        rows: [ya, yb],
        samples: ats.map((at) => groundBandAffine((row) => at(rowDepth(row)), ya, yb, g.outWidth, g.outHeight)),
      });
    }
    // What stands on the ground (walls, house fronts) at its foot's depth, in column spans over
    // it, back to front. Neighbouring spans at slightly different depths part by up to a few
    // px, and the far background showed through as a sliver of sky: a span is drawn a little
    // wider under a nearer span beside it (which, drawn later, covers it where it stands).
    const overlap = Math.ceil(SPAN_OVERLAP * g.imageWidth);
    const spans = standingSpans(mid, ground, far, g.imageWidth, H);
    const nearerAt = (x: number, depth: number): boolean =>
      spans.some((o) => (o.x0 === x || o.x1 === x) && o.depth < depth);
    for (const span of spans) {
      const adjoins = (x: number): boolean => nearerAt(x, span.depth);
      const x0 = adjoins(span.x0) ? Math.max(0, span.x0 - overlap) : span.x0;
      const x1 = adjoins(span.x1) ? Math.min(g.imageWidth, span.x1 + overlap) : span.x1;
      // The sky above a wall stays the sky's.
      for (const r of rects(x0 / W, x1 / W, span.y1 / H))
        layers.push({
          source: base,
          alpha: 1,
          join: true,
          rows: [r.v0 * H, r.v1 * H],
          cols: [r.u0 * W, r.u1 * W],
          samples: ats.map((at) => at(span.depth)),
        });
    }
  } else {
    layers.push({ source: base, alpha: 1, samples: plane(scene.depths[0]!) });
  }
  for (let j = 1; j < scene.depths.length; j++) {
    layers.push({ source: base + j, alpha: 1, join: true, samples: plane(scene.depths[j]!) });
  }
  return layers;
}

/**
 * The sub-frame samples of a plane at one depth (the far background, a matted layer): all of
 * them, or only the one at the frame's time `s` when that plane itself travels no more than
 * BLUR_START_PX within the shutter, the travel below which a frame gets no motion blur at
 * all (measured as `blurSamples` measures it). A frame's sample count follows its fastest
 * plane; on an arc the subject the camera holds moves under a pixel, and copies of it that
 * close average to what one copy shows, at a draw each. The ground's bands and standing
 * spans keep every sample: they meet edge to edge. With two pictures the transition moves
 * each sample (`swell`), so every layer keeps them all.
 */
function planeSamples(
  clip: ClipFraming,
  l: number,
  s: number,
  times: number[],
  ats: ((depth: number) => Affine)[],
): (depth: number) => Affine[] {
  const n = times.length;
  if (n === 1 || clip.transition) return (d) => ats.map((at) => at(d));
  const g = clip.geometries[l]!;
  // The samples sit at the middles of n equal parts of the shutter.
  const half = ((times[n - 1]! - times[0]!) * n) / (n - 1) / 2;
  const [open, mid, shut] = [s - half, s, s + half].map((t) => clip.depthAffine(l, t));
  return (d) =>
    displacement(open!(d), shut!(d), g.outWidth, g.outHeight) > BLUR_START_PX ? ats.map((at) => at(d)) : [mid!(d)];
}

/** One frame: its sub-frame samples, the pictures handed over, the look's warp and the focus. */
function frameAt(clip: ClipFraming, index: number): FrameInstructions {
  const g0 = clip.geometries[0]!;
  const s = clip.timeOf(index);
  const pose = clip.path.poseAt(s);
  const stage = clip.transition?.stage(s) ?? { show: [0] as const };
  const { times, smear } = blurSamples(clip, index, s, pose.shutter / clip.fps / 2, stage);
  let layers = handOver(stage, (l) => swell(clip, l, sceneLayers(clip, l, s, times), times));
  const rest = atRest(times.length, stage, layers);
  const planned = lookAt(clip, index, s);
  // A look may move the whole picture (film weave, a jolt): after every layer's transform.
  if (planned?.warp) layers = lookWarp(layers, planned.warp);
  return {
    index,
    layers,
    blur: pose.blur * (g0.outHeight / BLUR_DESIGN_HEIGHT),
    focus: focusAt(clip, s, pose.focusShift),
    fisheye: pose.fisheye,
    ...(smear > 0 && { smear }),
    ...(planned && { look: planned.look }),
    ...(rest && { rest }),
  };
}

/**
 * Motion blur: the sub-frame times of frame `index` (time `s`, the shutter open from
 * `s - half` to `s + half`) and the smoothing of their average, from how far what is shown
 * travels within the shutter (motion-blur.ts). One sample at a two-image clip's first and
 * last frames, which are exactly the pictures.
 */
function blurSamples(
  clip: ClipFraming,
  index: number,
  s: number,
  /** Half the shutter's opening, s. */
  half: number,
  stage: TransitionStage,
): { times: number[]; smear: number } {
  const { twoImages, frames, maxSamples } = clip;
  const g0 = clip.geometries[0]!;
  const edge = twoImages && (index === 0 || index === frames - 1);
  let n = 1;
  let smear = 0;
  if (!edge && maxSamples > 1) {
    const d = stage.show.flatMap((l) => {
      // The layers' own depths (the nearest ground, faster still at the frame's bottom
      // edge, would add samples to every arc for a strip few look at).
      const a = blurMoved(clip, l, s - half, layerTransforms(clip, l, s - half));
      const b = blurMoved(clip, l, s + half, layerTransforms(clip, l, s + half));
      return a.map((m, j) => displacement(m, b[j]!, g0.outWidth, g0.outHeight));
    });
    ({ count: n, smear } = blurSampling(Math.max(...d), maxSamples, Math.min(...d)));
  }
  const times = n === 1 ? [s] : Array.from({ length: n }, (_, j) => s - half + ((j + 0.5) / n) * 2 * half);
  return { times, smear };
}

/**
 * Transforms `ms` of picture `l` at time `t` as motion blur sees them: with the whip's
 * travel (a whip streaks) or the match cut's lean (a camera move); not an iris's swell,
 * which would blur the picture opening inside it.
 */
function blurMoved(clip: ClipFraming, l: number, t: number, ms: Affine[]): Affine[] {
  const kind = clip.transition?.kind;
  const m = kind === 'whip' || kind === 'match-cut' ? clip.transition?.shift(l, t) : undefined;
  return m ? ms.map((a) => multiplyAffine(m, a)) : ms;
}

/**
 * The swell: picture `l`'s layers moved by the transition's own movement of it (an iris's
 * swell, a whip's travel, a match cut's lean) at each sample time.
 */
function swell(clip: ClipFraming, l: number, layers: FrameLayer[], times: number[]): FrameLayer[] {
  const { transition } = clip;
  if (!transition) return layers;
  const perTime = times.map((t) => transition.shift(l, t));
  if (perTime.every((m) => !m)) return layers;
  return layers.map((layer) => ({
    ...layer,
    samples: layer.samples.map((a, k) => (perTime[k] ? multiplyAffine(perTime[k]!, a) : a)),
  }));
}

/**
 * The hand-over: the layers of what the stage shows, one picture, or two (the lower one
 * whole, the upper one through the transition's mask).
 */
function handOver(stage: TransitionStage, pictureLayers: (l: number) => FrameLayer[]): FrameLayer[] {
  if (stage.show.length === 1) return pictureLayers(stage.show[0]);
  const [lower, upper] = stage.show;
  const top = pictureLayers(upper);
  return [...pictureLayers(lower), { ...top[0]!, join: false, mask: stage.mask }, ...top.slice(1)];
}

/** At rest: one sample, one picture shown, with several layers all under one transform. */
function atRest(samples: number, stage: TransitionStage, layers: FrameLayer[]): boolean {
  return (
    samples === 1 &&
    stage.show.length === 1 &&
    layers.length > 1 &&
    layers.every((l) => sameAffine(l.samples[0]!, layers[0]!.samples[0]!))
  );
}

/** The clip's look (if any) at frame `index`, anchored to the first picture's background. */
function lookAt(clip: ClipFraming, index: number, s: number): ReturnType<typeof planLook> | undefined {
  const { path, fps } = clip;
  const g0 = clip.geometries[0]!;
  return (
    path.look &&
    planLook(path.look, {
      index,
      time: s,
      fps,
      span: path.span,
      width: g0.outWidth,
      height: g0.outHeight,
      anchorAt: (t) => layerTransforms(clip, 0, t)[0]!,
    })
  );
}

/** Every sample of every layer moved by the look's warp of the whole picture. */
function lookWarp(layers: FrameLayer[], warp: Affine): FrameLayer[] {
  return layers.map((l) => ({ ...l, samples: l.samples.map((m) => multiplyAffine(warp, m)) }));
}

/**
 * The point in focus (output px) at time `s`: the centre of interest on the nearest layer,
 * pulled by `k` (the pose's `focusShift`, 0 to 1) toward the point the focus pull goes to.
 */
function focusAt(clip: ClipFraming, s: number, k: number): [number, number] {
  const g0 = clip.geometries[0]!;
  const nearest = clip.depthAffine(0, s)(clip.scenes[0]!.depths.at(-1)!);
  const [fx, fy] = applyAffine(nearest, g0.focusX, g0.focusY);
  const [ox, oy] =
    Math.hypot(g0.outWidth - 2 * fx, g0.outHeight - 2 * fy) > g0.outWidth * FOCUS_PULL_OFF_CENTRE
      ? [g0.outWidth - fx, g0.outHeight - fy]
      : [fx, g0.outHeight * FOCUS_PULL_NEAR_CENTRE_Y];
  return [fx + (ox - fx) * k, fy + (oy - fy) * k];
}

/** Output px per picture px, smallest and largest over the clip and its layers, per picture. */
function scaleRanges(clip: ClipFraming): { min: number; max: number }[] {
  const { geometries, frames, timeOf, transition } = clip;
  return geometries.map((_, l) => {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < frames; i++) {
      // With the transition's own zoom of the picture (a match cut's lean into its subject).
      const k = transition?.shift(l, timeOf(i));
      for (const m of reach(clip, l, timeOf(i))) {
        const sc = affineScale(m) * (k ? affineScale(k) : 1);
        min = Math.min(min, sc);
        max = Math.max(max, sc);
      }
    }
    return { min, max };
  });
}
