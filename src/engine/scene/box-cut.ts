/**
 * An object's shape from the detector's box: an iterated graph cut (GrabCut, Rother et al.
 * 2004) on a crop around the box.
 *
 * - Seeds: the crop is the box grown by half its size per side (a detector's box is tight
 *   or loose by a part: the saucer under a cup, a wheel); its outer ring (RING px, the
 *   picture's edge included) is surely background, everything inside starts as the object
 *   and may leave it; a pixel outside the box pays a little more for being the object the
 *   farther out it lies.
 * - Data term: colour mixtures (a few full-covariance Gaussians in RGB) for each side,
 *   refitted from the current labelling each round.
 * - Smoothness: neighbours with unlike labels pay exp(−β|ΔI|²), so the outline runs
 *   along the picture's edges, not through a colour the two sides share (a red cup's body
 *   beside a red saucer stays with the cup when the edge between them is weak, and a
 *   floor of the cup's colour stays out when an edge separates them).
 * - The min-cut (min-cut.ts) is exact for that energy; the object is then the cut's
 *   component that holds most of the box's middle.
 */
import { addLink, gridGraph, minCut } from './min-cut.js';

export interface PixelBox {
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
}

/** Gaussians per side. */
const COMPONENTS = 5;
/** Rounds of refit + cut. */
const ROUNDS = 4;
/** Weight of the smoothness term (GrabCut's γ). */
const GAMMA = 50;
/** Margin around the box the cut may still take, as a share of the box's size per side. */
export const BOX_MARGIN = 0.5;
/** Extra cost (log-likelihood units) per box-size share a margin pixel lies outside the box. */
const OUTSIDE_COST = 4;
/** Width (px) of the crop's outer ring that is surely background. */
const RING = 3;

interface Mixture {
  k: number;
  weight: Float64Array;
  mean: Float64Array;
  /** Inverse covariance, 9 per component. */
  inv: Float64Array;
  /** log(weight) − ½ log det Σ. */
  logNorm: Float64Array;
}

/** Fits a mixture to the listed pixels, given each one's component (k-means-like labels). */
function fitMixture(rgb: Uint8Array, idx: Int32Array, count: number, comp: Uint8Array, k: number): Mixture {
  const s = new Float64Array(k * 10);
  for (let q = 0; q < count; q++) {
    const i = idx[q]!;
    const c = comp[q]!;
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    const o = c * 10;
    s[o] = s[o]! + 1;
    s[o + 1] = s[o + 1]! + r;
    s[o + 2] = s[o + 2]! + g;
    s[o + 3] = s[o + 3]! + b;
    s[o + 4] = s[o + 4]! + r * r;
    s[o + 5] = s[o + 5]! + r * g;
    s[o + 6] = s[o + 6]! + r * b;
    s[o + 7] = s[o + 7]! + g * g;
    s[o + 8] = s[o + 8]! + g * b;
    s[o + 9] = s[o + 9]! + b * b;
  }
  const m: Mixture = {
    k,
    weight: new Float64Array(k),
    mean: new Float64Array(k * 3),
    inv: new Float64Array(k * 9),
    logNorm: new Float64Array(k).fill(-Infinity),
  };
  for (let c = 0; c < k; c++) {
    const o = c * 10;
    const n = s[o]!;
    if (n < 1) continue;
    const mr = s[o + 1]! / n;
    const mg = s[o + 2]! / n;
    const mb = s[o + 3]! / n;
    // Covariance with a floor (a flat patch would make it singular).
    const reg = 4;
    const a = s[o + 4]! / n - mr * mr + reg;
    const bb = s[o + 5]! / n - mr * mg;
    const cc = s[o + 6]! / n - mr * mb;
    const d = s[o + 7]! / n - mg * mg + reg;
    const e = s[o + 8]! / n - mg * mb;
    const f = s[o + 9]! / n - mb * mb + reg;
    const det = a * (d * f - e * e) - bb * (bb * f - e * cc) + cc * (bb * e - d * cc);
    if (!(det > 0)) continue;
    const inv = [
      d * f - e * e,
      cc * e - bb * f,
      bb * e - cc * d,
      0,
      a * f - cc * cc,
      bb * cc - a * e,
      0,
      0,
      a * d - bb * bb,
    ];
    inv[3] = inv[1]!;
    inv[6] = inv[2]!;
    inv[7] = inv[5]!;
    for (let j = 0; j < 9; j++) m.inv[c * 9 + j] = inv[j]! / det;
    m.mean[c * 3] = mr;
    m.mean[c * 3 + 1] = mg;
    m.mean[c * 3 + 2] = mb;
    m.weight[c] = n / count;
    m.logNorm[c] = Math.log(n / count) - 0.5 * Math.log(det);
  }
  return m;
}

/**
 * Per component: log weight + log N(x); returns the mixture's log-likelihood and leaves the
 * most likely component in `best.c`. (Called a few hundred thousand times a cut: no
 * allocation in here.)
 */
function score(m: Mixture, rgb: Uint8Array, i: number, best: { c: number }): number {
  let sum = 0;
  let top = -Infinity;
  const r = rgb[i * 3]!;
  const g = rgb[i * 3 + 1]!;
  const b = rgb[i * 3 + 2]!;
  const { mean, inv, logNorm } = m;
  for (let c = 0; c < m.k; c++) {
    const ln = logNorm[c]!;
    if (ln === -Infinity) continue;
    const dr = r - mean[c * 3]!;
    const dg = g - mean[c * 3 + 1]!;
    const db = b - mean[c * 3 + 2]!;
    const o = c * 9;
    const q =
      dr * (inv[o]! * dr + inv[o + 1]! * dg + inv[o + 2]! * db) +
      dg * (inv[o + 3]! * dr + inv[o + 4]! * dg + inv[o + 5]! * db) +
      db * (inv[o + 6]! * dr + inv[o + 7]! * dg + inv[o + 8]! * db);
    const l = ln - 0.5 * q;
    if (l > top) {
      top = l;
      best.c = c;
    }
    sum += Math.exp(l);
  }
  return sum > 0 ? Math.log(sum) : top === -Infinity ? -1e3 : top;
}

/**
 * The listed pixel at position `pos` once they are ordered by brightness (R + G + B), ties
 * in list order: what a stable sort of the list would put there, found by counting (the
 * brightness takes 766 values) without sorting.
 */
function byBrightness(rgb: Uint8Array, idx: Int32Array, count: number, pos: number): number {
  const counts = new Int32Array(766);
  for (let q = 0; q < count; q++) {
    const i = idx[q]!;
    counts[rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!]!++;
  }
  let level = 0;
  let before = 0;
  while (before + counts[level]! <= pos) before += counts[level++]!;
  let nth = pos - before;
  for (let q = 0; q < count; q++) {
    const i = idx[q]!;
    if (rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]! === level && nth-- === 0) return i;
  }
  return idx[count - 1]!;
}

/** Initial components: k-means (brightness-quantile seeds, a few rounds) of the listed pixels. */
function initialComponents(rgb: Uint8Array, idx: Int32Array, count: number, k: number): Uint8Array {
  const centre = new Float64Array(k * 3);
  for (let c = 0; c < k; c++) {
    const p = byBrightness(rgb, idx, count, Math.floor(((c + 0.5) / k) * count));
    for (let j = 0; j < 3; j++) centre[c * 3 + j] = rgb[p * 3 + j]!;
  }
  const comp = new Uint8Array(count);
  for (let round = 0; round < 5; round++) {
    const sum = new Float64Array(k * 4);
    for (let q = 0; q < count; q++) {
      const i = idx[q]!;
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        let d = 0;
        for (let j = 0; j < 3; j++) d += (rgb[i * 3 + j]! - centre[c * 3 + j]!) ** 2;
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
      comp[q] = best;
      for (let j = 0; j < 3; j++) sum[best * 4 + j] = sum[best * 4 + j]! + rgb[i * 3 + j]!;
      sum[best * 4 + 3] = sum[best * 4 + 3]! + 1;
    }
    for (let c = 0; c < k; c++)
      if (sum[c * 4 + 3]! > 0) for (let j = 0; j < 3; j++) centre[c * 3 + j] = sum[c * 4 + j]! / sum[c * 4 + 3]!;
  }
  return comp;
}

// (Module-level functions rather than closures in cutObject: a closure is a new function
// per call, and optimised code that inlined one call's was thrown away on the next.)

/** Squared RGB distance between pixels i and j of packed RGB `px`. */
function diff2(px: Uint8Array, i: number, j: number): number {
  const a = px[i * 3]! - px[j * 3]!;
  const b = px[i * 3 + 1]! - px[j * 3 + 1]!;
  const c = px[i * 3 + 2]! - px[j * 3 + 2]!;
  return a * a + b * b + c * c;
}

/** Each listed pixel to its side's most likely component under the last round's mixture (k-means the first round). */
function components(
  m: Mixture | undefined,
  px: Uint8Array,
  idx: Int32Array,
  count: number,
  best: { c: number },
): Uint8Array {
  if (!m) return initialComponents(px, idx, count, COMPONENTS);
  const comp = new Uint8Array(count);
  for (let q = 0; q < count; q++) {
    score(m, px, idx[q]!, best);
    comp[q] = best.c;
  }
  return comp;
}

/**
 * The object inside `box` (pixels of the w × h packed RGB picture `rgb`) as a 0/1 mask over
 * `crop` (crop.x1 − crop.x0 wide), or undefined when the cut keeps nothing. `crop` should be
 * the box grown by BOX_MARGIN per side (clipped to the picture).
 */
export function cutObject(
  rgb: Uint8Array,
  w: number,
  h: number,
  box: PixelBox,
  crop: PixelBox,
): Uint8Array | undefined {
  const cw = crop.x1 - crop.x0;
  const ch = crop.y1 - crop.y0;
  const n = cw * ch;
  if (cw < 8 || ch < 8 || crop.x1 > w || crop.y1 > h) return undefined;
  const px = new Uint8Array(n * 3);
  for (let y = 0; y < ch; y++)
    px.set(rgb.subarray(((crop.y0 + y) * w + crop.x0) * 3, ((crop.y0 + y) * w + crop.x1) * 3), y * cw * 3);
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  // The crop's outer ring outside the box is surely background.
  const sure = new Uint8Array(n);
  const outside = new Float32Array(n);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const X = crop.x0 + x;
      const Y = crop.y0 + y;
      const i = y * cw + x;
      const dx = Math.max(0, box.x0 - X - 0.5, X + 0.5 - box.x1) / bw;
      const dy = Math.max(0, box.y0 - Y - 0.5, Y + 0.5 - box.y1) / bh;
      outside[i] = Math.max(dx, dy);
      const ring = x < RING || y < RING || x >= cw - RING || y >= ch - RING;
      if (ring && outside[i]! > 0) sure[i] = 1;
    }
  }
  // β from the crop's mean squared neighbour difference (8-neighbourhood).
  const OFFS: [number, number, number][] = [
    [1, 0, 1],
    [0, 1, 1],
    [1, 1, Math.SQRT1_2],
    [-1, 1, Math.SQRT1_2],
  ];
  let total = 0;
  let pairs = 0;
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++)
      for (const [dx, dy] of OFFS) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || xx >= cw || yy >= ch) continue;
        total += diff2(px, y * cw + x, yy * cw + xx);
        pairs++;
      }
  const beta = 1 / (2 * Math.max(1, total / Math.max(1, pairs)));
  // Neighbour weights do not change between rounds: one graph, its terminals set each round.
  let links = 0;
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++)
      for (const [dx, dy] of OFFS) {
        const xx = x + dx;
        if (xx >= 0 && xx < cw && y + dy < ch) links++;
      }
  const g = gridGraph(n, links);
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++)
      for (const [dx, dy, k] of OFFS) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || xx >= cw || yy >= ch) continue;
        const i = y * cw + x;
        const j = yy * cw + xx;
        addLink(g, i, j, GAMMA * k * Math.exp(-beta * diff2(px, i, j)));
      }

  let label: Uint8Array = new Uint8Array(n);
  // Everything not surely background starts as the object (GrabCut's loose box): the first
  // background model is the ring's, so a part of the object past the box is not modelled
  // as background from the start.
  for (let i = 0; i < n; i++) label[i] = 1 - sure[i]!;
  const fgIdx = new Int32Array(n);
  const bgIdx = new Int32Array(n);
  let fg: Mixture | undefined;
  let bg: Mixture | undefined;
  const best = { c: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    let nf = 0;
    let nb = 0;
    for (let i = 0; i < n; i++) {
      if (label[i]) fgIdx[nf++] = i;
      else bgIdx[nb++] = i;
    }
    if (nf < 2 * COMPONENTS || nb < 2 * COMPONENTS) return undefined;
    fg = fitMixture(px, fgIdx, nf, components(fg, px, fgIdx, nf, best), COMPONENTS);
    bg = fitMixture(px, bgIdx, nb, components(bg, px, bgIdx, nb, best), COMPONENTS);
    for (let i = 0; i < n; i++) {
      if (sure[i]) {
        g.source[i] = 0;
        g.sink[i] = 1e9;
        continue;
      }
      // Source capacity: the cost of calling it background (−log p_bg); sink: of object.
      const lf = score(fg, px, i, best);
      const lb = score(bg, px, i, best);
      g.source[i] = Math.max(0, -lb);
      g.sink[i] = Math.max(0, -lf) + OUTSIDE_COST * outside[i]!;
    }
    label = minCut(g);
  }
  return largestNearCentre(label, cw, ch, box, crop);
}

/** The 4-connected component of `mask` with most pixels in the box's middle half. */
function largestNearCentre(
  mask: Uint8Array,
  cw: number,
  ch: number,
  box: PixelBox,
  crop: PixelBox,
): Uint8Array | undefined {
  const n = cw * ch;
  const comp = new Int32Array(n).fill(-1);
  const score: number[] = [];
  const stack = new Int32Array(n);
  const mx0 = box.x0 + 0.25 * (box.x1 - box.x0) - crop.x0;
  const mx1 = box.x1 - 0.25 * (box.x1 - box.x0) - crop.x0;
  const my0 = box.y0 + 0.25 * (box.y1 - box.y0) - crop.y0;
  const my1 = box.y1 - 0.25 * (box.y1 - box.y0) - crop.y0;
  for (let s = 0; s < n; s++) {
    if (!mask[s] || comp[s]! >= 0) continue;
    const id = score.length;
    let sc = 0;
    let top = 0;
    comp[s] = id;
    stack[top++] = s;
    const visit = (j: number): void => {
      if (mask[j] && comp[j]! < 0) {
        comp[j] = id;
        stack[top++] = j;
      }
    };
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % cw;
      const y = (i - x) / cw;
      sc += x >= mx0 && x < mx1 && y >= my0 && y < my1 ? 1 : 0.05;
      if (x > 0) visit(i - 1);
      if (x < cw - 1) visit(i + 1);
      if (y > 0) visit(i - cw);
      if (y < ch - 1) visit(i + cw);
    }
    score.push(sc);
  }
  if (!score.length) return undefined;
  let bestId = 0;
  for (let c = 1; c < score.length; c++) if (score[c]! > score[bestId]!) bestId = c;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = comp[i] === bestId ? 1 : 0;
  return out;
}
