/**
 * 2-D affine maths, in the canvas's order, shared by framing, the render plan, the scene's
 * ground plane and the looks.
 */

/** Canvas-order affine matrix [a, b, c, d, e, f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Affine = [number, number, number, number, number, number];

/** Applies an affine to a point. */
export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** Output pixels per picture pixel of an affine (its linear scale). */
export function affineScale(m: Affine): number {
  return Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));
}

/** The inverse affine. */
export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[3] - m[1] * m[2];
  const a = m[3] / det;
  const b = -m[1] / det;
  const c = -m[2] / det;
  const d = m[0] / det;
  return [a, b, c, d, -(a * m[4] + c * m[5]), -(b * m[4] + d * m[5])];
}

/** a ∘ b: the transform that applies b, then a. */
export function multiplyAffine(a: Affine, b: Affine): Affine {
  return [
    a[0] * b[0] + a[2] * b[1],
    a[1] * b[0] + a[3] * b[1],
    a[0] * b[2] + a[2] * b[3],
    a[1] * b[2] + a[3] * b[3],
    a[0] * b[4] + a[2] * b[5] + a[4],
    a[1] * b[4] + a[3] * b[5] + a[5],
  ];
}

/** Largest difference of the linear part (a–d) at which two transforms still draw the same. */
const SAME_LINEAR = 2.5e-7;
/** Largest difference of the translation (e, f), px, at which two transforms still draw the same. */
const SAME_SHIFT_PX = 1e-3;

/** Whether two transforms draw the same (within a thousandth of a pixel over a 4k frame). */
export function sameAffine(a: Affine, b: Affine): boolean {
  for (let i = 0; i < 4; i++) if (Math.abs(a[i]! - b[i]!) > SAME_LINEAR) return false;
  return Math.abs(a[4] - b[4]) < SAME_SHIFT_PX && Math.abs(a[5] - b[5]) < SAME_SHIFT_PX;
}
