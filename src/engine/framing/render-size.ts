/**
 * Output size, frame rate and length of a render: what the request asked for, rounded and
 * bounded, or the tier's defaults.
 */
import type { ModelTier } from '../../core/task.js';

export interface RenderTiming {
  width: number;
  height: number;
  fps: number;
  duration: number;
  frames: number;
}

/**
 * The frame each tier renders into, as video sizes are named: `lite` ~480p (854×480),
 * `turbo` 720p (1280×720), `standard` 1080p (1920×1080). A picture of any aspect gets the
 * largest size that fits the tier's frame turned its way — landscape within long × short,
 * portrait within short × long — so a square photo is 480×480 on `lite`, not 854×854,
 * and no tier renders more pixels than its frame holds.
 */
export const TIER_FRAME: Readonly<Record<ModelTier, { long: number; short: number }>> = {
  lite: { long: 854, short: 480 },
  turbo: { long: 1280, short: 720 },
  standard: { long: 1920, short: 1080 },
};
/** The bounds every side is clamped to (the largest tier's long side at most). */
export const SIZE_LIMITS = { min: 64, max: 1920 } as const;
export const DEFAULT_DURATION = 5;
export const DEFAULT_FPS = 24;

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The scale (at most 1) that makes `w`×`h` fit the tier's frame turned its way. */
function fitScale(tier: ModelTier, w: number, h: number): number {
  const { long, short } = TIER_FRAME[tier];
  const [maxW, maxH] = w >= h ? [long, short] : [short, long];
  return Math.min(1, maxW / w, maxH / h);
}

/**
 * Resolves the output size. Explicit width/height (one may be missing: the other follows
 * the picture's aspect) are scaled down, keeping their aspect, to fit the tier's frame;
 * with neither, the picture's aspect (clamped to 1:4–4:1) fills the tier's frame as far as
 * it can. Sides are rounded to even and never below 64.
 */
export function resolveSize(
  tier: ModelTier,
  image: { width: number; height: number },
  requested: { width?: number | undefined; height?: number | undefined },
): { width: number; height: number } {
  const aspect = clamp(image.width / image.height, 1 / 4, 4);
  let w = requested.width;
  let h = requested.height;
  if (w === undefined && h === undefined) [w, h] = [aspect * 1e4, 1e4];
  else if (w === undefined) w = h! * aspect;
  else if (h === undefined) h = w / aspect;
  const scale = fitScale(tier, w!, h!);
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
