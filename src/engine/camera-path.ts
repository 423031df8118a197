/**
 * A camera path: the motions of a request, with their strengths, the prompt's modifiers and
 * the seed, turned into a pure function from time in seconds to a camera pose. Time is
 * always computed from the frame index (`frame / fps`), never accumulated.
 */
import { addToPose, NEUTRAL_POSE, travels, type CameraPose } from './camera-pose.js';
import type { PathLook } from './looks/types.js';
import type { MotionDefinition } from './motion-definitions.js';
import type { PartEnv } from './motion-parts.js';
import { hashSeed, smoothNoise } from './prng.js';
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
}): CameraPath {
  const { motions, modifiers, seed, span } = options;
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

/** The pose of `b` seen relative to `a` (zoom ratio, offset, travel and angle differences). */
export function relativePose(b: CameraPose, a: CameraPose): CameraPose {
  return {
    ...b, x: b.x - a.x, y: b.y - a.y, zoom: b.zoom / a.zoom, roll: b.roll - a.roll,
    tx: b.tx - a.tx, ty: b.ty - a.ty, tz: b.tz - a.tz,
  };
}

/** Whether any frame of the path moves the camera through the scene (a depth move). */
export function pathTravels(path: CameraPath, frames: number): boolean {
  for (let i = 0; i < Math.max(2, frames); i++) if (travels(path.poseAt((i / Math.max(1, frames - 1)) * path.span))) return true;
  return false;
}
