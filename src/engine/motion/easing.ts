/**
 * Easing curves. Every easing has one signature, `(t) => number`, maps 0 → 0 and 1 → 1,
 * and is monotonic on [0, 1], so a camera path built from them never backtracks unless a
 * motion asks for it explicitly (yo-yo, shake).
 */

/** An easing: normalised progress in [0, 1] → eased progress in [0, 1]. */
export type Easing = (t: number) => number;

const clamp01 = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t);

export const linear: Easing = (t) => clamp01(t);
export const easeInOutSine: Easing = (t) => 0.5 - 0.5 * Math.cos(Math.PI * clamp01(t));
export const easeInSine: Easing = (t) => 1 - Math.cos((Math.PI / 2) * clamp01(t));
export const easeOutSine: Easing = (t) => Math.sin((Math.PI / 2) * clamp01(t));
export const easeInOutCubic: Easing = (t) => {
  const x = clamp01(t);
  return x < 0.5 ? 4 * x * x * x : 1 - (-2 * x + 2) ** 3 / 2;
};
export const easeInCubic: Easing = (t) => clamp01(t) ** 3;
export const easeOutCubic: Easing = (t) => 1 - (1 - clamp01(t)) ** 3;
/** Smootherstep: zero velocity and acceleration at both ends (no jolt at start or stop). */
export const smootherstep: Easing = (t) => {
  const x = clamp01(t);
  return x * x * x * (x * (x * 6 - 15) + 10);
};

/**
 * A step that happens in a short window around `centre` (width as a fraction of the clip):
 * the shape of a whip pan or crash zoom. Built from smootherstep so it is still C2-smooth.
 */
export function burst(centre: number, width: number): Easing {
  const start = Math.max(0, centre - width / 2);
  const end = Math.min(1, centre + width / 2);
  return (t) => smootherstep((clamp01(t) - start) / (end - start));
}

/** Holds at 0 until `start`, then eases to 1 by `end` with `inner`. */
export function window(start: number, end: number, inner: Easing = easeInOutSine): Easing {
  return (t) => inner((clamp01(t) - start) / (end - start));
}

/** Every named easing, for tests and the catalogue of parts. */
export const EASINGS: Readonly<Record<string, Easing>> = {
  linear,
  easeInOutSine,
  easeInSine,
  easeOutSine,
  easeInOutCubic,
  easeInCubic,
  easeOutCubic,
  smootherstep,
};
