/**
 * Texture for a filled hole, by exemplar: the hole is grown in from its edge, ring by ring
 * (onion peel), each pixel copied from the known place whose patch best matches what is
 * already there around it (the known surroundings, then the pixels filled before it).
 *
 * A smooth membrane (push-pull, row fill) carries the surroundings' colour into the hole
 * but not their texture: behind a subject standing in a crowd, foliage or a tiled wall it
 * reads as a flat blob, a shadow cut out of the background. Copying patches continues the
 * texture instead (a crowd stays a crowd, a sky stays smooth because its patches are), and
 * the first ring matches the known pixels beside it, so the hole's outline does not show.
 *
 * - Sources: only known pixels whose whole patch is known (never the hole, so the
 *   subject's colours cannot come in), in the neighbourhood the caller passes.
 * - Candidates per pixel, as in coherent synthesis / PatchMatch: each filled neighbour's
 *   source shifted by the step (so pieces of texture come over whole, favoured by
 *   COHERENCE), the nearest sources beside the hole in its row and column, a few random
 *   sources, and a random search of shrinking radius around the best.
 * - Deterministic: the order is fixed (distance from the edge, then raster) and the random
 *   choices come from the seeded PRNG.
 *
 * Cost: O(hole pixels × candidates × patch), with early exit in the patch distance.
 */
import { mulberry32 } from '../maths/prng.js';
import { distanceTo } from './image-filters.js';

/** Patch half-side (patches are (2R + 1)²). */
const R = 6;
/** Half-side of the block copied from the best match (at most R: the source's patch is known). */
const B = 4;
/** A coherent candidate (a neighbour's source, shifted) wins unless another is this much better. */
const COHERENCE = 0.75;
/**
 * Weight of the guide (the smooth membrane's colour) against the patch's mean, per patch
 * pixel: the texture follows the surroundings' low frequencies (the crowd's darkness above,
 * the grass below) and one stray pick (a patch of grass among the crowd) does not grow.
 */
const GUIDE = 1;
/** Mean-colour distance (RGB levels) from the guide past which a source patch is a thing. */
const STRUCTURE = 35;
/** In busy surroundings (a crowd) the cut is this many times their brightness spread. */
const STRUCTURE_SPREAD = 2;
/** Half-side of the vote's window. */
const VOTE = 2;
/** How much further than its depth into the hole a pixel's random sources may lie (px). */
const LOCAL = 24;
/** The share of the reach over which the texture is whole (it fades out over the rest). */
const FADE = 0.7;
/** Random sources tried per pixel. */
const RANDOM_TRIES = 4;
/**
 * The patch's pixels that are compared, as (dx, dy) pairs in raster order: every other
 * pixel of the patch, and all of the nearest ring (the join).
 */
const PATCH_STEPS = (() => {
  const steps: number[] = [];
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      if ((dx & 1 || dy & 1) && (Math.abs(dx) > 1 || Math.abs(dy) > 1)) continue;
      steps.push(dx, dy);
    }
  }
  return Int32Array.from(steps);
})();

/**
 * Fills `out` (w × h × 4, in place) where `inHole` is set with texture copied from the known
 * pixels of `px` (w × h × 4; only its pixels outside the hole are read), up to `reach` px
 * into the hole. `clearance` is each pixel's distance to the hole (`distanceTo(inHole)`,
 * which the caller has already made for its grain). Returns each pixel's weight for the texture (0 where it has none: deeper
 * than the reach, or no source), for the caller to blend over its smooth fill.
 */
export function patchFill(
  px: Uint8Array,
  out: Uint8Array,
  w: number,
  h: number,
  inHole: Uint8Array,
  clearance: Float32Array,
  reach: number,
): Float32Array {
  const n = w * h;
  const done = new Float32Array(n);
  // Valid sources: patch inside the picture and wholly known.
  const valid = validSources(clearance, w, h);
  if (!valid) return done;
  // Order: by distance from the known pixels (rings), then raster. The distance matters in
  // the hole only (0 elsewhere), and the hole's box bounds it (see depthInHole).
  const depth = depthInHole(inHole, w, h);
  if (!depth) return done;
  // The band the texture is copied into: the hole's pixels up to `reach` deep.
  const band = bandBox(inHole, depth, w, h, reach);
  if (!band) return done;
  // Summed-area table of all the colours (a source patch's mean; sources are anywhere).
  const all = colourTable(px, w, h);
  // Summed-area table of the sources' colours, count and brightness (the guide: the mean of
  // the sources around a pixel, so a dark rim the matte left just outside the hole, its edge
  // or shadow, does not tint the fill), over the guide's boxes around the band only.
  const guideReach = Math.ceil(reach + 2 * R + LOCAL);
  const gx0 = Math.max(0, band.x0 - guideReach);
  const gy0 = Math.max(0, band.y0 - guideReach);
  const gx1 = Math.min(w, band.x1 + guideReach);
  const gy1 = Math.min(h, band.y1 + guideReach);
  const src = sourceTable(px, valid, w, gx0, gy0, gx1, gy1);
  const guide: Guide = { table: src, x0: gx0, y0: gy0, width: gx1 - gx0 + 1 };
  // Working image: known pixels as they are, hole pixels as they get filled.
  const img = new Uint8Array(px);
  const filled = new Uint8Array(n);
  for (let i = 0; i < n; i++) filled[i] = inHole[i] ? 0 : 1;
  const srcOf = new Int32Array(n).fill(-1);
  const { holePx, order } = ringOrder(inHole, depth, reach);
  // (Each phase is a function of its own: one hot loop each, which V8 optimises whole,
  // where one long function was compiled again on every loop it reached, call after call.)
  copyBlocks(
    { w, h, valid, all, guide, img, filled, srcOf, depth, toSource: sourceDistances(valid, w, h) },
    order,
    reach,
  );
  vote(px, out, done, w, h, inHole, depth, srcOf, holePx, reach);
  return done;
}

/** The pixels whose patch lies inside the picture and is wholly known; undefined when there is none. */
function validSources(clearance: Float32Array, w: number, h: number): Uint8Array | undefined {
  const valid = new Uint8Array(w * h);
  let nSources = 0;
  const minClear = R * Math.SQRT2 + 1;
  for (let y = R; y < h - R; y++) {
    for (let x = R; x < w - R; x++) {
      const i = y * w + x;
      if (clearance[i]! >= minClear) {
        valid[i] = 1;
        nSources++;
      }
    }
  }
  return nSources > 0 ? valid : undefined;
}

/**
 * The hole's pixels in rings up to the one the reach lies in (the fill stops in that ring,
 * at its first pixel deeper than the reach, and never gets to the deeper ones): in raster
 * order, and by ring (distance from the known pixels), then raster.
 */
function ringOrder(inHole: Uint8Array, depth: Float32Array, reach: number): { holePx: Int32Array; order: Int32Array } {
  const n = inHole.length;
  const lastRing = Math.floor(reach);
  let maxDepth = 0;
  let nHole = 0;
  for (let i = 0; i < n; i++) if (inHole[i] && Math.floor(depth[i]!) <= lastRing) nHole++;
  const holePx = new Int32Array(nHole);
  for (let i = 0, k = 0; i < n; i++) {
    if (!inHole[i] || Math.floor(depth[i]!) > lastRing) continue;
    holePx[k++] = i;
    maxDepth = Math.max(maxDepth, Math.floor(depth[i]!));
  }
  const bucketStart = new Int32Array(maxDepth + 2);
  for (const i of holePx) bucketStart[Math.floor(depth[i]!) + 1]!++;
  for (let d = 1; d <= maxDepth + 1; d++) bucketStart[d] = bucketStart[d]! + bucketStart[d - 1]!;
  const order = new Int32Array(nHole);
  const fillAt = bucketStart.slice();
  for (const i of holePx) order[fillAt[Math.floor(depth[i]!)]!++] = i;
  return { holePx, order };
}

/** The guide's summed-area table (sourceTable) and where it lies in the picture. */
interface Guide {
  table: Float64Array;
  x0: number;
  y0: number;
  width: number;
}

/** What the block copying reads and writes. */
interface Synthesis {
  w: number;
  h: number;
  valid: Uint8Array;
  /** Summed-area table of all the colours (colourTable). */
  all: Int32Array;
  guide: Guide;
  /** The working image (known pixels, then the filled ones), its filled mask and each filled pixel's source. */
  img: Uint8Array;
  filled: Uint8Array;
  srcOf: Int32Array;
  depth: Float32Array;
  /** Steps to the nearest source left, right, up and down (sourceDistances). */
  toSource: [Int32Array, Int32Array, Int32Array, Int32Array];
}

/** The colours' mean over the patch centred on `s` (its patch lies inside the picture). */
function patchMean(all: Int32Array, w: number, s: number, c: number): number {
  const W1 = w + 1;
  const x = s % w;
  const y = (s - x) / w;
  const a = (y - R) * W1 + x - R;
  const b = (y + R + 1) * W1 + x + R + 1;
  const k = 2 * R + 1;
  return (all[b * 3 + c]! - all[(b - k) * 3 + c]! - all[(a + k) * 3 + c]! + all[a * 3 + c]!) / PATCH_AREA;
}
const PATCH_AREA = (2 * R + 1) ** 2;

/**
 * The search for one pixel's source: the pixel, its patch's filled offsets, the guide's
 * colour and cut, the best candidate so far and the ones tried. (A class, not closures
 * made per call: V8 keeps one optimised `consider` for every fill.)
 */
class SourceSearch {
  tx = 0;
  ty = 0;
  /** The patch's offsets that are filled, for the pixel being filled (same for every candidate). */
  readonly offs = new Int32Array((2 * R + 1) ** 2);
  nOffs = 0;
  best = Infinity;
  bestSrc = -1;
  readonly tried = new Int32Array(64);
  nTried = 0;
  gr = 0;
  gg = 0;
  gb = 0;
  cut = STRUCTURE;
  constructor(
    readonly w: number,
    readonly n: number,
    readonly valid: Uint8Array,
    readonly all: Int32Array,
    readonly img: Uint8Array,
  ) {}

  consider(s: number, weight: number): void {
    if (s < 0 || s >= this.n || !this.valid[s]) return;
    const tried = this.tried;
    for (let k = 0; k < this.nTried; k++) if (tried[k] === s) return;
    if (this.nTried < tried.length) tried[this.nTried++] = s;
    const er = patchMean(this.all, this.w, s, 0) - this.gr;
    const eg = patchMean(this.all, this.w, s, 1) - this.gg;
    const eb = patchMean(this.all, this.w, s, 2) - this.gb;
    // A thing, not texture: a patch far off the surroundings' mean (a dark post beside the
    // subject) does not come in, so it is not doubled behind the subject.
    if (er * er + eg * eg + eb * eb > this.cut * this.cut) return;
    const t = this.ty * this.w + this.tx;
    const sum = patchCost(this.img, t, s, this.offs, this.nOffs, GUIDE * this.nOffs, er, eg, eb, this.best / weight);
    if (sum < 0) return;
    this.best = sum * weight;
    this.bestSrc = s;
  }
}

/** Grows the texture in, pixel by pixel in `order`, up to `reach` deep: each pixel's best source's block is copied. */
function copyBlocks(state: Synthesis, order: Int32Array, reach: number): void {
  const { w, h, valid, all, img, filled, srcOf, depth, toSource } = state;
  const { table: src, x0: gx0, y0: gy0, width: GW } = state.guide;
  const [left, right, up, down] = toSource;
  const q = new SourceSearch(w, w * h, valid, all, img);
  const offs = q.offs;
  const rand = mulberry32(0x7e47);
  for (let o = 0; o < order.length; o++) {
    const t = order[o]!;
    if (depth[t]! > reach) break;
    if (filled[t]) continue;
    const tx = t % w;
    const ty = (t - tx) / w;
    q.tx = tx;
    q.ty = ty;
    let nOffs = 0;
    for (let k = 0; k < PATCH_STEPS.length; k += 2) {
      const x = tx + PATCH_STEPS[k]!;
      const y = ty + PATCH_STEPS[k + 1]!;
      if (y < 0 || y >= h || x < 0 || x >= w || !filled[y * w + x]) continue;
      offs[nOffs++] = PATCH_STEPS[k + 1]! * w + PATCH_STEPS[k]!;
    }
    q.nOffs = nOffs;
    q.best = Infinity;
    q.bestSrc = -1;
    q.nTried = 0;
    {
      // The guide: the sources' mean over a box that reaches past the nearest ones.
      const r = Math.ceil(depth[t]! + 2 * R + LOCAL);
      const x0 = Math.max(0, tx - r) - gx0;
      const y0 = Math.max(0, ty - r) - gy0;
      const x1 = Math.min(w, tx + r + 1) - gx0;
      const y1 = Math.min(h, ty + r + 1) - gy0;
      const a = (y0 * GW + x0) * 6;
      const b = (y0 * GW + x1) * 6;
      const c = (y1 * GW + x0) * 6;
      const d = (y1 * GW + x1) * 6;
      const m = src[d + 3]! - src[b + 3]! - src[c + 3]! + src[a + 3]!;
      if (m > 0) {
        q.gr = (src[d]! - src[b]! - src[c]! + src[a]!) / m;
        q.gg = (src[d + 1]! - src[b + 1]! - src[c + 1]! + src[a + 1]!) / m;
        q.gb = (src[d + 2]! - src[b + 2]! - src[c + 2]! + src[a + 2]!) / m;
        const ml = (src[d + 4]! - src[b + 4]! - src[c + 4]! + src[a + 4]!) / m;
        const mq = (src[d + 5]! - src[b + 5]! - src[c + 5]! + src[a + 5]!) / m;
        q.cut = Math.max(STRUCTURE, STRUCTURE_SPREAD * Math.sqrt(Math.max(0, mq - ml * ml)));
      }
    }
    // Coherent: the neighbours' sources, shifted.
    for (let dy = -1; dy <= 1; dy++) {
      const y = ty + dy;
      if (y < 0 || y >= h) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const x = tx + dx;
        if ((dx === 0 && dy === 0) || x < 0 || x >= w) continue;
        const s = srcOf[y * w + x]!;
        if (s < 0) continue;
        const sx = (s % w) - dx;
        const sy = Math.floor(s / w) - dy;
        if (sx >= 0 && sx < w && sy >= 0 && sy < h) q.consider(sy * w + sx, COHERENCE);
      }
    }
    // Beside the hole: the nearest sources along the row and the column, within a walk of
    // 2 × depth + LOCAL steps (a source k steps away is reached when k − 1 < that).
    const walk = 2 * depth[t]! + LOCAL + 1;
    if (left[t]! < walk) q.consider(t - left[t]!, 1);
    if (right[t]! < walk) q.consider(t + right[t]!, 1);
    if (up[t]! < walk) q.consider(t - up[t]! * w, 1);
    if (down[t]! < walk) q.consider(t + down[t]! * w, 1);
    // Random sources near the pixel: within its depth into the hole and some more, so
    // what is copied is what stands around this part of the hole (a flag beside the
    // shoulder, not a rocket across the picture).
    const near = depth[t]! + LOCAL;
    for (let k = 0; k < RANDOM_TRIES; k++) {
      const x = Math.round(tx + (2 * rand() - 1) * near);
      const y = Math.round(ty + (2 * rand() - 1) * near);
      if (x >= 0 && x < w && y >= 0 && y < h) q.consider(y * w + x, 1);
    }
    // Random search around the best so far.
    for (let r = near / 4; r >= 1 && q.bestSrc >= 0; r /= 2) {
      const bx = q.bestSrc % w;
      const by = (q.bestSrc - bx) / w;
      const x = Math.round(bx + (2 * rand() - 1) * r);
      const y = Math.round(by + (2 * rand() - 1) * r);
      if (x >= 0 && x < w && y >= 0 && y < h) q.consider(y * w + x, 1);
    }
    const bestSrc = q.bestSrc;
    if (bestSrc < 0) continue;
    // The block around the pixel comes over whole (its pixels not yet filled).
    for (let dy = -B; dy <= B; dy++) {
      const y = ty + dy;
      if (y < 0 || y >= h) continue;
      for (let dx = -B; dx <= B; dx++) {
        const x = tx + dx;
        if (x < 0 || x >= w) continue;
        const i = y * w + x;
        if (filled[i]) continue;
        const j = bestSrc + dy * w + dx;
        img[i * 4] = img[j * 4]!;
        img[i * 4 + 1] = img[j * 4 + 1]!;
        img[i * 4 + 2] = img[j * 4 + 2]!;
        filled[i] = 1;
        srcOf[i] = j;
      }
    }
  }
}

/**
 * Vote: each pixel is the mean of what its neighbours' sources, shifted, say it is — the
 * copy itself inside a coherent piece, a feathered join where two pieces meet. Writes `out`
 * and the texture's weight `done` for the hole's pixels less than `reach` deep.
 */
function vote(
  px: Uint8Array,
  out: Uint8Array,
  done: Float32Array,
  w: number,
  h: number,
  inHole: Uint8Array,
  depth: Float32Array,
  srcOf: Int32Array,
  holePx: Int32Array,
  reach: number,
): void {
  const n = w * h;
  for (const t of holePx) {
    if (srcOf[t]! < 0 || depth[t]! >= reach) continue;
    const x0 = t % w;
    const y0 = (t - x0) / w;
    let r = 0;
    let g = 0;
    let b = 0;
    let k = 0;
    for (let dy = -VOTE; dy <= VOTE; dy++) {
      const y = y0 + dy;
      if (y < 0 || y >= h) continue;
      for (let dx = -VOTE; dx <= VOTE; dx++) {
        const x = x0 + dx;
        if (x < 0 || x >= w) continue;
        const q = srcOf[y * w + x]!;
        if (q < 0) continue;
        const j = q - dy * w - dx;
        if (j < 0 || j >= n || inHole[j]) continue;
        r += px[j * 4]!;
        g += px[j * 4 + 1]!;
        b += px[j * 4 + 2]!;
        k++;
      }
    }
    out[t * 4] = Math.round(r / k);
    out[t * 4 + 1] = Math.round(g / k);
    out[t * 4 + 2] = Math.round(b / k);
    out[t * 4 + 3] = 255;
    // Full strength up to FADE of the reach, then down to the membrane at the reach.
    done[t] = Math.min(1, Math.max(0, (reach - depth[t]!) / ((1 - FADE) * reach)));
  }
}

/**
 * Each pixel's distance to the known pixels (`distanceTo`), in the hole, and 0 elsewhere;
 * undefined without a hole. Worked out on the hole's box grown by a pixel: that ring is
 * known, and the chamfer passes reach the box's inside through it only, so the values are
 * those of the whole neighbourhood's map, bit for bit, at a share of the cost.
 */
function depthInHole(inHole: Uint8Array, w: number, h: number): Float32Array | undefined {
  let bx0 = w;
  let by0 = h;
  let bx1 = -1;
  let by1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inHole[y * w + x]) continue;
      if (x < bx0) bx0 = x;
      if (x > bx1) bx1 = x;
      if (y < by0) by0 = y;
      by1 = y;
    }
  }
  if (bx1 < 0) return undefined;
  const x0 = Math.max(0, bx0 - 1);
  const y0 = Math.max(0, by0 - 1);
  const bw = Math.min(w, bx1 + 2) - x0;
  const bh = Math.min(h, by1 + 2) - y0;
  const known = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) known[y * bw + x] = inHole[(y0 + y) * w + x0 + x] ? 0 : 1;
  }
  const inBox = distanceTo(known, bw, bh);
  const depth = new Float32Array(w * h);
  for (let y = 0; y < bh; y++) depth.set(inBox.subarray(y * bw, (y + 1) * bw), (y0 + y) * w + x0);
  return depth;
}

/** The box (x1, y1 exclusive) of the hole's pixels at most `reach` deep; undefined when none is. */
function bandBox(
  inHole: Uint8Array,
  depth: Float32Array,
  w: number,
  h: number,
  reach: number,
): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const box = { x0: w, y0: h, x1: 0, y1: 0 };
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!inHole[i] || depth[i]! > reach) continue;
      if (x < box.x0) box.x0 = x;
      if (x >= box.x1) box.x1 = x + 1;
      if (y < box.y0) box.y0 = y;
      box.y1 = y + 1;
    }
  }
  return box.x1 > 0 ? box : undefined;
}

/** Summed-area table ((w + 1) × (h + 1) × RGB) of the colours of `px` (w × h × 4). */
function colourTable(px: Uint8Array, w: number, h: number): Int32Array {
  const W1 = w + 1;
  const all = new Int32Array(W1 * (h + 1) * 3);
  for (let y = 0; y < h; y++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      r += px[i]!;
      g += px[i + 1]!;
      b += px[i + 2]!;
      const a = ((y + 1) * W1 + x + 1) * 3;
      const u = a - W1 * 3;
      all[a] = all[u]! + r;
      all[a + 1] = all[u + 1]! + g;
      all[a + 2] = all[u + 2]! + b;
    }
  }
  return all;
}

/**
 * Summed-area table over the box [x0, x1) × [y0, y1) of `px` (`w` wide), from its corner,
 * of the valid sources' R, G, B, count, brightness and brightness²: (x1 − x0 + 1) ×
 * (y1 − y0 + 1) × 6.
 */
function sourceTable(
  px: Uint8Array,
  valid: Uint8Array,
  w: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Float64Array {
  const GW = x1 - x0 + 1;
  const src = new Float64Array(GW * (y1 - y0 + 1) * 6);
  for (let y = y0; y < y1; y++) {
    let vr = 0;
    let vg = 0;
    let vb = 0;
    let vn = 0;
    let vl = 0;
    let vq = 0;
    for (let x = x0; x < x1; x++) {
      const i = y * w + x;
      if (valid[i]) {
        vr += px[i * 4]!;
        vg += px[i * 4 + 1]!;
        vb += px[i * 4 + 2]!;
        vn++;
        const l = 0.299 * px[i * 4]! + 0.587 * px[i * 4 + 1]! + 0.114 * px[i * 4 + 2]!;
        vl += l;
        vq += l * l;
      }
      const a = ((y - y0 + 1) * GW + x - x0 + 1) * 6;
      const u = a - GW * 6;
      src[a] = src[u]! + vr;
      src[a + 1] = src[u + 1]! + vg;
      src[a + 2] = src[u + 2]! + vb;
      src[a + 3] = src[u + 3]! + vn;
      src[a + 4] = src[u + 4]! + vl;
      src[a + 5] = src[u + 5]! + vq;
    }
  }
  return src;
}

/** No source that way (further than any walk). */
const NONE = 0x7fffffff;

/**
 * Per pixel, the steps to the nearest valid source to its left, right, above and below
 * (0 on a source; NONE where there is none that way).
 */
function sourceDistances(valid: Uint8Array, w: number, h: number): [Int32Array, Int32Array, Int32Array, Int32Array] {
  const n = w * h;
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const up = new Int32Array(n);
  const down = new Int32Array(n);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0, d = NONE; x < w; x++) {
      d = valid[row + x] ? 0 : d === NONE ? NONE : d + 1;
      left[row + x] = d;
    }
    for (let x = w - 1, d = NONE; x >= 0; x--) {
      d = valid[row + x] ? 0 : d === NONE ? NONE : d + 1;
      right[row + x] = d;
    }
  }
  for (let x = 0; x < w; x++) {
    for (let y = 0, d = NONE; y < h; y++) {
      d = valid[y * w + x] ? 0 : d === NONE ? NONE : d + 1;
      up[y * w + x] = d;
    }
    for (let y = h - 1, d = NONE; y >= 0; y--) {
      d = valid[y * w + x] ? 0 : d === NONE ? NONE : d + 1;
      down[y * w + x] = d;
    }
  }
  return [left, right, up, down];
}

/**
 * The squared difference between the filled pixels of the patches at `t` and `s` (at the
 * offsets `offs`) plus `guideWeight` × the squared mean-colour error (er, eg, eb); −1 as
 * soon as it reaches `limit`.
 */
function patchCost(
  img: Uint8Array,
  t: number,
  s: number,
  offs: Int32Array,
  nOffs: number,
  guideWeight: number,
  er: number,
  eg: number,
  eb: number,
  limit: number,
): number {
  let sum = guideWeight * (er * er + eg * eg + eb * eb);
  if (sum >= limit) return -1;
  for (let k = 0; k < nOffs; k++) {
    const a = (t + offs[k]!) * 4;
    const b = (s + offs[k]!) * 4;
    const dr = img[a]! - img[b]!;
    const dg = img[a + 1]! - img[b + 1]!;
    const db = img[a + 2]! - img[b + 2]!;
    sum += dr * dr + dg * dg + db * db;
    if (sum >= limit) return -1;
  }
  return sum;
}
