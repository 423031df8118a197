/**
 * The ground plane of a picture's scene: below the horizon the background is not one flat
 * plane but the ground, which recedes from the picture's bottom row (nearest) to the
 * horizon (as far as the far background). For a plane seen by a pinhole camera the
 * disparity 1/depth is linear in the image row, so the depth of any row follows from the
 * horizon and the depth at the bottom. Under a camera that travels sideways or up and down
 * the ground's image moves by one affine (a shear: near rows slide more); under a dolly
 * each row is magnified differently, which is drawn as thin bands (see `groundBands`), each
 * an affine that is exact along the view's centre column at both of its edges.
 */
import { affineScale, applyAffine, invertAffine, type Affine } from '../maths/affine.js';

/** The ground of a scene: its horizon and how near it comes at the picture's bottom. */
export interface GroundPlane {
  /** Horizon row as a fraction of the picture's height (0 = top). */
  horizon: number;
  /** Depth of the ground at the picture's bottom row (the subject is at 1). */
  near: number;
}

/** Depth of the ground at row fraction `v` (0 top … 1 bottom); the far depth at and above the horizon. */
export function groundDepthAt(ground: GroundPlane, far: number, v: number): number {
  if (v <= ground.horizon) return far;
  const k = (v - ground.horizon) / Math.max(1e-6, 1 - ground.horizon);
  return 1 / (1 / far + (1 / ground.near - 1 / far) * k);
}

/** Output px the bands may disagree by at the frame's sides (the seam between two bands). */
const BAND_TOLERANCE = 0.75;
/** Most bands per frame: a 720p dolly in over near ground needs about this many. */
export const MAX_GROUND_BANDS = 128;

/**
 * Row boundaries (picture px, top to bottom) of the bands the ground from `y0` to `y1`
 * is drawn in at one instant: as many equal bands as keep the seams within
 * BAND_TOLERANCE output px at the frame's sides. Equal rows are equal steps of
 * magnification, as the magnification's inverse is linear in disparity and so in the row.
 */
export function groundBandRows(rowAffine: (row: number) => Affine, y0: number, y1: number, outWidth: number): number[] {
  const a = affineScale(rowAffine(y0));
  const b = affineScale(rowAffine(y1));
  const spread = (Math.abs(a - b) / Math.min(a, b)) * (outWidth / 2);
  const n = Math.max(1, Math.min(MAX_GROUND_BANDS, Math.ceil(spread / BAND_TOLERANCE), Math.floor(y1 - y0)));
  return Array.from({ length: n + 1 }, (_, i) => y0 + ((y1 - y0) * i) / n);
}

/**
 * The affine of the ground band between rows `ya` and `yb` (picture px): the horizontal
 * scale of its middle row, and exactly the rows' own projection on the view's centre
 * column at both edges (so bands join there, and a sideways travel is a pure shear).
 */
export function groundBandAffine(
  rowAffine: (row: number) => Affine,
  ya: number,
  yb: number,
  outWidth: number,
  outHeight: number,
): Affine {
  const A = rowAffine(ya);
  const B = rowAffine(yb);
  const M = rowAffine((ya + yb) / 2);
  const [xc] = applyAffine(invertAffine(M), outWidth / 2, outHeight / 2);
  const [pax, pay] = applyAffine(A, xc, ya);
  const [pbx, pby] = applyAffine(B, xc, yb);
  const ux = M[0];
  const uy = M[1];
  const h = yb - ya;
  const vx = h > 1e-9 ? (pbx - pax) / h : M[2];
  const vy = h > 1e-9 ? (pby - pay) / h : M[3];
  return [ux, uy, vx, vy, pax - ux * xc - vx * ya, pay - uy * xc - vy * ya];
}
