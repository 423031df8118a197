/**
 * Refines the rough subject matte (the thumbnail's, upsampled) along its outline with the
 * picture's own colours, so the subject layer carries neither background (sky beside a
 * chin, trees beside a shoulder) nor a soft halo.
 *
 * 1. A band around the rough outline is undecided; deeper inside is subject, farther out
 *    is background.
 * 2. Per-side colour models: clusters of the subject's colours (inside the band) and of the
 *    background's (a ring outside it). Each band pixel is scored by which side's colours
 *    it is closer to, with the rough matte as a weak prior where both are alike.
 * 3. The decision is smoothed a little (single odd pixels), thresholded, and kept only
 *    where it joins the subject's core (stray specks go, pinholes close).
 * 4. Alpha: within a pixel or two of the decided outline, each pixel's colour is projected
 *    onto the line between the nearby subject and background colours (I = αF + (1 − α)B),
 *    which gives a crisp, anti-aliased edge instead of a blurred one; where the two sides
 *    are too alike in colour a 3×3 mean of the decision stands in.
 */
import { colourClusters, nearestCluster, opponentFeatures } from './colour-clusters.js';
import { boxMean, distanceTo } from './image-filters.js';

export interface RefinedMatte {
  /** Subject coverage 0..1, crisp at the outline. */
  alpha: Float32Array;
  /** The decided subject, 0/1 (alpha ≥ 0.5 roughly; the hole behind it must cover it). */
  subject: Uint8Array;
}

/** Colour clusters per side. */
const CLUSTERS = 12;
/** At most this many samples per side go into the clustering. */
const MAX_SAMPLES = 4000;
/** Opponent-colour distance difference worth one unit of log-odds. */
const COLOUR_SCALE = 6;
/**
 * Opponent-colour distance to the nearer side's clusters up to which a band pixel's colour
 * is that side's (its say is whole), and from which it is neither's (no say).
 */
const EXPLAINED = 15;
const UNEXPLAINED = 35;
/** Colour difference (RGB units) below which the two sides are too alike to project onto. */
const MIN_CONTRAST = 24;

function sampled(idx: number[]): number[] {
  if (idx.length <= MAX_SAMPLES) return idx;
  const out: number[] = [];
  const step = idx.length / MAX_SAMPLES;
  for (let k = 0; k < MAX_SAMPLES; k++) out.push(idx[Math.floor(k * step)]!);
  return out;
}

/**
 * Refines `rough` (0..1, w × h) against the RGBA pixels `rgba` of the same size. `unit` is
 * the size of one pixel of the analysis thumbnail here (the rough matte's uncertainty).
 */
export function refineMatte(rgba: Uint8Array, w: number, h: number, rough: Float32Array, unit: number): RefinedMatte {
  const n = w * h;
  // (Its steps run as functions of their own, one loop each and no closure made per call:
  // V8 compiled this long function again at each loop, call after call.)
  const { inside, outside } = splitAtHalf(rough);
  const toBackground = distanceTo(outside, w, h);
  const toSubject = distanceTo(inside, w, h);
  const deepest = largest(toBackground);
  // The rough outline is off by up to a few thumbnail pixels, more inward (the thumbnail's
  // blob closes gaps and swallows small things glued to the subject) than outward.
  const bandIn = Math.min(3.5 * unit, 0.5 * deepest);
  const bandOut = 2 * unit;
  const ringOut = bandOut + 6 * unit;
  const band: Band = { inside, outside, toBackground, toSubject, bandIn, bandOut, ringOut };
  const { fgIdx, bgIdx } = sides(band);
  const f = opponentFeatures(rgba, n, 4);
  // The core: inside the rough outline, deeper than the band.
  const core = coreOf(band);
  const p = Float32Array.from(core);
  if (fgIdx.length >= CLUSTERS && bgIdx.length >= CLUSTERS) {
    const fgC = colourClusters(f, sampled(fgIdx), CLUSTERS);
    const bgC = colourClusters(f, sampled(bgIdx), CLUSTERS);
    decideBand(band, f, fgC, bgC, rough, p);
  } else {
    // Too few pixels on one side to model: keep the rough decision.
    for (let i = 0; i < n; i++) p[i] = inside[i]!;
  }

  // 3. Smooth away single odd pixels, decide, keep what joins the core.
  const smooth = boxMean(p, w, h, 1);
  const decided = new Uint8Array(n);
  for (let i = 0; i < n; i++) decided[i] = smooth[i]! > 0.5 ? 1 : 0;
  const subject = keepJoined(decided, w, h, core);
  closePinholes(subject, w, h, Math.max(4, Math.round(2 * unit * unit)));

  return { alpha: edgeAlpha(rgba, w, h, subject), subject };
}

/** The rough matte's inside (≥ 0.5) and outside. */
function splitAtHalf(rough: Float32Array): { inside: Uint8Array; outside: Uint8Array } {
  const inside = new Uint8Array(rough.length);
  const outside = new Uint8Array(rough.length);
  for (let i = 0; i < rough.length; i++) {
    if (rough[i]! >= 0.5) inside[i] = 1;
    else outside[i] = 1;
  }
  return { inside, outside };
}

function largest(v: Float32Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, v[i]!);
  return m;
}

/** The rough outline, its distance maps and the band about it that is decided again. */
interface Band {
  inside: Uint8Array;
  outside: Uint8Array;
  toBackground: Float32Array;
  toSubject: Float32Array;
  bandIn: number;
  bandOut: number;
  ringOut: number;
}

/** The subject's sure pixels (the core) and the background's ring outside the band, for their colour models. */
function sides(b: Band): { fgIdx: number[]; bgIdx: number[] } {
  const { inside, outside, toBackground, toSubject, bandIn, bandOut, ringOut } = b;
  const fgIdx: number[] = [];
  const bgIdx: number[] = [];
  for (let i = 0; i < inside.length; i++) {
    if (inside[i] && toBackground[i]! > bandIn) fgIdx.push(i);
    else if (outside[i] && toSubject[i]! > bandOut && toSubject[i]! <= ringOut) bgIdx.push(i);
  }
  return { fgIdx, bgIdx };
}

/** 1 inside the rough outline deeper than the band, else 0. */
function coreOf(b: Band): Uint8Array {
  const core = new Uint8Array(b.inside.length);
  for (let i = 0; i < core.length; i++) core[i] = b.inside[i] && b.toBackground[i]! > b.bandIn ? 1 : 0;
  return core;
}

/** The band's pixels' subject probability (`p`, in place) from the two colour models and the rough matte. */
function decideBand(
  b: Band,
  f: Float32Array,
  fgC: Float32Array,
  bgC: Float32Array,
  rough: Float32Array,
  p: Float32Array,
): void {
  const { inside, toBackground, toSubject, bandIn, bandOut } = b;
  for (let i = 0; i < p.length; i++) {
    const inBand = inside[i] ? toBackground[i]! <= bandIn : toSubject[i]! <= bandOut;
    if (!inBand) continue;
    const bg = nearestCluster(f, i, bgC, CLUSTERS).distance;
    const fg = nearestCluster(f, i, fgC, CLUSTERS).distance;
    // A colour neither side's model holds (the thin lilac rim of a collar ring: too near the
    // outline everywhere to be in the core, and no backdrop's either) says little about the
    // side it is on: its say fades and the rough matte decides.
    const say = Math.min(1, Math.max(0, (UNEXPLAINED - Math.min(bg, fg)) / (UNEXPLAINED - EXPLAINED)));
    const colour = (say * (bg - fg)) / COLOUR_SCALE;
    const r = Math.min(0.9, Math.max(0.1, rough[i]!));
    const score = Math.min(4, Math.max(-4, colour)) + 0.6 * Math.log(r / (1 - r));
    p[i] = 1 / (1 + Math.exp(-score));
  }
}

/** The pixels of `mask` 4-connected to a seed (where `seed` is 1). */
function keepJoined(mask: Uint8Array, w: number, h: number, seed: Uint8Array): Uint8Array {
  const out = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  let top = 0;
  for (let i = 0; i < w * h; i++) {
    if (mask[i] && seed[i]) {
      out[i] = 1;
      stack[top++] = i;
    }
  }
  while (top > 0) {
    const i = stack[--top]!;
    const x = i % w;
    for (let k = 0; k < 4; k++) {
      const inside = k === 0 ? x > 0 : k === 1 ? x < w - 1 : k === 2 ? i >= w : i + w < w * h;
      const j = k === 0 ? i - 1 : k === 1 ? i + 1 : k === 2 ? i - w : i + w;
      if (inside && mask[j] && !out[j]) {
        out[j] = 1;
        stack[top++] = j;
      }
    }
  }
  return out;
}

/** Background specks enclosed by the subject and smaller than `maxArea` join it (in place). */
function closePinholes(mask: Uint8Array, w: number, h: number, maxArea: number): void {
  // Background reachable from the border is the open background; the rest is enclosed.
  const open = keepJoined(
    mask.map((v) => 1 - v),
    w,
    h,
    borderOf(w, h),
  );
  const enclosed = new Uint8Array(w * h);
  let any = false;
  for (let i = 0; i < w * h; i++) {
    if (!mask[i] && !open[i]) {
      enclosed[i] = 1;
      any = true;
    }
  }
  if (!any) return;
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const region: number[] = [];
  for (let s = 0; s < w * h; s++) {
    if (!enclosed[s] || seen[s]) continue;
    region.length = 0;
    let top = 0;
    seen[s] = 1;
    stack[top++] = s;
    while (top > 0) {
      const i = stack[--top]!;
      region.push(i);
      // (The four neighbours written out: an array of them per pixel was garbage.)
      for (let k = 0; k < 4; k++) {
        const j = k === 0 ? i - 1 : k === 1 ? i + 1 : k === 2 ? i - w : i + w;
        if (enclosed[j] && !seen[j]) {
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    if (region.length <= maxArea) for (const i of region) mask[i] = 1;
  }
}

/** 1 on the picture's outermost rows and columns. */
function borderOf(w: number, h: number): Uint8Array {
  const border = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const x = i % w;
    if (x === 0 || x === w - 1 || i < w || i >= w * (h - 1)) border[i] = 1;
  }
  return border;
}

/**
 * Alpha of a decided 0/1 subject: exact away from its outline; near it, each pixel's
 * colour projected onto the line from the local background colour B to the local subject
 * colour F (means of the decided pixels around, outline pixels excluded).
 */
function edgeAlpha(rgba: Uint8Array, w: number, h: number, subject: Uint8Array): Float32Array {
  const n = w * h;
  const s = new Float32Array(n);
  for (let i = 0; i < n; i++) s[i] = subject[i]!;
  const near = boxMean(s, w, h, 1);
  const alpha = Float32Array.from(s);
  const R = 3;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      // Only the pixels on either side of the outline are mixed.
      if (near[i]! <= 0 || near[i]! >= 1) continue;
      // (Sums in locals, not two arrays made per outline pixel: whole numbers, the same.)
      let f0 = 0;
      let f1 = 0;
      let f2 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let nf = 0;
      let nb = 0;
      for (let yy = Math.max(0, y - R); yy <= Math.min(h - 1, y + R); yy++) {
        for (let xx = Math.max(0, x - R); xx <= Math.min(w - 1, x + R); xx++) {
          const j = yy * w + xx;
          const m = near[j]!;
          if (m >= 1) {
            f0 += rgba[j * 4]!;
            f1 += rgba[j * 4 + 1]!;
            f2 += rgba[j * 4 + 2]!;
            nf++;
          } else if (m <= 0) {
            b0 += rgba[j * 4]!;
            b1 += rgba[j * 4 + 1]!;
            b2 += rgba[j * 4 + 2]!;
            nb++;
          }
        }
      }
      let a = near[i]!;
      if (nf > 0 && nb > 0) {
        // Per channel in order (red, green, blue), as the sums over channels always ran.
        const fb0 = f0 / nf - b0 / nb;
        const fb1 = f1 / nf - b1 / nb;
        const fb2 = f2 / nf - b2 / nb;
        let dot = (rgba[i * 4]! - b0 / nb) * fb0;
        let len = fb0 * fb0;
        dot += (rgba[i * 4 + 1]! - b1 / nb) * fb1;
        len += fb1 * fb1;
        dot += (rgba[i * 4 + 2]! - b2 / nb) * fb2;
        len += fb2 * fb2;
        if (len > MIN_CONTRAST * MIN_CONTRAST) a = dot / len;
      }
      alpha[i] = Math.min(1, Math.max(0, a));
    }
  }
  return alpha;
}
