/**
 * Output size, frame rate and length of a render: what the request asked for, rounded and
 * bounded, or the tier's defaults.
 */
import type { ModelTier } from '../core/task.js';

export interface RenderTiming {
  width: number;
  height: number;
  fps: number;
  duration: number;
  frames: number;
}

/** Long side of the default output per tier (short side follows the picture's aspect). */
export const TIER_LONG_SIDE: Readonly<Record<ModelTier, number>> = { lite: 854, turbo: 1280, standard: 1920 };
/** The bounds every size is clamped to. */
export const SIZE_LIMITS = { min: 64, max: 1920 } as const;
export const DEFAULT_DURATION = 5;
export const DEFAULT_FPS = 24;

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * Resolves the output size: explicit width/height (one may be missing: the other follows
 * the picture's aspect) rounded to even and bounded, else the tier's size at the picture's
 * aspect. The long side never exceeds the tier's (standard's) 1920 nor is below 64.
 */
export function resolveSize(
  tier: ModelTier,
  image: { width: number; height: number },
  requested: { width?: number | undefined; height?: number | undefined },
): { width: number; height: number } {
  const aspect = clamp(image.width / image.height, 1 / 4, 4);
  let w = requested.width;
  let h = requested.height;
  if (w === undefined && h === undefined) {
    const long = TIER_LONG_SIDE[tier];
    if (aspect >= 1) [w, h] = [long, long / aspect];
    else [w, h] = [long * aspect, long];
  } else if (w === undefined) w = h! * aspect;
  else if (h === undefined) h = w / aspect;
  // Bound the long side, keeping the requested aspect.
  const scale = Math.min(1, SIZE_LIMITS.max / Math.max(w!, h!));
  return {
    width: even(clamp(w! * scale, SIZE_LIMITS.min, SIZE_LIMITS.max)),
    height: even(clamp(h! * scale, SIZE_LIMITS.min, SIZE_LIMITS.max)),
  };
}

/** Resolves duration (2–10 s, default 5) and fps (12–60, default 24) into a frame count. */
export function resolveTiming(
  size: { width: number; height: number },
  requested: { duration?: number | undefined; fps?: number | undefined },
): RenderTiming {
  const fps = Math.round(clamp(requested.fps ?? DEFAULT_FPS, 12, 60));
  const duration = clamp(requested.duration ?? DEFAULT_DURATION, 2, 10);
  const frames = Math.max(2, Math.round(duration * fps));
  return { ...size, fps, duration: frames / fps, frames };
}
