/**
 * Colour clusters of a set of pixels, and how far a colour lies from them: the per-side
 * colour models the matte refinement compares the two sides of an outline with.
 * Colours are opponent features (brightness, red–green, yellow–blue), so a hue change
 * (dark green tree vs dark brown hair) counts as much as a brightness change.
 */

/** Opponent colour features of packed pixels with `channels` per pixel (3 floats a pixel). */
export function opponentFeatures(px: Uint8Array, n: number, channels: number): Float32Array {
  const f = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const r = px[i * channels]!;
    const g = px[i * channels + 1]!;
    const b = px[i * channels + 2]!;
    f[i * 3] = 0.299 * r + 0.587 * g + 0.114 * b;
    f[i * 3 + 1] = r - g;
    f[i * 3 + 2] = 0.5 * (r + g) - b;
  }
  return f;
}

function sq(f: Float32Array, i: number, c: Float32Array, k: number): number {
  const a = f[i * 3]! - c[k * 3]!;
  const b = f[i * 3 + 1]! - c[k * 3 + 1]!;
  const d = f[i * 3 + 2]! - c[k * 3 + 2]!;
  return a * a + b * b + d * d;
}

/**
 * Deterministic k-means (seeded at brightness quantiles, a fixed number of rounds) of the
 * features of the listed pixels; returns `k` centres (3 floats each).
 */
export function colourClusters(f: Float32Array, idx: ArrayLike<number>, k: number): Float32Array {
  const sorted = Array.from(idx).sort((a, b) => f[a * 3]! - f[b * 3]!);
  const c = new Float32Array(k * 3);
  for (let j = 0; j < k; j++) {
    const p = sorted[Math.floor(((j + 0.5) / k) * sorted.length)]!;
    c.set(f.subarray(p * 3, p * 3 + 3), j * 3);
  }
  for (let round = 0; round < 8; round++) {
    const sum = new Float64Array(k * 4);
    for (const i of sorted) {
      const best = nearestCluster(f, i, c, k).index;
      for (let j = 0; j < 3; j++) sum[best * 4 + j] = sum[best * 4 + j]! + f[i * 3 + j]!;
      sum[best * 4 + 3] = sum[best * 4 + 3]! + 1;
    }
    for (let j = 0; j < k; j++)
      if (sum[j * 4 + 3]! > 0) for (let e = 0; e < 3; e++) c[j * 3 + e] = sum[j * 4 + e]! / sum[j * 4 + 3]!;
  }
  return c;
}

/** The centre nearest to pixel `i`'s colour and its distance. */
export function nearestCluster(
  f: Float32Array,
  i: number,
  centres: Float32Array,
  k: number,
): { index: number; distance: number } {
  let best = 0;
  let bd = Infinity;
  for (let j = 0; j < k; j++) {
    const d = sq(f, i, centres, j);
    if (d < bd) [bd, best] = [d, j];
  }
  return { index: best, distance: Math.sqrt(bd) };
}
