/**
 * Where the ground meets the far background, estimated on the scene's thumbnail: the row
 * that best splits the picture's rows (outside the subject) into two runs of different
 * colour and texture — sky over land, a wall over a floor, a far treeline over a meadow.
 * When no split explains much of the rows' variation (a close-up, an even texture), the
 * horizon is put where most photographs have it, a little above the middle.
 */

export interface HorizonEstimate {
  /** Row as a fraction of the picture's height (0 = top). */
  row: number;
  /** 'edge': a split in the picture's rows; 'prior': the default row. */
  source: 'edge' | 'prior';
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
