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
import type { SkyColumns } from './sky-region.js';

/** The ground of a scene: its horizon and how near it comes at the picture's bottom. */
export interface GroundPlane {
  /** Horizon row as a fraction of the picture's height (0 = top). */
  horizon: number;
  /** Depth of the ground at the picture's bottom row (the subject is at 1). */
  near: number;
  /**
   * Where what stands in each of equal columns (left to right) meets the ground, as a row
   * fraction ≥ the horizon (scene/ground-contact.ts): above its foot a column stands at the
   * ground's depth there (a wall beside a street), below it the column is ground. Left out:
   * everything above the horizon is the far background.
   */
  feet?: Float32Array;
  /**
   * The sky (scene/sky-region.ts): in each of equal columns the rows it covers above the
   * horizon, drawn as a plane of its own at `depth` behind the far background; left out: none.
   */
  sky?: SkyColumns & { depth: number };
}

/** Depth of the ground at row fraction `v` (0 top … 1 bottom); the far depth at and above the horizon. */
export function groundDepthAt(ground: GroundPlane, far: number, v: number): number {
  if (v <= ground.horizon) return far;
  const k = (v - ground.horizon) / Math.max(1e-6, 1 - ground.horizon);
  return 1 / (1 / far + (1 / ground.near - 1 / far) * k);
}

/** The foot row (fraction) of picture column fraction `u`; the horizon without ground contact. */
export function footAt(ground: GroundPlane, u: number): number {
  const feet = ground.feet;
  if (!feet) return ground.horizon;
  const n = feet.length;
  return Math.max(ground.horizon, feet[Math.max(0, Math.min(n - 1, Math.floor(u * n)))]!);
}

/** Depth of the scene's background at picture fractions (u, v): the ground, or what stands on it at its foot. */
export function sceneDepthAt(ground: GroundPlane, far: number, u: number, v: number): number {
  return groundDepthAt(ground, far, Math.max(v, footAt(ground, u)));
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

/** A span of standing columns drawn as one plane: picture px columns and the rows above its feet. */
export interface StandingSpan {
  x0: number;
  x1: number;
  /** Lowest foot in the span (picture px): the span is drawn from the top row to here. */
  y1: number;
  depth: number;
}

/**
 * The spans (picture px) the standing columns of a `width`×`height` picture are drawn in at
 * one instant, back to front: runs of neighbouring columns whose own planes' projections
 * (`depthAffine`) stay within BAND_TOLERANCE output px of the run's plane at the run's
 * top and foot, each at the depth midway in disparity between its nearest and farthest
 * column. Columns standing on the horizon are the far background and are left out.
 */
export function standingSpans(
  depthAffine: (depth: number) => Affine,
  ground: GroundPlane,
  far: number,
  width: number,
  height: number,
): StandingSpan[] {
  const feet = ground.feet;
  if (!feet) return [];
  const n = feet.length;
  const cols = Array.from({ length: n }, (_, c) => {
    const foot = Math.max(ground.horizon, feet[c]!);
    return { c, foot, disparity: 1 / groundDepthAt(ground, far, foot) };
  });
  const cache = new Map<number, Affine>();
  const at = (d: number): Affine => {
    let m = cache.get(d);
    if (!m) {
      m = depthAffine(d);
      cache.set(d, m);
    }
    return m;
  };
  const off = (a: Affine, b: Affine, x: number, y: number): number => {
    const [ax, ay] = applyAffine(a, x, y);
    const [bx, by] = applyAffine(b, x, y);
    return Math.hypot(ax - bx, ay - by);
  };
  const fits = (run: typeof cols, depth: number): boolean => {
    const m = at(depth);
    for (const col of run) {
      const own = at(1 / col.disparity);
      for (const x of [col.c, col.c + 1]) {
        const px = (x / n) * width;
        if (off(m, own, px, 0) > BAND_TOLERANCE || off(m, own, px, col.foot * height) > BAND_TOLERANCE) return false;
      }
    }
    return true;
  };
  const spanDepth = (run: typeof cols): number => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const col of run) [lo, hi] = [Math.min(lo, col.disparity), Math.max(hi, col.disparity)];
    return 2 / (lo + hi);
  };
  const spans: StandingSpan[] = [];
  let c = 0;
  while (c < n) {
    if (cols[c]!.foot <= ground.horizon) {
      c++;
      continue;
    }
    let end = c + 1;
    while (end < n && cols[end]!.foot > ground.horizon) {
      const run = cols.slice(c, end + 1);
      if (!fits(run, spanDepth(run))) break;
      end++;
    }
    const run = cols.slice(c, end);
    spans.push({
      x0: (c / n) * width,
      x1: (end / n) * width,
      y1: Math.max(...run.map((col) => col.foot)) * height,
      depth: spanDepth(run),
    });
    c = end;
  }
  return spans.sort((a, b) => b.depth - a.depth);
}
