/**
 * Where the picture's upright things stand on the ground: for each column, the row where
 * the wall, house front, tree or far background seen in it meets the ground (its foot).
 * Everything in a column above its foot stands at the ground's depth at the foot — a wall
 * beside a street is as near as the street at its base, the houses at the street's end as far
 * as the horizon. Below the foot the column is ground, receding by rows (ground-plane.ts).
 *
 * Found on the scene's thumbnail: the ground's look (colour and texture) is taken from the
 * bottom rows' middle, every pixel between the horizon and the bottom is scored by how
 * ground-like it is, and each column's foot is the row that best splits it into "not
 * ground" above and "ground" below, with neighbouring columns' feet held together by a
 * dynamic programme (a wall's foot runs smoothly; it jumps where a wall ends).
 */
import { estimateHorizon, eyeLevelHorizon, type HorizonEstimate } from './horizon.js';
import { findSky, type SkyColumns } from './sky-region.js';

/** Per-column ground contact: the foot row of each of `columns` equal columns, as fractions of the height. */
export interface GroundContact {
  /** Foot row (fraction of the height, ≥ the horizon) of each column, left to right. */
  feet: Float32Array;
}

/** Rows of the picture's bottom (fraction of the height) the ground's look is taken from. */
const SEED_ROWS = 0.08;
/** ... and the middle share of those rows' width (the sides are often a wall's base). */
const SEED_WIDTH = 0.6;
/** A pixel this many robust deviations from the ground's look counts as not ground. */
const GROUND_SPREAD = 2.5;
/** Cost per row of a foot step between neighbouring columns (in units of one pixel's mis-fit). */
const STEP_COST = 0.35;
/** Feet within this share of the height of the horizon are on it (the far background). */
const ON_HORIZON = 0.015;
/** Below this share of the columns standing off the horizon, no contact is used. */
const MIN_STANDING = 0.08;

/** Features of a pixel: luminance, two opponent colours, local contrast. */
function features(rgb: Uint8Array, width: number, height: number): Float32Array[] {
  const n = width * height;
  const L = new Float32Array(n);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const bl = rgb[i * 3 + 2]!;
    L[i] = (r + g + bl) / 3;
    a[i] = r - g;
    b[i] = (r + g) / 2 - bl;
  }
  // Local contrast: mean absolute difference to the right and lower neighbours over 3×3.
  const d = new Float32Array(n);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const dx = x + 1 < width ? Math.abs(L[i]! - L[i + 1]!) : 0;
      const dy = y + 1 < height ? Math.abs(L[i]! - L[i + width]!) : 0;
      d[i] = dx + dy;
    }
  const t = new Float32Array(n);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      let c = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++)
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          s += d[yy * width + xx]!;
          c++;
        }
      t[y * width + x] = s / c;
    }
  return [L, a, b, t];
}

function median(v: number[]): number {
  const s = [...v].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/**
 * The ground contact of packed RGB pixels under a horizon at `horizon` (fraction of the
 * height), ignoring pixels where `subject` (0..1, same size) is over one half; undefined
 * when hardly anything stands off the horizon (an open landscape: rows say it all).
 */
export function groundContact(
  rgb: Uint8Array,
  width: number,
  height: number,
  horizon: number,
  subject?: Float32Array,
): GroundContact | undefined {
  const y0 = Math.min(height - 1, Math.max(0, Math.ceil(horizon * height)));
  const rows = height - y0;
  if (rows < 4) return undefined;
  const feats = features(rgb, width, height);
  // The ground's look: per feature the median and the median absolute deviation of the seed.
  const sy0 = Math.max(y0, Math.floor(height * (1 - SEED_ROWS)));
  const sx0 = Math.floor((width * (1 - SEED_WIDTH)) / 2);
  const sx1 = Math.ceil((width * (1 + SEED_WIDTH)) / 2);
  const centre: number[] = [];
  const scale: number[] = [];
  for (const f of feats) {
    const v: number[] = [];
    for (let y = sy0; y < height; y++)
      for (let x = sx0; x < sx1; x++) if (!subject || subject[y * width + x]! <= 0.5) v.push(f[y * width + x]!);
    if (v.length < 10) return undefined;
    const m = median(v);
    centre.push(m);
    // A floor on the spread so a flat seed (a plain floor) does not make every pixel foreign.
    scale.push(Math.max(4, 1.4826 * median(v.map((x) => Math.abs(x - m)))));
  }
  // Per pixel below the horizon: how far it is from the ground's look, 0 (ground) … 1 (not).
  // cost[y][x] of calling it ground; 1 − that of calling it standing.
  const foreign = new Float32Array(rows * width);
  for (let y = y0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (subject && subject[i]! > 0.5) {
        foreign[(y - y0) * width + x] = 0.5;
        continue;
      }
      let d2 = 0;
      for (let k = 0; k < feats.length; k++) d2 += ((feats[k]![i]! - centre[k]!) / scale[k]!) ** 2;
      const d = Math.sqrt(d2 / feats.length);
      foreign[(y - y0) * width + x] = Math.min(1, Math.max(0, (d - 1) / (GROUND_SPREAD - 1)));
    }
  // Per column and foot row f (0 … rows: f rows of standing, then ground): the mis-fit.
  const F = rows + 1;
  const unary = new Float32Array(width * F);
  for (let x = 0; x < width; x++) {
    // Standing above f: cost (1 − foreign) for each; ground from f: cost foreign.
    let ground = 0;
    for (let y = 0; y < rows; y++) ground += foreign[y * width + x]!;
    let standing = 0;
    unary[x * F] = ground;
    for (let f = 1; f <= rows; f++) {
      const v = foreign[(f - 1) * width + x]!;
      standing += 1 - v;
      ground -= v;
      unary[x * F + f] = standing + ground;
    }
  }
  // Dynamic programme over the columns with an L1 cost on the foot's steps (a distance
  // transform per column: two passes make the min over f' of cost(f') + λ|f − f'|).
  const lambda = STEP_COST;
  const cost = new Float32Array(width * F);
  const from = new Int32Array(width * F);
  for (let f = 0; f < F; f++) cost[f] = unary[f]!;
  const dt = new Float32Array(F);
  const arg = new Int32Array(F);
  for (let x = 1; x < width; x++) {
    const prev = (x - 1) * F;
    for (let f = 0; f < F; f++) {
      dt[f] = cost[prev + f]!;
      arg[f] = f;
    }
    for (let f = 1; f < F; f++)
      if (dt[f - 1]! + lambda < dt[f]!) {
        dt[f] = dt[f - 1]! + lambda;
        arg[f] = arg[f - 1]!;
      }
    for (let f = F - 2; f >= 0; f--)
      if (dt[f + 1]! + lambda < dt[f]!) {
        dt[f] = dt[f + 1]! + lambda;
        arg[f] = arg[f + 1]!;
      }
    for (let f = 0; f < F; f++) {
      cost[x * F + f] = dt[f]! + unary[x * F + f]!;
      from[x * F + f] = arg[f]!;
    }
  }
  let f = 0;
  for (let k = 1; k < F; k++) if (cost[(width - 1) * F + k]! < cost[(width - 1) * F + f]!) f = k;
  const feet = new Float32Array(width);
  for (let x = width - 1; x >= 0; x--) {
    feet[x] = (y0 + f) / height;
    if (x > 0) f = from[x * F + f]!;
  }
  let standing = 0;
  for (let x = 0; x < width; x++) {
    if (feet[x]! - horizon < ON_HORIZON) feet[x] = horizon;
    else standing++;
  }
  if (standing < MIN_STANDING * width) return undefined;
  return { feet };
}

/**
 * The horizon and ground contact of a scene's thumbnail (packed RGB, outside `subject`, the
 * horizon above `below`). With no subject layer, where the rows split at a skyline or
 * roofline and below it the picture's slanted straight lines agree on an eye level (`eyeLevelHorizon`: a street, a room, a façade's courses) that is
 * the horizon and what stands above it is stood on the ground at its foot; else the row
 * split's horizon, and the far background above it, as before. A subject layer (`layered`)
 * is the unit of depth and its feet set the ground's slope: standing the plate on the ground
 * there read worse (bench:scene, squirrel_cls Dolly In 15.6 → 1.1 %, an eye level found in a
 * close-up's fur), so it keeps the split.
 */
export function sceneGround(
  rgb: Uint8Array,
  width: number,
  height: number,
  o: { subject?: Float32Array; below?: number; layered?: boolean } = {},
): { horizon: HorizonEstimate; contact?: GroundContact; sky?: SkyColumns } {
  const { subject, below = 1 } = o;
  const found = findSky(rgb, width, height, subject);
  const split = belowSky(estimateHorizon(rgb, width, height, subject, below), found, below);
  const sky = found && { sky: found };
  // Walls rise from the eye level to a skyline or roofline the row split finds; without such a
  // split an eye level alone is often lines in fur or foliage (chelsea: a cat's close-up
  // stood on the ground at the frame's bottom, Arc Right's frame 0 left the picture).
  if (o.layered || split.source !== 'edge') return { horizon: split, ...sky };
  const eye = eyeLevelHorizon(rgb, width, height, split, subject, below);
  if (!eye) return { horizon: split, ...sky };
  const horizon: HorizonEstimate = { row: eye.row, source: 'vanishing', strength: eye.agreement };
  const contact = groundContact(rgb, width, height, eye.row, subject);
  return { horizon, ...(contact && { contact }), ...sky };
}

/** Share of the sky's columns whose sky may reach below the horizon (birds, a stray patch). */
const SKY_BELOW_HORIZON = 0.1;

/**
 * The horizon no higher than the sky: the sky lies above the eye level, so a row split (or
 * the prior row) above most of the sky's columns' bottoms (a façade filling the frame under
 * a sky beside it, split at a cornice) is lowered to where the sky ends, but no lower than
 * `below` allows (the subject's feet stand on the ground).
 */
function belowSky(horizon: HorizonEstimate, sky: SkyColumns | undefined, below: number): HorizonEstimate {
  if (!sky) return horizon;
  const bottoms = Array.from(sky.bottom).filter((b, c) => b > sky.top[c]!);
  if (bottoms.length === 0) return horizon;
  bottoms.sort((a, b) => a - b);
  const low = bottoms[Math.min(bottoms.length - 1, Math.floor(bottoms.length * (1 - SKY_BELOW_HORIZON)))]!;
  const row = Math.min(low, Math.max(horizon.row, below - 0.08));
  return row > horizon.row ? { ...horizon, row } : horizon;
}
