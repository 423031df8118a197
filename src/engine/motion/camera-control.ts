/**
 * Camera paths from user data: the six numeric axes, keyframed paths, loops. Both end up
 * as keyframes in one format (core/camera-request.ts) turned into camera poses here, so a
 * path a task records (`resolvePathSpec`) can be sent back and renders the same frames.
 *
 * Units (see README "Camera control"): keyframe `x`/`y` are camera positions in frame
 * widths/heights at the subject's distance (they travel through the scene: parallax), `z`
 * in subject distances; `pan`/`tilt`/`roll` are degrees; `zoom` is a magnification. Turns
 * use a pinhole with a 50° horizontal field of view: turning by θ slides the picture by
 * f·tan θ pixels, f = W / (2·tan 25°).
 */
import type { CameraAxes, CameraPathSpec, CameraRequest, PathEasing, PathKeyframe } from '../../core/camera-request.js';
import { addToPose, NEUTRAL_POSE, type CameraPose } from './camera-pose.js';
import { buildCameraPath, loopPhase, loopTime, type CameraPath, type PathMotion } from './camera-path.js';
import { EASINGS, type Easing } from './easing.js';
import type { MotionDefinition } from './motion-definitions.js';
import { DEFAULT_MODIFIERS, type PromptModifiers } from './prompt-modifiers.js';

/** Half the horizontal field of view the turns assume. */
export const HALF_FOV_DEG = 25;
/** Focal length in frame widths: content slides FOCAL·tan θ frame widths for a turn of θ. */
export const FOCAL = 1 / (2 * Math.tan((HALF_FOV_DEG * Math.PI) / 180));

/** One axis unit: 2 % of the frame of camera travel, 1° of turn or roll, ×1.05 of zoom. */
export const TRAVEL_PER_UNIT = 0.02;
export const DEGREES_PER_UNIT = 1;
export const ZOOM_PER_UNIT = 1.05;

const rad = (d: number): number => (d * Math.PI) / 180;
const deg = (r: number): number => (r * 180) / Math.PI;

type Channel = 'x' | 'y' | 'z' | 'zoom' | 'roll' | 'pan' | 'tilt' | 'shutter' | 'blur' | 'fisheye' | 'focus_shift';
const CHANNELS: readonly Channel[] = [
  'x',
  'y',
  'z',
  'zoom',
  'roll',
  'pan',
  'tilt',
  'shutter',
  'blur',
  'fisheye',
  'focus_shift',
];
const REST: Readonly<Record<Channel, number>> = {
  x: 0,
  y: 0,
  z: 0,
  zoom: 1,
  roll: 0,
  pan: 0,
  tilt: 0,
  shutter: 0.5,
  blur: 0,
  fisheye: 0,
  focus_shift: 0,
};

/** A keyframe's values as the camera pose they describe. `aspect` = output width / height. */
export function keyframePose(k: Omit<PathKeyframe, 't'>, aspect: number): CameraPose {
  const v = (c: Channel): number => k[c] ?? REST[c];
  return {
    ...NEUTRAL_POSE,
    tx: v('x'),
    ty: -v('y'),
    tz: v('z'),
    zoom: v('zoom'),
    roll: -rad(v('roll')),
    x: FOCAL * Math.tan(rad(v('pan'))),
    y: -FOCAL * aspect * Math.tan(rad(v('tilt'))),
    shutter: v('shutter'),
    blur: v('blur'),
    fisheye: v('fisheye'),
    focusShift: v('focus_shift'),
  };
}

/** The keyframe of a camera pose at time `t` (the inverse of `keyframePose`). */
export function poseKeyframe(p: CameraPose, t: number, aspect: number): PathKeyframe {
  return {
    t,
    x: p.tx,
    y: -p.ty,
    z: p.tz,
    zoom: p.zoom,
    roll: -deg(p.roll),
    pan: deg(Math.atan(p.x / FOCAL)),
    tilt: -deg(Math.atan(p.y / (FOCAL * aspect))),
    shutter: p.shutter,
    blur: p.blur,
    fisheye: p.fisheye,
    focus_shift: p.focusShift,
  };
}

/**
 * The six axes as a path added on top of whatever else moves: travels, turns and roll
 * centred on the framing (half each way, as the presets' travels are, so the picture needs
 * the least enlarging), the zoom from 1 to ZOOM_PER_UNIT^zoom, eased in and out.
 */
export function axesPath(a: CameraAxes): CameraPathSpec {
  const half = (v: number | undefined, unit: number): number => ((v ?? 0) * unit) / 2;
  const h = half(a.horizontal, TRAVEL_PER_UNIT);
  const vt = half(a.vertical, TRAVEL_PER_UNIT);
  const p = half(a.pan, DEGREES_PER_UNIT);
  const ti = half(a.tilt, DEGREES_PER_UNIT);
  const r = half(a.roll, DEGREES_PER_UNIT);
  return {
    easing: 'easeInOutSine',
    keyframes: [
      { t: 0, x: -h, y: -vt, pan: -p, tilt: -ti, roll: -r, zoom: 1 },
      { t: 1, x: h, y: vt, pan: p, tilt: ti, roll: r, zoom: ZOOM_PER_UNIT ** (a.zoom ?? 0) },
    ],
  };
}

/** Channels sampled on a log scale (a zoom feels constant-speed when its log is). */
const toCurve = (c: Channel, v: number): number => (c === 'zoom' ? Math.log(v) : v);
const fromCurve = (c: Channel, v: number): number => (c === 'zoom' ? Math.exp(v) : v);

/**
 * A keyframed path as a function of normalised time `u` (0..1) to keyframe values.
 * `smooth` is a cubic through every keyframe with Catmull-Rom slopes (at rest at the ends;
 * wrapping round with `loop`); the named easings ease each segment. Before the first and
 * after the last keyframe the values hold; with `loop` the path runs from the last
 * keyframe back to the first (at t = 1 + first t).
 */
export function sampleKeyframes(spec: CameraPathSpec, loop: boolean): (u: number) => Omit<PathKeyframe, 't'> {
  let keys = [...spec.keyframes];
  // With a loop, t = 1 is t = 0 again: a closing keyframe adds nothing.
  if (loop && keys.length > 1 && keys[keys.length - 1]!.t === 1 && keys[0]!.t === 0) keys = keys.slice(0, -1);
  const easing: PathEasing = spec.easing ?? 'smooth';
  const ease: Easing | undefined = easing === 'smooth' ? undefined : EASINGS[easing];
  const n = keys.length;
  const times = keys.map((k) => k.t);
  const values = CHANNELS.map((c) => keys.map((k) => toCurve(c, k[c] ?? REST[c])));
  // Neighbours with wrap-around for a loop (times shifted by ±1).
  const timeAt = (i: number): number =>
    loop ? times[((i % n) + n) % n]! + Math.floor(i / n) : times[Math.max(0, Math.min(n - 1, i))]!;
  const valueAt = (ch: number, i: number): number =>
    values[ch]![loop ? ((i % n) + n) % n : Math.max(0, Math.min(n - 1, i))]!;
  const slope = (ch: number, i: number): number => {
    if (!loop && (i <= 0 || i >= n - 1)) return 0;
    const dt = timeAt(i + 1) - timeAt(i - 1);
    return dt > 0 ? (valueAt(ch, i + 1) - valueAt(ch, i - 1)) / dt : 0;
  };
  return (u) => {
    const out: Record<string, number> = {};
    if (n === 1) {
      CHANNELS.forEach((c, ch) => (out[c] = fromCurve(c, values[ch]![0]!)));
      return out;
    }
    // The segment [a, a+1] holding u (indices may run past n - 1 with a loop).
    let a: number;
    let x = u;
    if (loop) {
      if (x < times[0]!) x += 1;
      a = n - 1;
      for (let i = 0; i < n - 1; i++) if (x >= times[i]! && x < times[i + 1]!) a = i;
    } else {
      if (x <= times[0]!) a = -1;
      else if (x >= times[n - 1]!) a = n;
      else {
        a = 0;
        while (a < n - 2 && x >= times[a + 1]!) a++;
      }
    }
    CHANNELS.forEach((c, ch) => {
      if (a < 0 || a >= n) {
        out[c] = fromCurve(c, values[ch]![a < 0 ? 0 : n - 1]!);
        return;
      }
      const t0 = timeAt(a);
      const t1 = timeAt(a + 1);
      const h = t1 - t0;
      const s = h > 0 ? (x - t0) / h : 1;
      const p0 = valueAt(ch, a);
      const p1 = valueAt(ch, a + 1);
      let v: number;
      if (ease) v = p0 + (p1 - p0) * ease(s);
      else {
        const m0 = slope(ch, a) * h;
        const m1 = slope(ch, a + 1) * h;
        const s2 = s * s;
        const s3 = s2 * s;
        v = (2 * s3 - 3 * s2 + 1) * p0 + (s3 - 2 * s2 + s) * m0 + (-2 * s3 + 3 * s2) * p1 + (s3 - s2) * m1;
      }
      out[c] = fromCurve(c, v);
    });
    return out;
  };
}

/** What the engine needs of a request's camera control, already checked (core/camera-request). */
export type CameraControl = Pick<CameraRequest, 'camera' | 'cameraPath' | 'loop'>;

/**
 * The camera path of a render with camera control. A `camera_path` is the whole move (the
 * motions then contribute only their look); the axes add on top of the presets or the
 * path; with `loop` the path is periodic with period `frames / fps`, so the frame after
 * the last would be the first.
 */
export function buildControlledPath(options: {
  motions: PathMotion[];
  modifiers: PromptModifiers;
  seed: number;
  /** Seconds from the first frame to the last. */
  span: number;
  fps: number;
  /** Output width / height (turns are isotropic in degrees). */
  aspect: number;
  control?: CameraControl;
}): CameraPath {
  const { control, span, fps, aspect } = options;
  const loop = control?.loop === true;
  const period = span + 1 / fps;
  const presets = buildCameraPath({ ...options, ...(loop && { loop: { period } }) });
  if (!control || (!control.camera && !control.cameraPath)) return presets;
  const safeSpan = presets.span;
  const timeOf = (seconds: number): number =>
    loop ? loopPhase(seconds, period) : Math.min(1, Math.max(0, seconds / safeSpan));
  const base = control.cameraPath && sampleKeyframes(control.cameraPath, loop);
  const axes = control.camera && sampleKeyframes(axesPath(control.camera), false);
  return {
    span: safeSpan,
    ...(presets.look && { look: presets.look }),
    poseAt(seconds) {
      const u = timeOf(seconds);
      const pose = base ? keyframePose(base(u), aspect) : presets.poseAt(seconds);
      if (axes) {
        // The axes' own move, there and back in a loop.
        const a = keyframePose(axes(loop ? loopTime(u) : u), aspect);
        addToPose(pose, { x: a.x, y: a.y, zoom: a.zoom, roll: a.roll, tx: a.tx, ty: a.ty });
      }
      return pose;
    },
  };
}

/** Round to 6 decimals (well under a thousandth of a pixel), dropping −0. */
const round = (v: number): number => Math.round(v * 1e6) / 1e6 + 0;

/** How far a dropped keyframe may be from the straight line between its neighbours. */
const TOLERANCE: Readonly<Record<Channel, number>> = {
  x: 2e-5,
  y: 2e-5,
  z: 2e-5,
  zoom: 2e-5,
  roll: 1e-3,
  pan: 1e-3,
  tilt: 1e-3,
  shutter: 1e-4,
  blur: 1e-3,
  fisheye: 1e-5,
  focus_shift: 1e-4,
};

/**
 * The path as the task records it: one keyframe per frame (the time of frame i), joined
 * linearly, with every keyframe dropped that the straight line from its kept neighbours
 * already gives to within a thousandth of a pixel or degree. With `loop`, t = i / frames
 * and a closing keyframe at t = 1 repeats the first. Sent back as `camera_path` (with the
 * same size, duration, fps and `loop`), it renders the same frames; sub-frame motion-blur
 * samples are then interpolated linearly between frames.
 */
export function resolvePathSpec(
  path: CameraPath,
  options: { frames: number; fps: number; aspect: number; loop: boolean },
): CameraPathSpec {
  const { frames, fps, aspect, loop } = options;
  const count = Math.max(1, frames);
  const all: PathKeyframe[] = [];
  for (let i = 0; i < count; i++) {
    const t = loop ? i / count : count === 1 ? 0 : i / (count - 1);
    all.push(poseKeyframe(path.poseAt(i / fps), t, aspect));
  }
  if (loop) all.push({ ...all[0]!, t: 1 });
  const kept: PathKeyframe[] = [all[0]!];
  let anchor = 0;
  for (let j = 2; j < all.length; j++) {
    // Can the segment anchor → j stand in for every keyframe between them?
    const a = all[anchor]!;
    const b = all[j]!;
    let fits = true;
    for (let m = anchor + 1; m < j && fits; m++) {
      const k = all[m]!;
      const s = (k.t - a.t) / (b.t - a.t);
      for (const c of CHANNELS) {
        const va = toCurve(c, a[c]!);
        const vb = toCurve(c, b[c]!);
        if (Math.abs(va + (vb - va) * s - toCurve(c, k[c]!)) > TOLERANCE[c]) {
          fits = false;
          break;
        }
      }
    }
    if (!fits) {
      anchor = j - 1;
      kept.push(all[anchor]!);
    }
  }
  if (all.length > 1) kept.push(all[all.length - 1]!);
  const keyframes = kept.map((k) => {
    const out: PathKeyframe = { t: round(k.t) };
    for (const c of CHANNELS) {
      const v = round(k[c]!);
      if (v !== REST[c]) out[c] = v;
    }
    return out;
  });
  return { easing: 'linear', keyframes };
}

/** What a catalogue record's path is sampled at: the engine's default clip, 16:9. */
export const PRESET_PATH_CLIP = { duration: 5, fps: 24, aspect: 16 / 9, seed: 1 } as const;

/**
 * A preset's camera path in the `camera_path` format, as it renders a default clip (5 s at
 * 24 fps, 16:9, seed 1, prompt ignored, aimed at the centre of interest without a face
 * search). Sent as `camera_path` with the same clip settings it renders that move; a
 * client can start from it and edit keyframes.
 */
export function presetPathSpec(definition: MotionDefinition, options: { loop?: boolean } = {}): CameraPathSpec {
  const { duration, fps, aspect, seed } = PRESET_PATH_CLIP;
  const frames = Math.max(2, Math.round(duration * fps));
  const span = (frames - 1) / fps;
  const path = buildControlledPath({
    motions: [{ definition, strength: 1 }],
    modifiers: DEFAULT_MODIFIERS,
    seed,
    span,
    fps,
    aspect,
    ...(options.loop && { control: { loop: true } }),
  });
  return resolvePathSpec(path, { frames, fps, aspect, loop: options.loop === true });
}
