/**
 * Size presets. The server decides the final size (docs/engine.md, "Rendering"); this mirrors its
 * rule only to tell the user what they will get: the aspect comes from the preset or the
 * start image and fills the tier's frame (854×480, 1280×720, 1920×1080, turned to the
 * picture's orientation) as far as it can; sides are even and within 64–1920.
 */
import type { ModelTier } from './types.js';

export type SizePreset = 'auto' | '16:9' | '9:16' | '1:1' | 'custom';

export const TIER_FRAME: Readonly<Record<ModelTier, { long: number; short: number }>> = {
  lite: { long: 854, short: 480 },
  turbo: { long: 1280, short: 720 },
  standard: { long: 1920, short: 1080 },
};
const MIN_SIDE = 64;
const MAX_SIDE = 1920;

const ASPECTS: Readonly<Record<'16:9' | '9:16' | '1:1', number>> = { '16:9': 16 / 9, '9:16': 9 / 16, '1:1': 1 };

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The largest width × height of `aspect` within the tier's frame. The arithmetic is the
 * engine's (render-size.ts: `aspect`·10⁴ × 10⁴ scaled to fit), step for step: where a side
 * lands on an odd number its rounding to even follows the last bit of the float (19:16 at
 * turbo: 854.99999… → 854, where 720 · 19/16 = 855 exactly would give 856).
 */
export function sizeAtTier(tier: ModelTier, aspect: number): { width: number; height: number } {
  const a = clamp(aspect, 1 / 4, 4);
  const { long, short } = TIER_FRAME[tier];
  const [w, h] = [a * 1e4, 1e4];
  const [maxW, maxH] = w >= h ? [long, short] : [short, long];
  const scale = Math.min(1, maxW / w, maxH / h);
  return { width: even(clamp(w * scale, MIN_SIDE, MAX_SIDE)), height: even(clamp(h * scale, MIN_SIDE, MAX_SIDE)) };
}

/**
 * What to send for a preset: nothing for Auto (the server follows image[0]), the
 * preset's size at the tier otherwise, or the custom fields as typed.
 */
export function requestedSize(
  preset: SizePreset,
  tier: ModelTier,
  custom: { width: number; height: number },
): { width?: number; height?: number } {
  if (preset === 'auto') return {};
  if (preset === 'custom') return custom;
  return sizeAtTier(tier, ASPECTS[preset]);
}

/** The expected output size, for the note beside the preset; undefined when unknown yet. */
export function expectedSize(
  preset: SizePreset,
  tier: ModelTier,
  custom: { width: number; height: number },
  image: { width: number; height: number } | undefined,
): { width: number; height: number } | undefined {
  if (preset === 'auto') return image ? sizeAtTier(tier, image.width / image.height) : undefined;
  const size = requestedSize(preset, tier, custom);
  if (!Number.isFinite(size.width) || !Number.isFinite(size.height)) return undefined;
  return size as { width: number; height: number };
}
