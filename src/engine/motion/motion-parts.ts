/**
 * The building blocks of motions. A part is a pure function of normalised time and the
 * render's environment that returns a partial camera pose; a motion is a list of parts.
 */
import type { CameraPose } from './camera-pose.js';
import { burst, easeInOutSine, smootherstep, type Easing } from './easing.js';

/** What a part may read besides time. */
export interface PartEnv {
  /** strength × prompt intensity: scales amplitudes. */
  amount: number;
  /** Prompt speed: scales how far progressive moves travel and how fast oscillations run. */
  speed: number;
  /** Clip length in seconds, so oscillations have a frequency in Hz, not per clip. */
  duration: number;
  /** -1 when the prompt asked for the opposite of the motion's default direction. */
  flip: 1 | -1;
  /** Seeded smooth noise in [-1, 1], one independent channel per integer. */
  noise: (channel: number, x: number) => number;
}

export type MotionPart = ((t: number, env: PartEnv) => Partial<CameraPose>) & {
  /**
   * Set on oscillations (shake, sway): their main frequency in Hz. A loop runs them on the
   * loop's own clock, whole cycles per loop and noise that wraps, instead of there and back.
   */
  readonly hz?: number;
};

/** Tags a part as an oscillation of `hz` (see `MotionPart.hz`). */
function oscillating(part: (t: number, env: PartEnv) => Partial<CameraPose>, hz: number): MotionPart {
  return Object.assign(part, { hz });
}

/** Progressive moves travel `amount × speed` of their nominal distance. */
const travel = (env: PartEnv): number => env.amount * env.speed;

/** Zoom from `from` to `to` (log-interpolated, so the push feels constant-speed). */
export function push(to: number, ease: Easing = easeInOutSine, from = 1): MotionPart {
  const a = Math.log(from);
  const b = Math.log(to);
  return (t, env) => ({ zoom: Math.exp((a + (b - a) * ease(t)) * travel(env)) });
}

/** Sideways camera travel of `dx` cover widths, centred on the framing (+ = right). */
export function truck(dx: number, ease: Easing = easeInOutSine): MotionPart {
  return (t, env) => ({ x: env.flip * dx * travel(env) * (ease(t) - 0.5) });
}

/** Vertical travel / tilt of `dy` cover heights, centred (+ = camera goes down). */
export function pedestal(dy: number, ease: Easing = easeInOutSine): MotionPart {
  return (t, env) => ({ y: env.flip * dy * travel(env) * (ease(t) - 0.5) });
}

/** Rolls the content from `from` to `to` radians (+ = clockwise). */
export function roll(to: number, ease: Easing = easeInOutSine, from = 0): MotionPart {
  return (t, env) => ({ roll: env.flip * (from + (to - from) * ease(t)) * env.amount });
}

export interface ShakeSpec {
  /** Position amplitude in cover widths/heights. */
  pos: number;
  /** Roll amplitude in radians. */
  roll?: number;
  /** Zoom amplitude (fraction). */
  zoom?: number;
  /** Main frequency in Hz. */
  hz: number;
  /** Noise channel base, so two shakes in one motion are independent. */
  channel?: number;
  /** Shake the camera's position (parallax: near things jolt more) instead of its aim. */
  translate?: boolean;
}

/** Seeded, smooth random camera shake (a function of seconds, not frames). */
export function shake(spec: ShakeSpec): MotionPart {
  const c = (spec.channel ?? 0) * 4;
  return oscillating((t, env) => {
    const s = t * env.duration * spec.hz * env.speed;
    const a = env.amount;
    const px = spec.pos * a * env.noise(c, s);
    const py = spec.pos * a * env.noise(c + 1, s);
    return {
      ...(spec.translate ? { tx: px, ty: py } : { x: px, y: py }),
      roll: (spec.roll ?? 0) * a * env.noise(c + 2, s),
      zoom: 1 + (spec.zoom ?? 0) * a * env.noise(c + 3, s),
    };
  }, spec.hz);
}

/**
 * A periodic sway (sinusoid in seconds) on x, y and roll, and on the camera's position
 * with `tx`/`ty` (a head or a drone swaying through the scene).
 */
export function sway(spec: {
  x?: number;
  y?: number;
  roll?: number;
  tx?: number;
  ty?: number;
  hz: number;
  phase?: number;
}): MotionPart {
  return oscillating((t, env) => {
    const w = Math.sin(2 * Math.PI * (t * env.duration * spec.hz * env.speed + (spec.phase ?? 0)));
    const a = env.amount;
    const out: Partial<CameraPose> = {
      x: (spec.x ?? 0) * a * w,
      y: (spec.y ?? 0) * a * w,
      roll: (spec.roll ?? 0) * a * w * env.flip,
    };
    if (spec.tx) out.tx = spec.tx * a * w * env.flip;
    if (spec.ty) out.ty = spec.ty * a * w;
    return out;
  }, spec.hz);
}

/** Zoom pulses that go in and come back: `count` smooth bumps up to `peak`. */
export function pulseZoom(peak: number, count: number, sharpness = 1): MotionPart {
  const k = Math.log(peak);
  return (t, env) => {
    const s = Math.sin(Math.PI * count * Math.min(1, Math.max(0, t))) ** 2;
    return { zoom: Math.exp(k * env.amount * s ** sharpness) };
  };
}

/** A whip: a short, very fast sideways move of `dx` centred at `centre`. */
export function whip(dx: number, centre = 0.5, width = 0.22): MotionPart {
  return truck(dx, burst(centre, width));
}

/** A circular camera orbit projected on the plane: x sweeps, y and roll follow a little. */
export function orbit(radius: number, turns: number, tiltRoll = 0.03): MotionPart {
  return (t, env) => {
    const p = 2 * Math.PI * turns * smootherstep(t) * env.speed;
    const a = env.amount * env.flip;
    return {
      x: radius * a * Math.sin(p),
      y: radius * 0.25 * env.amount * (1 - Math.cos(p)) - radius * 0.125 * env.amount,
      roll: tiltRoll * a * Math.sin(p),
    };
  };
}

/** Rack focus: everything but the focus point blurs by `blurPx` (at 720p); focus travels. */
export function focusRack(blurPx: number, ease: Easing = easeInOutSine): MotionPart {
  return (t, env) => ({ blur: blurPx * env.amount, focusShift: ease(t) });
}

/**
 * Barrel distortion from `from` to `to`. The painter keeps the frame corners fixed and
 * magnifies the centre by (1 + k); with `keepCentre` the zoom compensates so the centre
 * keeps one size while the edges gain or lose field of view (a one-plane dolly zoom).
 */
export function fisheye(to: number, ease: Easing = easeInOutSine, from = to, keepCentre = false): MotionPart {
  return (t, env) => {
    const k = (from + (to - from) * ease(t)) * env.amount;
    const kMax = Math.max(from, to) * env.amount;
    return keepCentre ? { fisheye: k, zoom: (1 + kMax) / (1 + k) } : { fisheye: k };
  };
}

/** A longer shutter (fraction of the frame interval, may exceed 1 for streaks). */
export function shutter(open: number): MotionPart {
  return () => ({ shutter: open });
}

// Depth moves: the camera travels through the scene, so near layers move more than far ones.

/** Camera travel forward from `from` to `to` subject distances (a real dolly: parallax). */
export function dolly(to: number, ease: Easing = smootherstep, from = 0): MotionPart {
  return (t, env) => ({ tz: (from + (to - from) * ease(t)) * travel(env) });
}

/** Camera travel sideways of `dx` cover widths at the subject's distance, centred (+ = right). */
export function track(dx: number, ease: Easing = smootherstep): MotionPart {
  return (t, env) => ({ tx: env.flip * dx * travel(env) * (ease(t) - 0.5) });
}

/** Camera travel vertically of `dy` cover heights at the subject's distance, centred (+ = down). */
export function boom(dy: number, ease: Easing = easeInOutSine): MotionPart {
  return (t, env) => ({ ty: env.flip * dy * travel(env) * (ease(t) - 0.5) });
}

/**
 * A crane: the camera rises (`dy` < 0) or sinks `dy` cover heights, centred, while it
 * travels forward from `from` to `to` subject distances, and tilts `hold` of the way needed
 * to keep the subject (depth 1) where the move's rest end frames it. Its rest end is the
 * one with less travel forward (the last frame of a crane that pulls back, else the first:
 * where the render plan lands the picture, see frame-plan's placeCamera). Held, the
 * subject stays in frame while the far background and the near ground slide apart from it
 * as a rising (sinking) camera sees them: behind the subject the background comes up (goes
 * down) the frame, the ground before it goes down (up).
 */
export function crane(
  dy: number,
  dolly: { from: number; to: number },
  hold = 1,
  ease: Easing = easeInOutSine,
): MotionPart {
  const restEase = Math.abs(dolly.to) < Math.abs(dolly.from) ? 1 : 0;
  return (t, env) => {
    const k = travel(env);
    const at = (e: number): { ty: number; tz: number } => ({
      ty: env.flip * dy * k * (e - 0.5),
      tz: (dolly.from + (dolly.to - dolly.from) * e) * k,
    });
    const { ty, tz } = at(ease(t));
    const rest = at(restEase);
    // The subject's slide from rest (layer-projection: −Δty / (1 − Δtz)), taken back by the tilt.
    const y = (-hold * (ty - rest.ty)) / (1 - (tz - rest.tz));
    return { ty, tz, y };
  };
}

/**
 * The camera on a circle around the subject (radius: the subject's distance), turned by
 * `angle` radians and aimed back at it: the subject holds while the background sweeps the
 * way the camera goes.
 */
function aroundSubject(angle: number): Partial<CameraPose> {
  const tx = Math.sin(angle);
  const tz = 1 - Math.cos(angle);
  return { tx, tz, x: -tx / (1 - tz) };
}

/** An arc of `angle` radians around the subject, centred on the framing (+ = right). */
export function arc(angle: number, ease: Easing = easeInOutSine): MotionPart {
  return (t, env) => aroundSubject(env.flip * angle * travel(env) * (ease(t) - 0.5));
}

/** Orbiting the subject: swings of up to `angle` radians, `turns` full swings per clip. */
export function orbitAround(angle: number, turns: number, tiltRoll = 0.03): MotionPart {
  return (t, env) => {
    const p = 2 * Math.PI * turns * smootherstep(t) * env.speed;
    const a = env.amount * env.flip;
    return { ...aroundSubject(angle * a * Math.sin(p)), roll: tiltRoll * a * Math.sin(p) };
  };
}

/**
 * A dolly zoom: the camera travels forward `to` subject distances (from `from`) while the
 * focal length shortens in step, so the subject keeps its size and the background's
 * scale changes (shrinks going in, grows coming out).
 */
export function dollyZoom(to: number, ease: Easing = easeInOutSine, from = 0): MotionPart {
  return (t, env) => {
    const tz = (from + (to - from) * ease(t)) * env.amount;
    return { tz, zoom: 1 - tz };
  };
}
