/**
 * Subject/background separation from one picture, on the CPU, in pure TypeScript.
 *
 * 1. Boundary prior: the picture's top, left and right edges are mostly background (the
 *    bottom edge often cuts through the subject, so it is left out). Their colours are
 *    clustered (k-means), and a pixel's initial subject score is how far its colour is
 *    from every edge cluster, relative to the clusters' own spread, with a weak centre prior.
 * 2. Colour models: subject and background colour histograms weighted by the current
 *    scores give a per-pixel likelihood; an edge-aware smoothing (neighbours of similar
 *    colour vote) makes it spatially coherent — a cheap stand-in for a graph cut. Repeated.
 * 3. Clean-up: small islands go, holes inside the subject are filled; the result must be
 *    a plausible subject (area, contrast with its surroundings) or the picture is treated
 *    as one plane.
 * 4. A guided filter snaps the hard mask onto the picture's edges: a soft matte.
 */
import { guidedFilter } from './image-filters.js';

export interface SubjectMatte {
  width: number;
  height: number;
  /** Subject coverage 0..1 per pixel (soft at the edges). */
  alpha: Float32Array;
}

const K = 8;
const BINS = 8;

/** Opponent colour features: brightness, red–green, yellow–blue (roughly perceptual). */
function features(rgb: Uint8Array, n: number): Float32Array {
  const f = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    f[i * 3] = 0.299 * r + 0.587 * g + 0.114 * b;
    f[i * 3 + 1] = r - g;
    f[i * 3 + 2] = 0.5 * (r + g) - b;
  }
  return f;
}

function dist(f: Float32Array, i: number, c: Float32Array, k: number): number {
  const a = f[i * 3]! - c[k * 3]!;
  const b = f[i * 3 + 1]! - c[k * 3 + 1]!;
  const d = f[i * 3 + 2]! - c[k * 3 + 2]!;
  return Math.sqrt(a * a + b * b + d * d);
}

/** Deterministic k-means on the listed pixels (seeded by brightness quantiles). */
function kmeans(f: Float32Array, idx: number[]): Float32Array {
  const sorted = [...idx].sort((a, b) => f[a * 3]! - f[b * 3]!);
  const c = new Float32Array(K * 3);
  for (let k = 0; k < K; k++) {
    const p = sorted[Math.floor(((k + 0.5) / K) * sorted.length)]!;
    c.set(f.subarray(p * 3, p * 3 + 3), k * 3);
  }
  for (let iter = 0; iter < 8; iter++) {
    const sum = new Float64Array(K * 4);
    for (const i of idx) {
      let best = 0;
      let bd = Infinity;
      for (let k = 0; k < K; k++) {
        const d = dist(f, i, c, k);
        if (d < bd) [bd, best] = [d, k];
      }
      for (let j = 0; j < 3; j++) sum[best * 4 + j] = sum[best * 4 + j]! + f[i * 3 + j]!;
      sum[best * 4 + 3] = sum[best * 4 + 3]! + 1;
    }
    for (let k = 0; k < K; k++) if (sum[k * 4 + 3]! > 0) for (let j = 0; j < 3; j++) c[k * 3 + j] = sum[k * 4 + j]! / sum[k * 4 + 3]!;
  }
  return c;
}

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
function components(mask: Uint8Array, w: number, h: number, value: number): { label: Int32Array; sizes: number[]; touches: boolean[] } {
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
  return pass(pass(mask, (all) => all), (_, any) => any);
}

/**
 * Estimates a soft subject matte from packed RGB pixels (a thumbnail, ~200 px on the long
 * side), or undefined when no subject stands out from the background. Pure and deterministic.
 */
export function estimateSubjectMatte(rgb: Uint8Array, w: number, h: number): SubjectMatte | undefined {
  const n = w * h;
  if (w < 16 || h < 16) return undefined;
  const f = features(rgb, n);
  const band = Math.max(2, Math.round(0.04 * Math.min(w, h)));
  const border: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (y < band || x < band || x >= w - band) border.push(y * w + x);
  const centres = kmeans(f, border);
  const nearest = (i: number): number => {
    let bd = Infinity;
    for (let k = 0; k < K; k++) bd = Math.min(bd, dist(f, i, centres, k));
    return bd;
  };
  const spread = border.map(nearest).sort((a, b) => a - b);
  const sigma = Math.max(6, spread[Math.floor(spread.length * 0.9)]!);

  // 1. Initial score from the boundary prior.
  let q: Float32Array = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const d = nearest(i);
      const s = Math.min(1, Math.max(0, (d - sigma) / (2 * sigma)));
      const nx = x / (w - 1) - 0.5;
      const ny = y / (h - 1) - 0.5;
      q[i] = s * (0.6 + 0.4 * Math.exp(-(nx * nx + ny * ny) / (2 * 0.35 * 0.35)));
    }
  }
  const borderSet = new Uint8Array(n);
  for (const i of border) borderSet[i] = 1;

  // 2. Colour models and edge-aware smoothing, a few rounds.
  const bin = (i: number): number =>
    (Math.min(BINS - 1, Math.floor((rgb[i * 3]! * BINS) / 256)) * BINS + Math.min(BINS - 1, Math.floor((rgb[i * 3 + 1]! * BINS) / 256))) * BINS +
    Math.min(BINS - 1, Math.floor((rgb[i * 3 + 2]! * BINS) / 256));
  const bins = new Int32Array(n);
  for (let i = 0; i < n; i++) bins[i] = bin(i);
  for (let round = 0; round < 3; round++) {
    const hf = new Float64Array(BINS ** 3).fill(0.5);
    const hb = new Float64Array(BINS ** 3).fill(0.5);
    let nf = 0;
    let nb = 0;
    for (let i = 0; i < n; i++) {
      const wf = borderSet[i] ? 0 : q[i]!;
      const wb = borderSet[i] ? 3 : 1 - q[i]!;
      hf[bins[i]!] = hf[bins[i]!]! + wf;
      hb[bins[i]!] = hb[bins[i]!]! + wb;
      nf += wf;
      nb += wb;
    }
    if (nf < n * 0.002) return undefined;
    const p = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const lf = hf[bins[i]!]! / nf;
      const lb = hb[bins[i]!]! / nb;
      p[i] = 0.5 * (lf / (lf + lb)) + 0.5 * q[i]!;
    }
    q = smoothByColour(p, f, w, h, 3);
  }

  // 3. Hard mask: opened (specks and thin streaks such as horizon lines go), then the subject is the
  // strongest blob (score mass near the centre) and any nearly as strong; blobs that touch
  // the top edge or span the width are scenery. Holes inside it are filled.
  let mask: Uint8Array = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = q[i]! > 0.5 ? 1 : 0;
  mask = open(mask, w, h, 1);
  const fg = components(mask, w, h, 1);
  const mass = new Float64Array(fg.sizes.length);
  const minX = new Int32Array(fg.sizes.length).fill(w);
  const maxX = new Int32Array(fg.sizes.length).fill(-1);
  const top = new Uint8Array(fg.sizes.length);
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const c = fg.label[i]!;
    const x = i % w;
    const y = (i - x) / w;
    const nx = x / (w - 1) - 0.5;
    const ny = y / (h - 1) - 0.5;
    mass[c] = mass[c]! + q[i]! * Math.exp(-(nx * nx + ny * ny) / (2 * 0.3 * 0.3));
    minX[c] = Math.min(minX[c]!, x);
    maxX[c] = Math.max(maxX[c]!, x);
    if (y < band) top[c] = 1;
  }
  const eligible = (c: number): boolean => !top[c] && maxX[c]! - minX[c]! < 0.85 * w && fg.sizes[c]! >= n * 0.004;
  let best = 0;
  for (let c = 0; c < mass.length; c++) if (eligible(c)) best = Math.max(best, mass[c]!);
  if (best === 0) return undefined;
  for (let i = 0; i < n; i++) if (mask[i] && !(eligible(fg.label[i]!) && mass[fg.label[i]!]! >= 0.5 * best)) mask[i] = 0;
  const bg = components(mask, w, h, 0);
  for (let i = 0; i < n; i++) if (!mask[i] && !bg.touches[bg.label[i]!] && bg.sizes[bg.label[i]!]! < n * 0.05) mask[i] = 1;
  let area = 0;
  let inside = 0;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i]) {
      area++;
      inside += q[i]!;
    } else outside += q[i]!;
  }
  if (area < n * 0.01 || area > n * 0.6) return undefined;
  const contrast = inside / area - outside / (n - area);
  if (contrast < 0.4) return undefined;

  // 4. Soft edges that follow the picture.
  const grey = new Float32Array(n);
  const hard = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    grey[i] = f[i * 3]! / 255;
    hard[i] = mask[i]!;
  }
  const alpha = guidedFilter(grey, hard, w, h, 2, 0.004);
  for (let i = 0; i < n; i++) alpha[i] = Math.min(1, Math.max(0, alpha[i]!));
  return { width: w, height: h, alpha };
}
