/**
 * A camera path: the motions of a request, with their strengths, the prompt's modifiers and
 * the seed, turned into a pure function from time in seconds to a camera pose. Time is
 * always computed from the frame index (`frame / fps`), never accumulated.
 */
import { addToPose, NEUTRAL_POSE, travels, type CameraPose } from './camera-pose.js';
import type { PathLook } from '../looks/types.js';
import type { MotionDefinition } from './motion-definitions.js';
import type { PartEnv } from './motion-parts.js';
import { smootherstep } from './easing.js';
import { hashSeed, smoothNoise } from '../maths/prng.js';
import type { PromptModifiers } from './prompt-modifiers.js';

export interface PathMotion {
  definition: MotionDefinition;
  /** 0..1, scales the move. */
  strength: number;
}

export interface CameraPath {
  /** Seconds the move spans: from the first frame (0) to the last frame. */
  span: number;
  /** The pose at `seconds` (clamped to [0, span]). */
  poseAt(seconds: number): CameraPose;
  /** The look drawn over the move (the first motion that has one), seeded like the move. */
  look?: PathLook;
}

/** Whether the prompt direction reverses a motion whose default goes the other way. */
function flipFor(def: MotionDefinition, m: PromptModifiers): 1 | -1 {
  if (!def.direction || !m.direction) return 1;
  const axis = (d: string): string => (d === 'left' || d === 'right' ? 'x' : 'y');
  if (axis(def.direction) !== axis(m.direction)) return 1;
  return def.direction === m.direction ? 1 : -1;
}

/**
 * Builds the camera path of a render. `span` is the time of the last frame in seconds, so
 * the move completes exactly on the last frame whatever the frame rate.
 */
export function buildCameraPath(options: {
  motions: PathMotion[];
  modifiers: PromptModifiers;
  seed: number;
  span: number;
  /**
   * Makes the path periodic with this period in seconds (the frame after the last is the
   * first again): progressive moves go there and back, eased so the velocity matches at
   * the turn and at the seam; oscillations (shake, sway) run whole cycles per period with
   * noise that wraps. See `loopTime`.
   */
  loop?: { period: number };
}): CameraPath {
  const { motions, modifiers, seed, span, loop } = options;
  const safeSpan = span > 0 ? span : 1;
  const envs = motions.map((m, i): PartEnv => {
    const channels = new Map<number, (x: number) => number>();
    return {
      amount: Math.max(0, Math.min(1, m.strength)) * modifiers.intensity,
      speed: modifiers.speed,
      duration: safeSpan,
      flip: flipFor(m.definition, modifiers),
      noise: (channel, x) => {
        let n = channels.get(channel);
        if (!n) {
          n = smoothNoise(hashSeed(seed, i * 64 + channel), 2);
          channels.set(channel, n);
        }
        return n(x);
      },
    };
  });
  const withLook = motions.find((m) => m.definition.look);
  const look: PathLook | undefined = withLook && {
    name: withLook.definition.look!,
    seed,
    amount: Math.max(0, Math.min(1, withLook.strength)) * modifiers.intensity,
  };
  if (loop) return { span: safeSpan, ...(look && { look }), poseAt: loopedPoses(motions, envs, loop.period) };
  return {
    span: safeSpan,
    ...(look && { look }),
    poseAt(seconds) {
      const t = Math.min(1, Math.max(0, seconds / safeSpan));
      const pose: CameraPose = { ...NEUTRAL_POSE };
      motions.forEach((m, i) => {
        for (const part of m.definition.parts) addToPose(pose, part(t, envs[i]!));
      });
      return pose;
    },
  };
}

/** The phase in [0, 1) of `seconds` in a loop of `period` seconds. */
export function loopPhase(seconds: number, period: number): number {
  const u = seconds / period;
  return u - Math.floor(u);
}

/**
 * Progressive time of a loop at phase `u`: 0 → 1 at the half → 0, a cosine, so the move
 * stops to turn and arrives back with the velocity it left with (zero).
 */
export function loopTime(u: number): number {
  return 0.5 - 0.5 * Math.cos(2 * Math.PI * u);
}

/**
 * Seeded noise that wraps after `cycles` lattice units: a cross-fade of the noise and the
 * same noise one period earlier, with a weight that is flat at both ends (so value and
 * slope match at the seam) and a gain that keeps the amplitude steady through the fade.
 */
function wrappedNoise(noise: (x: number) => number, cycles: number, phase: number, x: number): number {
  const w = smootherstep(phase);
  if (w <= 0) return noise(x);
  const mixed = (1 - w) * noise(x) + w * noise(x - cycles);
  return mixed / Math.sqrt((1 - w) ** 2 + w ** 2);
}

function loopedPoses(motions: PathMotion[], envs: PartEnv[], period: number): (seconds: number) => CameraPose {
  // Per oscillating part: whole cycles per loop, and its env on the loop's clock.
  const loopEnvs = motions.map((m, i) =>
    m.definition.parts.map((part) => {
      if (part.hz === undefined) return undefined;
      const env = envs[i]!;
      const cycles = Math.max(1, Math.round(period * part.hz * env.speed));
      return { cycles, env: { ...env, duration: period, speed: cycles / (period * part.hz) } };
    }),
  );
  return (seconds) => {
    const u = loopPhase(seconds, period);
    const t = loopTime(u);
    const pose: CameraPose = { ...NEUTRAL_POSE };
    motions.forEach((m, i) => {
      m.definition.parts.forEach((part, j) => {
        const osc = loopEnvs[i]![j];
        if (!osc) {
          addToPose(pose, part(t, envs[i]!));
          return;
        }
        const base = osc.env;
        const env: PartEnv = {
          ...base,
          noise: (channel, x) => wrappedNoise((y) => base.noise(channel, y), osc.cycles, u, x),
        };
        addToPose(pose, part(u, env));
      });
    });
    return pose;
  };
}

/** The pose of `b` seen relative to `a` (zoom ratio, offset, travel and angle differences). */
export function relativePose(b: CameraPose, a: CameraPose): CameraPose {
  return {
    ...b,
    x: b.x - a.x,
    y: b.y - a.y,
    zoom: b.zoom / a.zoom,
    roll: b.roll - a.roll,
    tx: b.tx - a.tx,
    ty: b.ty - a.ty,
    tz: b.tz - a.tz,
  };
}

/** Whether any frame of the path moves the camera through the scene (a depth move). */
export function pathTravels(path: CameraPath, frames: number): boolean {
  for (let i = 0; i < Math.max(2, frames); i++)
    if (travels(path.poseAt((i / Math.max(1, frames - 1)) * path.span))) return true;
  return false;
}
