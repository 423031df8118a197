/**
 * Pure measurements for the scene benchmark: boxes and polygons (IoU), an affine's action on
 * labelled points, a region's motion through grey frames (a similarity registered against
 * frame 0, frame by frame), parallax between two regions, and PSNR of a frame against the
 * framed source. No engine imports: the engine-facing part is engine-probe.ts.
 */
import type { Box, Point } from './labels.js';

/** Canvas-order affine [a, b, c, d, e, f]: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Affine2 = readonly [number, number, number, number, number, number];

export const apply = (m: Affine2, [x, y]: Point): Point => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

export function invert(m: Affine2): Affine2 {
  const [a, b, c, d, e, f] = m;
  const det = a * d - b * c;
  return [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det];
}

export function boxIoU(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const area = (r: Box): number => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

export const inBox = (b: Box, [x, y]: Point): boolean => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];

export const boxCentre = (b: Box): Point => [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];

/** Even-odd point-in-polygon. */
export function inPolygon(poly: Point[], [x, y]: Point): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A polygon (photo px) rasterised on a `width`×`height` grid covering a photo `pw`×`ph`. */
export function rasterPolygon(poly: Point[], pw: number, ph: number, width: number, height: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      m[y * width + x] = inPolygon(poly, [((x + 0.5) / width) * pw, ((y + 0.5) / height) * ph]) ? 1 : 0;
  }
  return m;
}

export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union > 0 ? inter / union : 0;
}

/** Bounding box of a mask's set pixels scaled to photo px, or undefined when empty. */
export function maskBox(m: Uint8Array, width: number, height: number, pw: number, ph: number): Box | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!m[y * width + x]) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return undefined;
  return [(x0 / width) * pw, (y0 / height) * ph, ((x1 + 1) / width) * pw, ((y1 + 1) / height) * ph];
}

/** Whether an output point lies in the frame's central half (the middle 50 % on each axis). */
export const inCentralHalf = ([x, y]: Point, w: number, h: number): boolean =>
  x >= w / 4 && x <= (3 * w) / 4 && y >= h / 4 && y <= (3 * h) / 4;

/** Tracking points on a grid inside `keep` (frame px), `step` apart, `margin` from the edges. */
export function gridPoints(w: number, h: number, step: number, margin: number, keep: (p: Point) => boolean): Point[] {
  const out: Point[] = [];
  for (let y = margin; y <= h - margin; y += step)
    for (let x = margin; x <= w - margin; x += step) if (keep([x, y])) out.push([x, y]);
  return out;
}

export interface Similarity2 {
  /** z' = (ar + i·ai)·z + (br + i·bi) in complex form. */
  ar: number;
  ai: number;
  br: number;
  bi: number;
}

export const IDENTITY: Similarity2 = { ar: 1, ai: 0, br: 0, bi: 0 };
export const simScale = (s: Similarity2): number => Math.hypot(s.ar, s.ai);
export const simApply = (s: Similarity2, [x, y]: Point): Point => [
  s.ar * x - s.ai * y + s.br,
  s.ai * x + s.ar * y + s.bi,
];

/** A grey frame smoothed by two 3×3 box passes (a wider basin for the registration), as floats. */
export function smooth(f: Uint8Array, w: number, h: number): Float32Array {
  let a = Float32Array.from(f);
  for (let pass = 0; pass < 2; pass++) {
    const b = new Float32Array(a.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        let n = 0;
        for (let j = -1; j <= 1; j++) {
          const yy = y + j;
          if (yy < 0 || yy >= h) continue;
          for (let i = -1; i <= 1; i++) {
            const xx = x + i;
            if (xx < 0 || xx >= w) continue;
            s += a[yy * w + xx]!;
            n++;
          }
        }
        b[y * w + x] = s / n;
      }
    }
    a = b;
  }
  return a;
}

function bilinear(f: Float32Array, w: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * w + x0;
  const a = f[i]! + (f[i + 1]! - f[i]!) * fx;
  const b = f[i + w]! + (f[i + w + 1]! - f[i + w]!) * fx;
  return a + (b - a) * fy;
}

/**
 * Registers a region of frame 0 (its pixel positions `points`, frame px) onto frame `k`
 * with a similarity (scale, rotation, translation) by Gauss–Newton on the grey levels,
 * starting from `init`. Positions that leave the frame drop out; residuals beyond three
 * median absolute deviations are ignored (occlusion, another layer sliding over). Returns
 * the fit and how many positions took part, or undefined when fewer than 50 did or the
 * fit leaves a median residual above MAX_MEDIAN_RESIDUAL.
 */
export function registerRegion(
  f0: Float32Array,
  fk: Float32Array,
  w: number,
  h: number,
  points: Point[],
  init: Similarity2,
): { sim: Similarity2; used: number } | undefined {
  let s = { ...init };
  let used = 0;
  const tmpl = points.map(([x, y]) => f0[Math.round(y) * w + Math.round(x)]!);
  for (let iter = 0; iter < 25; iter++) {
    const res: number[] = [];
    const rows: [number, number, number, number, number][] = [];
    for (let n = 0; n < points.length; n++) {
      const [x, y] = points[n]!;
      const X = s.ar * x - s.ai * y + s.br;
      const Y = s.ai * x + s.ar * y + s.bi;
      if (X < 2 || Y < 2 || X > w - 3 || Y > h - 3) continue;
      const v = bilinear(fk, w, X, Y);
      const gx = (bilinear(fk, w, X + 1, Y) - bilinear(fk, w, X - 1, Y)) / 2;
      const gy = (bilinear(fk, w, X, Y + 1) - bilinear(fk, w, X, Y - 1)) / 2;
      const r = v - tmpl[n]!;
      res.push(Math.abs(r));
      // d(X, Y)/d(ar, ai, br, bi) = ([x, y], [-y, x], [1, 0], [0, 1])
      rows.push([gx * x + gy * y, -gx * y + gy * x, gx, gy, r]);
    }
    if (rows.length < 50) return undefined;
    const mad = [...res].sort((a, b) => a - b)[res.length >> 1]! + 1;
    const A = new Float64Array(16);
    const bv = new Float64Array(4);
    used = 0;
    for (const [j0, j1, j2, j3, r] of rows) {
      if (Math.abs(r) > 3 * mad) continue;
      used++;
      const J = [j0, j1, j2, j3];
      for (let a = 0; a < 4; a++) {
        bv[a]! -= J[a]! * r;
        for (let b = 0; b < 4; b++) A[a * 4 + b]! += J[a]! * J[b]!;
      }
    }
    const d = solve4(A, bv);
    if (!d) return undefined;
    s = { ar: s.ar + d[0]!, ai: s.ai + d[1]!, br: s.br + d[2]!, bi: s.bi + d[3]! };
    // Converged when the update moves no point of a 500 px region by more than ~0.01 px.
    if (Math.abs(d[0]!) * 500 + Math.abs(d[1]!) * 500 + Math.abs(d[2]!) + Math.abs(d[3]!) < 0.01) break;
  }
  if (used < 50) return undefined;
  // A fit that leaves most positions far from their grey level did not find the region
  // (motion blur smeared it, or it slid under another layer): the region is lost there.
  const left: number[] = [];
  for (let n = 0; n < points.length; n++) {
    const [x, y] = points[n]!;
    const X = s.ar * x - s.ai * y + s.br;
    const Y = s.ai * x + s.ar * y + s.bi;
    if (X < 2 || Y < 2 || X > w - 3 || Y > h - 3) continue;
    left.push(Math.abs(bilinear(fk, w, X, Y) - tmpl[n]!));
  }
  left.sort((a, b) => a - b);
  return left[left.length >> 1]! <= MAX_MEDIAN_RESIDUAL ? { sim: s, used } : undefined;
}

/** Px a fit may land from the extrapolated motion (plus half the frame's expected step). */
export const MAX_JUMP = 4;

/** Largest median grey-level residual (0–255, smoothed frames) a registered region may leave. */
const MAX_MEDIAN_RESIDUAL = 6;

/** Solves the 4×4 system A·x = b (Gaussian elimination with pivoting), or undefined when singular. */
function solve4(A: Float64Array, b: Float64Array): number[] | undefined {
  const m = Array.from({ length: 4 }, (_, i) => [A[i * 4]!, A[i * 4 + 1]!, A[i * 4 + 2]!, A[i * 4 + 3]!, b[i]!]);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-9) return undefined;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < 4; r++) {
      if (r === c) continue;
      const k = m[r]![c]! / m[c]![c]!;
      for (let j = c; j < 5; j++) m[r]![j]! -= k * m[c]![j]!;
    }
  }
  return m.map((row, i) => row[4]! / row[i]!);
}

/**
 * A region's motion through a clip: its similarity from frame 0 to every frame, each frame
 * registered directly against frame 0 (no drift), initialised from the previous frames'
 * motion extrapolated. Entries are undefined from the first frame the region is lost on.
 */
export function regionMotion(
  frames: Float32Array[],
  w: number,
  h: number,
  points: Point[],
  maxJump = MAX_JUMP,
): (Similarity2 | undefined)[] {
  const out: (Similarity2 | undefined)[] = [IDENTITY];
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const extremes: Point[] = [
    [Math.min(...xs), Math.min(...ys)],
    [Math.max(...xs), Math.min(...ys)],
    [Math.min(...xs), Math.max(...ys)],
    [Math.max(...xs), Math.max(...ys)],
  ];
  let prev = IDENTITY;
  let prev2 = IDENTITY;
  for (let k = 1; k < frames.length; k++) {
    if (!out[k - 1]) {
      out.push(undefined);
      continue;
    }
    const guess = {
      ar: 2 * prev.ar - prev2.ar,
      ai: 2 * prev.ai - prev2.ai,
      br: 2 * prev.br - prev2.br,
      bi: 2 * prev.bi - prev2.bi,
    };
    const fit =
      registerRegion(frames[0]!, frames[k]!, w, h, points, guess) ??
      registerRegion(frames[0]!, frames[k]!, w, h, points, prev);
    // Camera moves are smooth: a fit that lands far from the extrapolation jumped (to the
    // next period of a wallpaper, across a motion-blurred frame), and the region is lost.
    const jump =
      fit &&
      Math.max(
        ...extremes.map((p) => {
          const [fx, fy] = simApply(fit.sim, p);
          const [gx, gy] = simApply(guess, p);
          const [px, py] = simApply(prev, p);
          return Math.hypot(fx - gx, fy - gy) - 0.5 * Math.hypot(gx - px, gy - py);
        }),
      );
    const ok = fit && jump! <= maxJump ? fit : undefined;
    out.push(ok?.sim);
    if (ok) [prev2, prev] = [prev, ok.sim];
  }
  return out;
}

export interface ParallaxReading {
  /**
   * Largest over the frames of the subject's parallax, % of frame width: the median over the
   * subject's tiles of how far each tile's centre is from where the background's motion puts it.
   */
  parallaxPct: number;
  /** Frame where it was largest. */
  frame: number;
  /** The last frame the background and at least half the tiles were followed to. */
  lastFrame: number;
  /** Median scale of the subject's tiles and the background's scale at that frame. */
  subjectScale: number;
  backgroundScale: number;
  /** Tiles the subject was cut into. */
  tiles: number;
}

const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

/** Least RMS grey-level gradient (per px, smoothed frame) a tile needs in its weakest direction. */
const MIN_GRADIENT = 2;

/**
 * Whether a tile's positions have texture in every direction: the smaller eigenvalue of
 * their structure tensor (mean of ∇I ∇Iᵀ) is at least MIN_GRADIENT².
 */
function textured(f: Float32Array, w: number, h: number, pts: Point[]): boolean {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (const [x, y] of pts) {
    const xi = Math.min(w - 2, Math.max(1, Math.round(x)));
    const yi = Math.min(h - 2, Math.max(1, Math.round(y)));
    const i = yi * w + xi;
    const gx = (f[i + 1]! - f[i - 1]!) / 2;
    const gy = (f[i + w]! - f[i - w]!) / 2;
    xx += gx * gx;
    yy += gy * gy;
    xy += gx * gy;
  }
  const n = Math.max(1, pts.length);
  const [a, b, c] = [xx / n, yy / n, xy / n];
  const min = (a + b) / 2 - Math.sqrt(((a - b) / 2) ** 2 + c * c);
  return min >= MIN_GRADIENT ** 2;
}

const centroid = (pts: Point[]): Point => [
  pts.reduce((a, p) => a + p[0], 0) / pts.length,
  pts.reduce((a, p) => a + p[1], 0) / pts.length,
];

/** The diagonal of positions' bounding box. */
function spread(pts: Point[]): number {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of pts) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return Math.hypot(x1 - x0, y1 - y0);
}

/** The side of the subject's tiles (their spread, the largest tile's extent), for cutting the background alike. */
function tileSide(tiles: Point[][]): number {
  let side = 40;
  for (const t of tiles) {
    const xs = t.map((p) => p[0]);
    side = Math.max(side, Math.max(...xs) - Math.min(...xs) + 1);
  }
  return side;
}

/**
 * Cuts a region's positions into square tiles `side` px wide, keeping tiles with at least
 * `min` positions (each is registered on its own).
 */
export function tile(points: Point[], side: number, min = 60): Point[][] {
  const cells = new Map<string, Point[]>();
  for (const p of points) {
    const key = `${Math.floor(p[0] / side)},${Math.floor(p[1] / side)}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = []));
    cell.push(p);
  }
  return [...cells.values()].filter((c) => c.length >= min);
}

/**
 * Parallax between a near region (`subject`: its frame-0 positions, in tiles) and the
 * background (`background` positions): each tile's and the background's motion is
 * registered through the clip. At each frame a tile's parallax is how far its centre is
 * from where the background's motion puts it (a flat 2-D move moves both alike: about 0);
 * the subject's is the median over its tiles, so a subject only partly cut out counts as
 * moving only when most of it does. Also the tiles' median scale and the background's at
 * the last frame both were followed to (the dolly zoom check). Undefined when the
 * background or every tile is too small to register.
 */
export function measureParallax(
  grey: Uint8Array[],
  w: number,
  h: number,
  subject: Point[][],
  background: Point[],
  /** How far a fit may land from the extrapolated motion (regionMotion). */
  maxJump = MAX_JUMP,
): ParallaxReading | undefined {
  const frames = grey.map((f) => smooth(f, w, h));
  // Flat stretches (sky, a dark coat) register anywhere with a small residual, and a tile
  // crossed by one straight edge slides along it: only tiles textured in every direction
  // take part, for the subject and for the background alike.
  const f0 = frames[0]!;
  let bgPts = tile(background, tileSide(subject))
    .filter((t) => textured(f0, w, h, t))
    .flat();
  const tilePts = subject.filter((t) => textured(f0, w, h, t));
  if (tilePts.length === 0 || bgPts.length < 50) return undefined;
  // A small textured patch (a door frame on a plain wall) fixes its own shift but not its
  // scale and turn well enough to carry them to subject tiles far from it: an error of
  // 1.5 % in scale read 3 % of parallax on a flat zoom. Then the whole background region
  // is registered, its flat parts adding nothing to the fit but its edges holding it.
  const subjectCentre = centroid(tilePts.flat());
  const [bx, by] = centroid(bgPts);
  if (
    spread(bgPts) < 0.5 * Math.hypot(bx - subjectCentre[0], by - subjectCentre[1]) &&
    spread(background) > spread(bgPts)
  )
    bgPts = background;
  const mb = regionMotion(frames, w, h, bgPts, maxJump);
  const tiles = tilePts.map((pts) => ({
    centre: [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length] as Point,
    motion: regionMotion(frames, w, h, pts, maxJump),
  }));
  let best = { pct: 0, frame: 0 };
  let last: { k: number; s: number; b: number } | undefined;
  for (let k = 1; k < frames.length; k++) {
    const b = mb[k];
    if (!b) break;
    const alive = tiles.filter((t) => t.motion[k]);
    if (alive.length * 2 < tiles.length) break;
    const off = alive.map((t) => {
      const [sx, sy] = simApply(t.motion[k]!, t.centre);
      const [bx, by] = simApply(b, t.centre);
      return Math.hypot(sx - bx, sy - by);
    });
    const pct = (median(off) / w) * 100;
    if (pct > best.pct) best = { pct, frame: k };
    last = { k, s: median(alive.map((t) => simScale(t.motion[k]!))), b: simScale(b) };
  }
  if (!last) return undefined;
  return {
    parallaxPct: best.pct,
    frame: best.frame,
    lastFrame: last.k,
    subjectScale: last.s,
    backgroundScale: last.b,
    tiles: tiles.length,
  };
}

/** RGB → grey (Rec. 601 luma), one byte a pixel. */
export function toGrey(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!);
  return out;
}

/**
 * The framed source: the photo (packed RGB, `pw`×`ph`) drawn through `m` (photo px → frame
 * px) into a `w`×`h` frame with bilinear sampling — what frame 0 of a clip at rest shows.
 */
export function frameSource(rgb: Uint8Array, pw: number, ph: number, m: Affine2, w: number, h: number): Uint8Array {
  const inv = invert(m);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let [sx, sy] = apply(inv, [x + 0.5, y + 0.5]);
      sx = Math.min(pw - 1, Math.max(0, sx - 0.5));
      sy = Math.min(ph - 1, Math.max(0, sy - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(pw - 1, x0 + 1);
      const y1 = Math.min(ph - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * pw + x0) * 3 + c]! + (rgb[(y0 * pw + x1) * 3 + c]! - rgb[(y0 * pw + x0) * 3 + c]!) * fx;
        const b = rgb[(y1 * pw + x0) * 3 + c]! + (rgb[(y1 * pw + x1) * 3 + c]! - rgb[(y1 * pw + x0) * 3 + c]!) * fx;
        out[(y * w + x) * 3 + c] = Math.round(a + (b - a) * fy);
      }
    }
  }
  return out;
}

/** PSNR (dB) and the 99.9th percentile of the absolute error between two same-size RGB frames. */
export function compareFrames(a: Uint8Array, b: Uint8Array): { psnr: number; p999: number } {
  const hist = new Uint32Array(256);
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    se += d * d;
    hist[d]!++;
  }
  const mse = se / a.length;
  let acc = 0;
  let p999 = 255;
  for (let d = 0; d < 256; d++) {
    acc += hist[d]!;
    if (acc >= a.length * 0.999) {
      p999 = d;
      break;
    }
  }
  return { psnr: mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse), p999 };
}
