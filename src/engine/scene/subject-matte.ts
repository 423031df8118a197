/**
 * Subject/background separation from one picture, on the CPU, in pure TypeScript. A wrong
 * cut-out is worse than none, so it looks for one compact subject and otherwise says "one
 * plane".
 *
 * 1. Boundary connectivity: the picture's top, left and right edges are background (the
 *    bottom edge often cuts through the subject). A pixel's score is its geodesic distance
 *    to those edges, where a step costs only the colour change above the picture's usual
 *    step (smooth gradients such as a sky and fine texture are free to cross, outlines are
 *    not): sky, horizon bands and hills that reach an edge score ~0 whatever their colour,
 *    and a subject enclosed by its outline scores high.
 * 2. Colour models: subject and background colour histograms weighted by the scores give a
 *    per-pixel likelihood, mixed with the connectivity score and smoothed edge-aware
 *    (neighbours of similar colour vote), twice.
 * 3. Shape: small islands go; the subject is the strongest blob that touches neither the
 *    top nor the sides; thin wide parts of it (a horizon band or skyline that leaked into
 *    it) are cut away column by column; holes are filled.
 * 4. Confidence: area, compactness (fill of its bounding box), width, the score contrast
 *    between the blob and a ring around it, and the colour edge along its outline; any
 *    failing check makes the picture one plane.
 * 5. A guided filter snaps the hard mask onto the picture's edges: a soft matte.
 */
import { colourClusters, nearestCluster, opponentFeatures } from './colour-clusters.js';
import { dilate, guidedFilter } from './image-filters.js';

export interface SubjectMatte {
  width: number;
  height: number;
  /** Subject coverage 0..1 per pixel (soft at the edges). */
  alpha: Float32Array;
}

const K = 8;
const BINS = 8;

/** Edge-aware smoothing: each pixel averages its 8 neighbours weighted by colour similarity. */
function smoothByColour(q: Float32Array, f: Float32Array, w: number, h: number, passes: number): Float32Array {
  let cur: Float32Array = q;
  const sigma2 = 2 * 18 * 18;
  for (let pass = 0; pass < passes; pass++) {
    const next = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        let s = cur[i]!;
        let ws = 1;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= h) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if ((dx === 0 && dy === 0) || xx < 0 || xx >= w) continue;
            const j = yy * w + xx;
            const a = f[i * 3]! - f[j * 3]!;
            const b = f[i * 3 + 1]! - f[j * 3 + 1]!;
            const c = f[i * 3 + 2]! - f[j * 3 + 2]!;
            const wt = Math.exp(-(a * a + b * b + c * c) / sigma2);
            s += wt * cur[j]!;
            ws += wt;
          }
        }
        next[i] = s / ws;
      }
    }
    cur = next;
  }
  return cur;
}

/** Labels 4-connected components of `mask === value`; returns labels and component sizes. */
function components(
  mask: Uint8Array,
  w: number,
  h: number,
  value: number,
): { label: Int32Array; sizes: number[]; touches: boolean[] } {
  const label = new Int32Array(w * h).fill(-1);
  const sizes: number[] = [];
  const touches: boolean[] = [];
  const stack: number[] = [];
  for (let s = 0; s < w * h; s++) {
    if (mask[s] !== value || label[s] !== -1) continue;
    const id = sizes.length;
    let size = 0;
    let touch = false;
    label[s] = id;
    stack.push(s);
    while (stack.length) {
      const i = stack.pop()!;
      size++;
      const x = i % w;
      const y = (i - x) / w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) touch = true;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j >= 0 && mask[j] === value && label[j] === -1) {
          label[j] = id;
          stack.push(j);
        }
      }
    }
    sizes.push(size);
    touches.push(touch);
  }
  return { label, sizes, touches };
}

/** Morphological opening by a (2r+1)² square: removes specks and bands thinner than that. */
function open(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const pass = (src: Uint8Array, keep: (all: boolean, any: boolean) => boolean): Uint8Array => {
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let all = true;
        let any = false;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const v = src[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!;
            all &&= v === 1;
            any ||= v === 1;
          }
        }
        out[y * w + x] = keep(all, any) ? 1 : 0;
      }
    }
    return out;
  };
  return pass(
    pass(mask, (all) => all),
    (_, any) => any,
  );
}

function stepLength(f: Float32Array, i: number, j: number): number {
  const a = f[i * 3]! - f[j * 3]!;
  const b = f[i * 3 + 1]! - f[j * 3 + 1]!;
  const c = f[i * 3 + 2]! - f[j * 3 + 2]!;
  return Math.sqrt(a * a + b * b + c * c);
}

/**
 * Geodesic distance from the top, left and right edges (the bottom edge starts at
 * `bottomStart`), where a step between neighbours costs max(0, |Δcolour| − τ) (τ per pixel). Raster
 * sweeps forward and backward (8-connected), a fixed number of rounds: deterministic and
 * O(pixels).
 */
function boundaryDistance(f: Float32Array, w: number, h: number, tau: Float32Array, bottomStart: number): Float32Array {
  const d = new Float32Array(w * h).fill(Infinity);
  for (let x = 0; x < w; x++) {
    d[x] = 0;
    d[(h - 1) * w + x] = bottomStart;
  }
  for (let y = 0; y < h; y++) {
    d[y * w] = 0;
    d[y * w + w - 1] = 0;
  }
  const relax = (i: number, j: number): void => {
    const c = d[j]! + Math.max(0, stepLength(f, i, j) - 0.5 * (tau[i]! + tau[j]!));
    if (c < d[i]!) d[i] = c;
  };
  for (let round = 0; round < 3; round++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        if (x > 0) relax(i, i - 1);
        if (y > 0) {
          relax(i, i - w);
          if (x > 0) relax(i, i - w - 1);
          if (x < w - 1) relax(i, i - w + 1);
        }
      }
    }
    for (let y = h - 1; y >= 0; y--) {
      for (let x = w - 1; x >= 0; x--) {
        const i = y * w + x;
        if (x < w - 1) relax(i, i + 1);
        if (y < h - 1) {
          relax(i, i + w);
          if (x < w - 1) relax(i, i + w + 1);
          if (x > 0) relax(i, i + w - 1);
        }
      }
    }
  }
  return d;
}

/**
 * Cuts thin wide parts off a blob: in each column, a run of the mask shorter than
 * `fraction` of the blob's tallest column run goes (a horizon band or skyline glued to a
 * head is short in every column it crosses; the subject's own columns are tall).
 */
function pruneThinRuns(mask: Uint8Array, w: number, h: number, fraction: number): Uint8Array {
  let tallest = 0;
  for (let x = 0; x < w; x++) {
    let run = 0;
    for (let y = 0; y < h; y++) {
      run = mask[y * w + x] ? run + 1 : 0;
      tallest = Math.max(tallest, run);
    }
  }
  const out = Uint8Array.from(mask);
  const min = fraction * tallest;
  for (let x = 0; x < w; x++) {
    let y = 0;
    while (y < h) {
      if (!mask[y * w + x]) {
        y++;
        continue;
      }
      let e = y;
      while (e < h && mask[e * w + x]) e++;
      if (e - y < min) for (let k = y; k < e; k++) out[k * w + x] = 0;
      y = e;
    }
  }
  return out;
}

/**
 * Closes short vertical gaps in a blob: in each column, background between two runs of the
 * blob at most `maxGap` apart joins it (a face between hair and shoulders whose colour
 * also occurs in the scenery; a little of the sky beside a chin comes with it).
 */
function fillVerticalGaps(mask: Uint8Array, w: number, h: number, maxGap: number): void {
  for (let x = 0; x < w; x++) {
    let lastEnd = -1;
    for (let y = 0; y < h; y++) {
      if (!mask[y * w + x]) continue;
      if (lastEnd >= 0 && y - lastEnd - 1 > 0 && y - lastEnd - 1 <= maxGap)
        for (let k = lastEnd + 1; k < y; k++) mask[k * w + x] = 1;
      lastEnd = y;
    }
  }
}

/** Why a picture got no subject (or 'subject'), for tests and diagnostics. */
export type MatteVerdict =
  | 'subject'
  | 'too-small'
  | 'no-blob'
  | 'area'
  | 'not-compact'
  | 'too-wide'
  | 'low-contrast'
  | 'weak-outline';

/** Pictures smaller than this on a side are one plane (too few pixels to tell a subject). */
const MIN_SIDE = 16;
/** Connectivity: the floor of τ and its multiple of the median neighbour step. */
const TAU_FLOOR = 5;
const TAU_OF_MEDIAN_STEP = 1.5;
/** The boundary distance computed up to this, and the jump above τ that lets a region through. */
const GEO_LIMIT = 60;
const GATE_OPEN = 30;
/** The border band sampled for the background's colours, as a share of the short side. */
const BORDER_BAND = 0.04;
/** The colour distance that still reads as a border colour: this quantile of the band's, at least SIGMA_FLOOR. */
const BORDER_SPREAD_QUANTILE = 0.9;
const SIGMA_FLOOR = 6;
/** The weak centre prior: its width, and the share of the prior it can take away at the corners. */
const CENTRE_PRIOR_SIGMA = 0.35;
const CENTRE_PRIOR_WEIGHT = 0.4;
/** An enclosed region counts as at least this sure of being the subject. */
const ENCLOSED_FLOOR = 0.8;
/** Colour-model rounds, the border's extra weight as background, and the smoothing passes. */
const COLOUR_ROUNDS = 3;
const BORDER_BG_WEIGHT = 3;
const SMOOTH_PASSES = 3;
/** How far a region connected to the border at no cost is still kept (the gate's floor). */
const GATE_FLOOR = 0.3;
/** A subject smaller than this share of the picture is no blob. */
const MIN_SUBJECT_MASS = 0.002;
/** Vertical gaps joined inside a subject: a tenth of the picture, then 35 % of the blob's height. */
const GAP_OF_PICTURE = 0.1;
const GAP_OF_BLOB = 0.35;
/** Blobs: the centre weighting's width, the least size, runs thinner than this share of the tallest pruned. */
const BLOB_CENTRE_SIGMA = 0.3;
const MIN_BLOB_SHARE = 0.004;
const THIN_RUN = 0.4;
/** Background holes inside the blob smaller than this share of the picture join it. */
const HOLE_SHARE = 0.05;
/** Confidence: the subject's area, compactness and width it must have. */
const MIN_AREA = 0.01;
const MAX_AREA = 0.45;
const MIN_COMPACTNESS = 0.3;
const MAX_WIDTH = 0.7;
/** The ring around the blob (share of the long side), the score drop across it, the outline's strength over τ. */
const RING_SHARE = 0.02;
const MIN_CONTRAST = 0.3;
const MIN_OUTLINE_OVER_TAU = 2;
/** Soft edges: the guided filter's radius and regularisation. */
const EDGE_RADIUS = 2;
const EDGE_EPS = 0.004;

type Features = ReturnType<typeof opponentFeatures>;

/**
 * Stage 1, boundary connectivity: τ (the picture's usual neighbour step: texture,
 * gradients) and the gate, 0 for pixels connected to an edge at no cost (background,
 * whatever their colour), 1 past a clear outline.
 */
function connectivityGate(f: Features, w: number, h: number): { tau: number; gate: Float32Array } {
  const n = w * h;
  const steps: number[] = [];
  for (let y = 0; y < h; y += 2) for (let x = 0; x + 1 < w; x += 2) steps.push(stepLength(f, y * w + x, y * w + x + 1));
  steps.sort((a, b) => a - b);
  const tau = Math.max(TAU_FLOOR, TAU_OF_MEDIAN_STEP * steps[Math.floor(steps.length * 0.5)]!);
  const geo = boundaryDistance(f, w, h, new Float32Array(n).fill(tau), GEO_LIMIT);
  const gate = new Float32Array(n);
  for (let i = 0; i < n; i++) gate[i] = Math.min(1, geo[i]! / GATE_OPEN);
  return { tau, gate };
}

/**
 * Stage 2, the prior: distance from the edge colours (k-means clusters of a band along the
 * top, left and right) and enclosure, with a weak centre prior, gated by connectivity.
 */
function borderPrior(
  f: Features,
  w: number,
  h: number,
  gate: Float32Array,
): { q0: Float32Array; borderSet: Uint8Array } {
  const n = w * h;
  const band = Math.max(2, Math.round(BORDER_BAND * Math.min(w, h)));
  const border: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) if (y < band || x < band || x >= w - band) border.push(y * w + x);
  const centres = colourClusters(f, border, K);
  const nearest = (i: number): number => nearestCluster(f, i, centres, K).distance;
  const spread = border.map(nearest).sort((a, b) => a - b);
  const sigma = Math.max(SIGMA_FLOOR, spread[Math.floor(spread.length * BORDER_SPREAD_QUANTILE)]!);
  const q0 = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const s = Math.min(1, Math.max(0, (nearest(i) - sigma) / (2 * sigma)));
      const nx = x / (w - 1) - 0.5;
      const ny = y / (h - 1) - 0.5;
      q0[i] =
        gate[i]! *
        (0.5 * s + 0.5 * gate[i]! * Math.max(s, ENCLOSED_FLOOR)) *
        (1 -
          CENTRE_PRIOR_WEIGHT +
          CENTRE_PRIOR_WEIGHT * Math.exp(-(nx * nx + ny * ny) / (2 * CENTRE_PRIOR_SIGMA * CENTRE_PRIOR_SIGMA)));
    }
  }
  const borderSet = new Uint8Array(n);
  for (const i of border) borderSet[i] = 1;
  return { q0, borderSet };
}

/**
 * Stage 3, colour models: subject and background colour histograms weighted by the current
 * scores, then edge-aware smoothing, re-gated every round. Undefined when nothing is left
 * that could be a subject.
 */
function refineByColour(
  rgb: Uint8Array,
  f: Features,
  w: number,
  h: number,
  prior: { q0: Float32Array; borderSet: Uint8Array },
  gate: Float32Array,
): Float32Array | undefined {
  const n = w * h;
  const level = (v: number): number => Math.min(BINS - 1, Math.floor((v * BINS) / 256));
  const bins = new Int32Array(n);
  for (let i = 0; i < n; i++)
    bins[i] = (level(rgb[i * 3]!) * BINS + level(rgb[i * 3 + 1]!)) * BINS + level(rgb[i * 3 + 2]!);
  const { borderSet } = prior;
  let q: Float32Array = prior.q0;
  for (let round = 0; round < COLOUR_ROUNDS; round++) {
    const hf = new Float64Array(BINS ** 3).fill(0.5);
    const hb = new Float64Array(BINS ** 3).fill(0.5);
    let nf = 0;
    let nb = 0;
    for (let i = 0; i < n; i++) {
      const wf = borderSet[i] ? 0 : q[i]!;
      const wb = borderSet[i] ? BORDER_BG_WEIGHT : 1 - q[i]!;
      hf[bins[i]!] = hf[bins[i]!]! + wf;
      hb[bins[i]!] = hb[bins[i]!]! + wb;
      nf += wf;
      nb += wb;
    }
    if (nf < n * MIN_SUBJECT_MASS) return undefined;
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const lf = hf[bins[i]!]! / nf;
      const lb = hb[bins[i]!]! / nb;
      p[i] = 0.5 * (lf / (lf + lb)) + 0.5 * q[i]!;
    }
    q = smoothByColour(p, f, w, h, SMOOTH_PASSES);
    for (let i = 0; i < n; i++) q[i] = q[i]! * Math.min(1, GATE_FLOOR + gate[i]!);
  }
  return q;
}

/** The component of `m` with the most centre-weighted score that does not touch the top or sides. */
function pickBlob(m: Uint8Array, q: Float32Array, w: number, h: number): Uint8Array | undefined {
  const n = w * h;
  const fg = components(m, w, h, 1);
  const mass = new Float64Array(fg.sizes.length);
  const edge = new Uint8Array(fg.sizes.length);
  for (let i = 0; i < n; i++) {
    if (!m[i]) continue;
    const c = fg.label[i]!;
    const x = i % w;
    const y = (i - x) / w;
    const nx = x / (w - 1) - 0.5;
    const ny = y / (h - 1) - 0.5;
    mass[c] = mass[c]! + q[i]! * Math.exp(-(nx * nx + ny * ny) / (2 * BLOB_CENTRE_SIGMA * BLOB_CENTRE_SIGMA));
    if (y === 0 || x === 0 || x === w - 1) edge[c] = 1;
  }
  let best = -1;
  for (let c = 0; c < mass.length; c++)
    if (!edge[c] && fg.sizes[c]! >= n * MIN_BLOB_SHARE && (best < 0 || mass[c]! > mass[best]!)) best = c;
  if (best < 0) return undefined;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = fg.label[i] === best ? 1 : 0;
  return out;
}

/** Joins vertical gaps within a blob up to GAP_OF_BLOB of its height. */
function closeBlobGaps(m: Uint8Array, w: number, h: number): void {
  let top = h;
  let bottom = -1;
  for (let i = 0; i < m.length; i++)
    if (m[i]) [top, bottom] = [Math.min(top, Math.floor(i / w)), Math.max(bottom, Math.floor(i / w))];
  fillVerticalGaps(m, w, h, Math.round(GAP_OF_BLOB * (bottom - top + 1)));
}

/**
 * Stage 4, the shape: the scores thresholded and opened, parts split by a band of
 * ambiguous colour (a face between hair and shoulders) joined, the best blob picked, thin
 * runs pruned, and small enclosed holes filled.
 */
function subjectShape(q: Float32Array, w: number, h: number): Uint8Array | undefined {
  const n = w * h;
  let mask: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = q[i]! > 0.5 ? 1 : 0;
  mask = open(mask, w, h, 1);
  fillVerticalGaps(mask, w, h, Math.round(GAP_OF_PICTURE * h));
  let blob = pickBlob(mask, q, w, h);
  if (!blob) return undefined;
  closeBlobGaps(blob, w, h);
  blob = pickBlob(open(pruneThinRuns(blob, w, h, THIN_RUN), w, h, 1), q, w, h);
  if (!blob) return undefined;
  closeBlobGaps(blob, w, h);
  const bg = components(blob, w, h, 0);
  for (let i = 0; i < n; i++)
    if (!blob[i] && !bg.touches[bg.label[i]!] && bg.sizes[bg.label[i]!]! < n * HOLE_SHARE) blob[i] = 1;
  return blob;
}

/**
 * Stage 5, confidence: the blob must be of a subject's size, compact and not the width of
 * the picture; across a ring a few pixels wide around it the scores must drop, and its
 * outline must sit on a colour edge clearly stronger than the picture's usual step.
 */
function blobVerdict(blob: Uint8Array, q: Float32Array, f: Features, w: number, h: number, tau: number): MatteVerdict {
  const n = w * h;
  let area = 0;
  let minX = w;
  let maxX = -1;
  let minY = h;
  let maxY = -1;
  for (let i = 0; i < n; i++) {
    if (!blob[i]) continue;
    area++;
    const x = i % w;
    const y = (i - x) / w;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  if (area < n * MIN_AREA || area > n * MAX_AREA) return 'area';
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  if (area < MIN_COMPACTNESS * bw * bh) return 'not-compact';
  if (bw > MAX_WIDTH * w) return 'too-wide';
  const ringR = Math.max(2, Math.round(RING_SHARE * Math.max(w, h)));
  const grown = dilate(Float32Array.from(blob), w, h, ringR);
  let qIn = 0;
  let qRing = 0;
  let nRing = 0;
  let edgeSum = 0;
  let edgeN = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (blob[i]) {
        qIn += q[i]!;
        // Outline pixels: in the blob with a neighbour outside it.
        const out =
          (x > 0 && !blob[i - 1]) ||
          (x < w - 1 && !blob[i + 1]) ||
          (y > 0 && !blob[i - w]) ||
          (y < h - 1 && !blob[i + w]);
        if (out) {
          let g = 0;
          for (const j of [i - 2, i + 2, i - 2 * w, i + 2 * w])
            if (j >= 0 && j < n) g = Math.max(g, stepLength(f, i, j));
          edgeSum += g;
          edgeN++;
        }
      } else if (grown[i]) {
        qRing += q[i]!;
        nRing++;
      }
    }
  }
  if (qIn / area - qRing / Math.max(1, nRing) < MIN_CONTRAST) return 'low-contrast';
  if (edgeSum / Math.max(1, edgeN) < MIN_OUTLINE_OVER_TAU * tau) return 'weak-outline';
  return 'subject';
}

/** Stage 6, soft edges that follow the picture: the hard blob through a guided filter on the grey levels. */
function softEdges(blob: Uint8Array, f: Features, w: number, h: number): Float32Array {
  const n = w * h;
  const grey = new Float32Array(n);
  const hard = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    grey[i] = f[i * 3]! / 255;
    hard[i] = blob[i]!;
  }
  const alpha = guidedFilter(grey, hard, w, h, EDGE_RADIUS, EDGE_EPS);
  for (let i = 0; i < n; i++) alpha[i] = Math.min(1, Math.max(0, alpha[i]!));
  return alpha;
}

/**
 * Estimates a soft subject matte from packed RGB pixels (a thumbnail, ~200 px on the long
 * side), or no matte with the reason the picture is treated as one plane. Pure and
 * deterministic. One stage a function: connectivity, the border prior, colour models, the
 * shape, its confidence, soft edges.
 */
export function analyseSubject(rgb: Uint8Array, w: number, h: number): { matte?: SubjectMatte; verdict: MatteVerdict } {
  if (w < MIN_SIDE || h < MIN_SIDE) return { verdict: 'too-small' };
  const f = opponentFeatures(rgb, w * h, 3);
  const { tau, gate } = connectivityGate(f, w, h);
  const q = refineByColour(rgb, f, w, h, borderPrior(f, w, h, gate), gate);
  if (!q) return { verdict: 'no-blob' };
  const blob = subjectShape(q, w, h);
  if (!blob) return { verdict: 'no-blob' };
  const verdict = blobVerdict(blob, q, f, w, h, tau);
  if (verdict !== 'subject') return { verdict };
  return { matte: { width: w, height: h, alpha: softEdges(blob, f, w, h) }, verdict };
}

/** The soft subject matte of packed RGB pixels, or undefined when the picture is one plane. */
export function estimateSubjectMatte(rgb: Uint8Array, w: number, h: number): SubjectMatte | undefined {
  return analyseSubject(rgb, w, h).matte;
}
