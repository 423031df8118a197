/**
 * The lean of a framing toward its centre of interest, limited by the room the zoom leaves
 * (framing.ts). Pure, with no imports: the playground's camera panel (web/src/camera-panel.ts)
 * draws its preview with this same function.
 */

/**
 * The width of the band, as a share of the room, over which the lean eases from following
 * the centre of interest to following the room's edge.
 */
const LEAN_BAND = 0.15;

/**
 * A smooth minimum of the lean `a` and the room `b` (both ≥ 0), never above either (so it
 * never overshoots): the exact minimum outside a band of LEAN_BAND · b around a = b, a
 * quadratic blend inside it (continuous slope, at most LEAN_BAND / 4 of the room short, where
 * a = b). The p-norm it replaces, ab / (a⁴ + b⁴)^¼, was short everywhere and by 16 % where
 * a = b: on a face near the picture's edge (basketball1) it stopped 23 px short, and a
 * zoom-8 close-up spans 80 px of the picture, so Eyes In ended with the eyes at 0.14 of the
 * frame's width.
 */
export function softMin(a: number, b: number): number {
  if (a <= 0 || b <= 0) return 0;
  const k = LEAN_BAND * b;
  const h = Math.max(0, k - Math.abs(a - b));
  return Math.min(a, b) - (h * h) / (4 * k);
}
