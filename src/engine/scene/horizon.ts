/**
 * Where the ground meets the far background, estimated on the scene's thumbnail: the row
 * that best splits the picture's rows (outside the subject) into two runs of different
 * colour and texture — sky over land, a wall over a floor, a far treeline over a meadow.
 * When no split explains much (a close-up, an even texture), the horizon is put where most
 * photographs have it, a little above the middle.
 *
 * That split often finds a skyline or a roofline, above the eye level, which the ground
 * cannot pass; the picture's slanted straight lines (kerbs, courses, window rows: level in
 * the world) meet at the eye level (`eyeLevelHorizon`: leuvenA 0.68 against a labelled 0.70,
 * where the split says 0.17). With the horizon there the walls beside the street share their
 * rows with the far houses, so depth by rows alone would make them far background; with
 * it the scene stands its walls on the ground at their foot's depth (ground-contact.ts
 * `sceneGround`).
 */

export interface HorizonEstimate {
  /** Row as a fraction of the picture's height (0 = top). */
  row: number;
  /** 'edge': a split in the picture's rows; 'vanishing': where slanted lines meet; 'prior': the default row. */
  source: 'edge' | 'vanishing' | 'prior';
  /** Share of the rows' variation the split explains (0..1). */
  strength: number;
}

/** Where the horizon goes when the picture shows none. */
export const PRIOR_HORIZON = 0.42;
/** A split must explain this share of the rows' variation to count. */
const MIN_STRENGTH = 0.45;

/**
 * The horizon of packed RGB pixels, ignoring pixels where `subject` (same size, 0..1) is
 * over one half; it stays above `below` (a fraction: the subject's feet stand on the ground).
 */
export function estimateHorizon(
  rgb: Uint8Array,
  width: number,
  height: number,
  subject?: Float32Array,
  below = 1,
): HorizonEstimate {
  const F = 5;
  const rows = new Float64Array(height * F);
  const weight = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let n = 0;
    const acc = [0, 0, 0, 0];
    let tex = 0;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (subject && subject[i]! > 0.5) continue;
      const r = rgb[i * 3]!;
      const g = rgb[i * 3 + 1]!;
      const b = rgb[i * 3 + 2]!;
      const l = (r + g + b) / 3;
      acc[0]! += l;
      acc[1]! += r - g;
      acc[2]! += (r + g) / 2 - b;
      if (x + 1 < width) {
        const j = i + 1;
        tex += Math.abs(l - (rgb[j * 3]! + rgb[j * 3 + 1]! + rgb[j * 3 + 2]!) / 3);
      }
      n++;
    }
    if (n < width * 0.2) continue;
    weight[y] = n;
    rows[y * F] = acc[0]! / n;
    rows[y * F + 1] = acc[1]! / n;
    rows[y * F + 2] = acc[2]! / n;
    rows[y * F + 3] = (2 * tex) / n;
  }
  // Prefix sums of weight, weighted features and weighted squares: the cost of any run.
  const W = new Float64Array(height + 1);
  const S = new Float64Array((height + 1) * F);
  const Q = new Float64Array(height + 1);
  for (let y = 0; y < height; y++) {
    W[y + 1] = W[y]! + weight[y]!;
    let q = 0;
    for (let c = 0; c < F; c++) {
      const v = rows[y * F + c]! * weight[y]!;
      S[(y + 1) * F + c] = S[y * F + c]! + v;
      q += rows[y * F + c]! * v;
    }
    Q[y + 1] = Q[y]! + q;
  }
  const cost = (a: number, b: number): number => {
    const w = W[b]! - W[a]!;
    if (w <= 0) return 0;
    let s2 = 0;
    for (let c = 0; c < F; c++) s2 += (S[b * F + c]! - S[a * F + c]!) ** 2;
    return Q[b]! - Q[a]! - s2 / w;
  };
  const total = cost(0, height);
  const lo = Math.round(0.12 * height);
  const hi = Math.round(Math.min(0.8, below - 0.08) * height);
  let best = -1;
  let bestCost = Infinity;
  for (let y = lo; y <= hi; y++) {
    const c = cost(0, y) + cost(y, height);
    if (c < bestCost) [best, bestCost] = [y, c];
  }
  const strength = total > 0 && best >= 0 ? 1 - bestCost / total : 0;
  if (best < 0 || strength < MIN_STRENGTH) {
    return { row: Math.max(0.12, Math.min(PRIOR_HORIZON, below - 0.12)), source: 'prior', strength };
  }
  return { row: best / height, source: 'edge', strength };
}

/**
 * The horizon at the eye level, where the picture's slanted straight lines meet, when enough
 * of them agree on a row below the split `rows` found (or the split was weak): else undefined.
 * With it what stands above the horizon stands on the ground (ground-contact.ts).
 */
export function eyeLevelHorizon(
  rgb: Uint8Array,
  width: number,
  height: number,
  split: HorizonEstimate,
  subject?: Float32Array,
  below = 1,
): { row: number; agreement: number } | undefined {
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = (rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!) / 3;
  const vp = vanishingHorizon(grey, width, height, subject);
  if (
    vp &&
    vp.lines >= MIN_LINES &&
    vp.agreement >= MIN_AGREEMENT &&
    vp.row >= 0.12 &&
    vp.row <= Math.min(0.9, below - 0.08) &&
    (split.source === 'prior' || vp.row > split.row)
  )
    return { row: vp.row, agreement: vp.agreement };
  return undefined;
}

/** Line directions within this many degrees of horizontal say nothing of the horizon's row. */
const FLAT_LINE_DEG = 4;
/** ... nor do those within this many of vertical (walls' edges, converging when looking up). */
const UPRIGHT_LINE_DEG = 20;
/** Straight lines taken from the line transform (the longest first). */
const MAX_LINES = 40;
/** A line must run this share of the thumbnail's shorter side to count. */
const MIN_LINE = 0.1;
/** Share of the lines' crossings that must agree on the horizon's row (within a band of 5 %). */
const MIN_AGREEMENT = 0.25;
/** Fewer straight lines than this say too little (an arc of an orange, a collar). */
const MIN_LINES = 8;

/** A straight edge found in the thumbnail: its normal angle, offset and support (pixels on it). */
interface Line {
  theta: number;
  rho: number;
  votes: number;
}

/**
 * The straight edges of a grey thumbnail (outside `skip`), by a line transform in which each
 * strong, coherent edge pixel votes only along its own direction. Near-horizontal and
 * near-vertical edges are left out: only slanted ones can meet at a vanishing point.
 */
function straightLines(grey: Float32Array, width: number, height: number, skip?: Float32Array): Line[] {
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const g = (dx: number, dy: number): number => grey[i + dy * width + dx]!;
      gx[i] = g(1, -1) + 2 * g(1, 0) + g(1, 1) - g(-1, -1) - 2 * g(-1, 0) - g(-1, 1);
      gy[i] = g(-1, 1) + 2 * g(0, 1) + g(1, 1) - g(-1, -1) - 2 * g(0, -1) - g(1, -1);
    }
  }
  const T = 180;
  const diag = Math.ceil(Math.hypot(width, height));
  const R = 2 * diag + 1;
  const acc = new Float32Array(T * R);
  const cosT = Float64Array.from({ length: T }, (_, t) => Math.cos((t * Math.PI) / T));
  const sinT = Float64Array.from({ length: T }, (_, t) => Math.sin((t * Math.PI) / T));
  const flat = Math.sin((FLAT_LINE_DEG * Math.PI) / 180);
  const upright = Math.cos((UPRIGHT_LINE_DEG * Math.PI) / 180);
  for (let y = 2; y < height - 2; y++) {
    for (let x = 2; x < width - 2; x++) {
      const i = y * width + x;
      if (skip && skip[i]! > 0.5) continue;
      // Structure tensor over 3×3: the edge's normal and how single-directional it is.
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const j = i + dy * width + dx;
          sxx += gx[j]! * gx[j]!;
          syy += gy[j]! * gy[j]!;
          sxy += gx[j]! * gy[j]!;
        }
      const tr = sxx + syy;
      // 9 pixels of gradient ≥ 60 grey levels (Sobel: ×4 a step of 15) each.
      if (tr < 9 * 60 * 60) continue;
      const coherence = Math.hypot(sxx - syy, 2 * sxy) / tr;
      if (coherence < 0.8) continue;
      // Normal angle in [0, π): the edge runs perpendicular to it.
      let a = 0.5 * Math.atan2(2 * sxy, sxx - syy);
      if (a < 0) a += Math.PI;
      // |sin a| small: the normal is horizontal, the edge upright; |cos a| small: a flat edge.
      if (Math.abs(Math.cos(a)) > upright || Math.abs(Math.cos(a)) < flat) continue;
      const t0 = Math.round((a * T) / Math.PI);
      for (let dt = -2; dt <= 2; dt++) {
        const t = (((t0 + dt) % T) + T) % T;
        const rho = Math.round(x * cosT[t]! + y * sinT[t]!) + diag;
        acc[t * R + rho]! += 1;
      }
    }
  }
  const minVotes = MIN_LINE * Math.min(width, height);
  const lines: Line[] = [];
  for (let n = 0; n < MAX_LINES; n++) {
    let best = -1;
    let bestV = minVotes;
    for (let k = 0; k < acc.length; k++) if (acc[k]! > bestV) [best, bestV] = [k, acc[k]!];
    if (best < 0) break;
    const t = Math.floor(best / R);
    const r = best % R;
    lines.push({ theta: (t * Math.PI) / T, rho: r - diag, votes: bestV });
    // Suppress this line's neighbourhood (nearby angles and offsets: the same edge).
    for (let dt = -4; dt <= 4; dt++) {
      const tt = t + dt;
      if (tt < 0 || tt >= T) continue;
      for (let dr = -3; dr <= 3; dr++) {
        const rr = r + dr;
        if (rr >= 0 && rr < R) acc[tt * R + rr] = 0;
      }
    }
  }
  return lines;
}

/**
 * The horizon as the row where the picture's slanted straight lines meet: lines that are
 * level in the world (a street's kerbs, a wall's courses, window rows, roof edges) converge on
 * vanishing points that all lie on the horizon (the eye level), however the walls turn. Each
 * pair of lines votes for the row where they cross (weighted by their length and how clearly
 * they cross); the row most pairs agree on is the horizon, if enough of them do.
 */
export function vanishingHorizon(
  grey: Float32Array,
  width: number,
  height: number,
  skip?: Float32Array,
): { row: number; agreement: number; lines: number } | undefined {
  const lines = straightLines(grey, width, height, skip);
  if (lines.length < 4) return undefined;
  const BINS = 60;
  const lo = -0.25;
  const hi = 1.25;
  const hist = new Float64Array(BINS);
  let total = 0;
  const clear = Math.sin((8 * Math.PI) / 180);
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i]!;
      const b = lines[j]!;
      const det = Math.cos(a.theta) * Math.sin(b.theta) - Math.sin(a.theta) * Math.cos(b.theta);
      const w = Math.sqrt(a.votes * b.votes) * Math.min(1, Math.abs(det) / clear);
      total += w;
      if (Math.abs(det) < 1e-6) continue;
      const x = (a.rho * Math.sin(b.theta) - b.rho * Math.sin(a.theta)) / det;
      const y = (b.rho * Math.cos(a.theta) - a.rho * Math.cos(b.theta)) / det;
      if (x < -width || x > 2 * width) continue;
      const v = y / height;
      if (v < lo || v >= hi) continue;
      hist[Math.floor(((v - lo) / (hi - lo)) * BINS)]! += w;
    }
  }
  if (total <= 0) return undefined;
  let best = 0;
  let bestW = -1;
  for (let k = 0; k < BINS; k++) {
    const s = (hist[k - 1] ?? 0) + hist[k]! + (hist[k + 1] ?? 0);
    if (s > bestW) [best, bestW] = [k, s];
  }
  // The row: the weighted mean of the peak's three bins.
  const m = (hist[best - 1] ?? 0) * (best - 1) + hist[best]! * best + (hist[best + 1] ?? 0) * (best + 1);
  const row = lo + ((m / Math.max(1e-9, bestW) + 0.5) / BINS) * (hi - lo);
  return { row, agreement: bestW / total, lines: lines.length };
}
