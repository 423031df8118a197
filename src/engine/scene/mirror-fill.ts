/**
 * Sharp detail for the sides of a filled hole: each row of the hole takes, near each of its
 * ends, the mirror image of the background just beside that end.
 *
 * A depth move reveals the plate only in a strip along the subject's edge — the width of
 * the parallax, a few per cent of the frame — and there a smooth fill (push-pull, row
 * medians) reads as a blurred ghost of the subject against grass, foliage or a ridge. The
 * mirror continues what is beside the hole at full resolution: texture keeps its grain, a
 * ridge or a horizon meets the hole's edge at its own height, and the join is seamless (the
 * pixels either side of the edge are the same one).
 *
 * Where it is not used, the smooth fill beneath stays:
 * - deeper than `MIRROR_DEPTH` into the hole, where a mirror would start to repeat
 *   recognisable things (a tree beside the subject); it fades out over its last quarter,
 *   unless the row's two mirrors meet, when they cross-fade in the middle;
 * - where the hole's edge leans (a shoulder, the top of a head): mirroring rows about a
 *   slanted edge shears whatever stands beside it into stair-stepped streaks, and
 *   reflecting across the edge instead (tried) fans it into a fishbone, so the mirror fades
 *   out as the edge leans from LEAN_FULL to LEAN_NONE px sideways per row (each row decides
 *   alone, so the weights are then smoothed down the columns);
 * - where it would double a thing rather than continue a texture (STRUCTURE_* below).
 */

import type { Box } from './inpaint.js';
import { medians } from './row-fill.js';

/** Longest mirrored stretch per end of a row, as a fraction of the picture's long side. */
export const MIRROR_DEPTH = 0.06;
/** Edge lean (px sideways per row) up to which the mirror is whole, and at which it is gone. */
const LEAN_FULL = 0.2;
const LEAN_NONE = 0.5;
/** Rows above and below at which the edge's lean is read. */
const LEAN_ROWS = 6;
/** Half-width of the cross-fade where a row's two mirrors meet (px, at least). */
const MEET_FADE = 4;
/**
 * A mirror carries texture, not things: where its brightness, smoothed over ±SMOOTH px
 * along the row, stands off the median of the row beside the hole (REFERENCE × the mirror's
 * depth of known pixels, at least REFERENCE_MIN) by more than STRUCTURE_FULL levels it
 * fades, and by STRUCTURE_NONE it is gone — a trunk, a post or a tree beside the subject is
 * not doubled, while grass and foliage (which differ from their surroundings' median only
 * in fine grain) are kept.
 */
const REFERENCE = 3;
const REFERENCE_MIN = 48;
const SMOOTH = 3;
const STRUCTURE_FULL = 15;
const STRUCTURE_NONE = 35;

/** A run of hole shorter than MEET_FADE / this share hands over across its whole width. */
const MEET_FADE_SHARE = 0.1;

/**
 * The edge of the hole nearest x on row y, searching `dir` (−1: the left end of a run there,
 * +1: the right end), or undefined when none is within `reach` (a steep lean).
 */
function edgeNear(hole: Uint8Array, w: number, reach: number, y: number, x: number, dir: -1 | 1): number | undefined {
  const row = y * w;
  if (hole[row + x]) {
    // Inside a run: walk out of it the way the edge faces.
    let e = x;
    for (let k = 0; k <= reach; k++, e += dir) {
      if (e + dir < 0 || e + dir >= w || !hole[row + e + dir]) return e;
    }
    return undefined;
  }
  // Outside: walk into the hole, against the way the edge faces.
  for (let k = 1, e = x - dir; k <= reach; k++, e -= dir) {
    if (e >= 0 && e < w && hole[row + e]) return e;
  }
  return undefined;
}

/**
 * How much of an end's mirror to keep, from how far its edge leans over ±LEAN_ROWS rows
 * (rows past the picture's top or bottom do not count; an edge out of reach is steep).
 */
function keepOfLean(hole: Uint8Array, w: number, h: number, y: number, end: number, dir: -1 | 1): number {
  const reach = Math.ceil(LEAN_NONE * LEAN_ROWS) + 1;
  let lean = -1;
  for (const yy of [y - LEAN_ROWS, y + LEAN_ROWS]) {
    if (yy < 0 || yy >= h) continue;
    const e = edgeNear(hole, w, reach, yy, end, dir);
    if (e === undefined) return 0;
    lean = Math.max(lean, Math.abs(e - end) / LEAN_ROWS);
  }
  return lean < 0 ? 1 : Math.min(1, Math.max(0, (LEAN_NONE - lean) / (LEAN_NONE - LEAN_FULL)));
}

/** The mirrors' colour and weight over the box, per row, before the weights are smoothed. */
interface MirrorField {
  colour: Float32Array;
  weight: Float32Array;
}

/** Scratch buffers a row's two mirrors are built in (one picture row each). */
interface RowScratch {
  left: Float32Array;
  right: Float32Array;
  wl: Float32Array;
  wr: Float32Array;
  guardL: Float32Array;
  guardR: Float32Array;
  hist: Uint32Array;
}

/** Each run of hole on row `y`: both ends' mirrors, weighted by lean and texture, handed over where they meet. */
function mirrorRow(
  rgba: Uint8Array,
  w: number,
  h: number,
  hole: Uint8Array,
  box: Box,
  y: number,
  depth: number,
  scratch: RowScratch,
  field: MirrorField,
): void {
  const { left, right, wl, wr, guardL, guardR, hist } = scratch;
  const bw = box.x1 - box.x0;
  const reference = Math.max(REFERENCE_MIN, REFERENCE * depth);
  const row = y * w;
  for (let a = box.x0; a < box.x1; ) {
    if (!hole[row + a]) {
      a++;
      continue;
    }
    let b = a;
    while (b < w && hole[row + b]) b++;
    const n = b - a;
    const mid = n / 2;
    const fade = Math.max(MEET_FADE, MEET_FADE_SHARE * n);
    // Mirrors that would meet reach past the middle at full weight and hand over there;
    // others fade into the fill beneath over their last quarter.
    const meet = 2 * depth >= n;
    const span = meet ? Math.min(n, Math.ceil(mid + fade)) : depth;
    // Each end's mirror and its weight per pixel, k steps from that end.
    const reachL = a > 0 ? mirrorInto(rgba, w, row, hole, a, b, -1, span, !meet, left, wl) : 0;
    const reachR = b < w ? mirrorInto(rgba, w, row, hole, a, b, 1, span, !meet, right, wr) : 0;
    const kl = reachL ? keepOfLean(hole, w, h, y, a, -1) : 0;
    const kr = reachR ? keepOfLean(hole, w, h, y, b - 1, 1) : 0;
    if (reachL) textureWeights(left, reachL, medianBeside(rgba, w, row, hole, a - 1, -1, reference, hist), guardL);
    if (reachR) textureWeights(right, reachR, medianBeside(rgba, w, row, hole, b, 1, reference, hist), guardR);
    for (let k = 0; k < n; k++) {
      let ml = k < reachL ? wl[k]! * kl * guardL[k]! : 0;
      let mr = n - 1 - k < reachR ? wr[n - 1 - k]! * kr * guardR[n - 1 - k]! : 0;
      if (meet && ml > 0 && mr > 0) {
        // Both reach here: hand over from the left mirror to the right one about the middle.
        const t = Math.min(1, Math.max(0, (k + 0.5 - (mid - fade)) / (2 * fade)));
        ml *= 1 - t;
        mr *= t;
      }
      const total = ml + mr;
      if (total <= 0) continue;
      const j = (y - box.y0) * bw + a + k - box.x0;
      for (let c = 0; c < 3; c++)
        field.colour[j * 3 + c] = (left[k * 3 + c]! * ml + right[(n - 1 - k) * 3 + c]! * mr) / total;
      field.weight[j] = Math.min(1, total);
    }
    a = b;
  }
}

/**
 * Rows decide their weights on their own; smoothed down the columns, a row that keeps its
 * mirror between two that do not (or the reverse) no longer shows as a streak. (Running
 * sums down each column, over the hole's pixels only.) Then the mirror is blended in.
 */
function blendSmoothed(rgba: Uint8Array, w: number, hole: Uint8Array, box: Box, field: MirrorField): void {
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const { colour, weight } = field;
  for (let x = 0; x < bw; x++) {
    // (No closure here, as there was one made per column: the hole's test is written out.)
    const col = box.y0 * w + box.x0 + x;
    let sum = 0;
    let count = 0;
    for (let y = 0; y < Math.min(bh, LEAN_ROWS); y++) {
      if (hole[col + y * w] !== 1) continue;
      sum += weight[y * bw + x]!;
      count++;
    }
    for (let y = 0; y < bh; y++) {
      const enter = y + LEAN_ROWS;
      if (enter < bh && hole[col + enter * w] === 1) {
        sum += weight[enter * bw + x]!;
        count++;
      }
      const leave = y - LEAN_ROWS - 1;
      if (leave >= 0 && hole[col + leave * w] === 1) {
        sum -= weight[leave * bw + x]!;
        count--;
      }
      const j = y * bw + x;
      if (hole[col + y * w] !== 1) continue;
      const m = Math.min(weight[j]!, sum / count);
      if (m <= 0) continue;
      const o = ((box.y0 + y) * w + box.x0 + x) * 4;
      for (let c = 0; c < 3; c++)
        rgba[o + c] = Math.min(255, Math.max(0, Math.round(rgba[o + c]! + (colour[j * 3 + c]! - rgba[o + c]!) * m)));
    }
  }
}

/**
 * Blends the mirror images into `rgba` (w × h × 4, in place, already filled) where `hole`
 * is set, within `box`; only pixels outside the hole are mirrored.
 */
export function mirrorEdges(rgba: Uint8Array, w: number, h: number, hole: Uint8Array, box: Box): void {
  const depth = Math.max(2, Math.round(MIRROR_DEPTH * Math.max(w, h)));
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const field: MirrorField = { colour: new Float32Array(bw * bh * 3), weight: new Float32Array(bw * bh) };
  const scratch: RowScratch = {
    left: new Float32Array(w * 3),
    right: new Float32Array(w * 3),
    wl: new Float32Array(w),
    wr: new Float32Array(w),
    guardL: new Float32Array(w),
    guardR: new Float32Array(w),
    hist: new Uint32Array(256),
  };
  for (let y = box.y0; y < box.y1; y++) mirrorRow(rgba, w, h, hole, box, y, depth, scratch, field);
  blendSmoothed(rgba, w, hole, box, field);
}

/** The median brightness (whole levels) of up to `count` known pixels of a row from x = from, stepping `step`. */
function medianBeside(
  rgba: Uint8Array,
  w: number,
  row: number,
  hole: Uint8Array,
  from: number,
  step: -1 | 1,
  count: number,
  hist: Uint32Array,
): number {
  hist.fill(0);
  let n = 0;
  for (let x = from; n < count && x >= 0 && x < w; x += step, n++) {
    if (hole[row + x]) break;
    const i = (row + x) * 4;
    hist[Math.round(0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!)]!++;
  }
  // n ≥ 1: the caller asks only where the pixel beside the hole is known.
  return medians(hist, 1, n)[0]!;
}

/** Brightness of entry `j` of packed RGB floats. */
function lumaAt(m: Float32Array, j: number): number {
  return 0.299 * m[j * 3]! + 0.587 * m[j * 3 + 1]! + 0.114 * m[j * 3 + 2]!;
}

/**
 * Per step k of a mirror (`m`, RGB per step), how much it reads as texture about `median`:
 * its brightness smoothed over ±SMOOTH steps, against the STRUCTURE thresholds.
 */
function textureWeights(m: Float32Array, reach: number, median: number, out: Float32Array): void {
  let sum = 0;
  let lo = 0;
  let hi = -1;
  for (let k = 0; k < reach; k++) {
    // The window [k − SMOOTH, k + SMOOTH], clipped to the mirror, as a running sum.
    while (hi < Math.min(reach - 1, k + SMOOTH)) sum += lumaAt(m, ++hi);
    while (lo < k - SMOOTH) sum -= lumaAt(m, lo++);
    const off = Math.abs(sum / (hi - lo + 1) - median);
    out[k] = Math.min(1, Math.max(0, (STRUCTURE_NONE - off) / (STRUCTURE_NONE - STRUCTURE_FULL)));
  }
}

/**
 * One end of one run: for k = 0, 1… steps into the hole from that end, the known pixel k
 * steps out of it (`out`, RGB) and its weight (`weight`: whole, or with `fadeOut` whole up
 * to three quarters of `span` and fading to none at `span`). Returns how far it got: it
 * stops at the first mirrored pixel that is not known background.
 */
function mirrorInto(
  rgba: Uint8Array,
  w: number,
  row: number,
  hole: Uint8Array,
  a: number,
  b: number,
  side: -1 | 1,
  span: number,
  fadeOut: boolean,
  out: Float32Array,
  weight: Float32Array,
): number {
  const full = fadeOut ? 0.75 * span : span;
  for (let k = 0; k < span; k++) {
    const sx = side < 0 ? a - 1 - k : b + k;
    if (sx < 0 || sx >= w || hole[row + sx]) return k;
    const s = (row + sx) * 4;
    out[k * 3] = rgba[s]!;
    out[k * 3 + 1] = rgba[s + 1]!;
    out[k * 3 + 2] = rgba[s + 2]!;
    weight[k] = k < full ? 1 : (span - k) / (span - full);
  }
  return span;
}
