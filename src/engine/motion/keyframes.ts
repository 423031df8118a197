/**
 * Keyframed tracks over normalised time. A track is data (sorted keyframes); sampling it is
 * pure, so the same time always gives the same value whatever the frame rate.
 */
import { linear, type Easing } from './easing.js';

export interface Keyframe {
  /** Normalised time in [0, 1]. */
  t: number;
  value: number;
  /** Easing of the segment that ends at this keyframe. */
  ease?: Easing;
}

/** A track: keyframes sorted by time. */
export type Track = readonly Keyframe[];

/** Builds a track, sorting keyframes and rejecting an empty list. */
export function track(...keys: Keyframe[]): Track {
  if (keys.length === 0) throw new Error('a track needs at least one keyframe');
  return [...keys].sort((a, b) => a.t - b.t);
}

/** The track's value at normalised time `t` (held before the first and after the last key). */
export function sampleTrack(keys: Track, t: number): number {
  const first = keys[0]!;
  if (t <= first.t) return first.value;
  for (let i = 1; i < keys.length; i++) {
    const b = keys[i]!;
    if (t <= b.t) {
      const a = keys[i - 1]!;
      const span = b.t - a.t;
      const u = span <= 0 ? 1 : (t - a.t) / span;
      return a.value + (b.value - a.value) * (b.ease ?? linear)(u);
    }
  }
  return keys[keys.length - 1]!.value;
}
