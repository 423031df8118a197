/**
 * Small float-image filters the scene estimate is built from: box mean, the guided filter
 * (He et al. 2010: an edge-aware smoothing whose output follows the guide's edges, used to
 * snap a rough matte onto the picture), bilinear resampling and dilation. Single-channel
 * Float32 images, row-major; everything runs in O(pixels) whatever the radius.
 */

/**
 * Mean over a (2r+1)² window, clamped at the borders: a running sum along each row, then
 * running column sums carried down the rows (row-major throughout, so it stays in cache).
 */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let x = -r; x <= r; x++) sum += src[row + Math.min(w - 1, Math.max(0, x))]!;
    for (let x = 0; x < w; x++) {
      tmp[row + x] = sum;
      sum += src[row + Math.min(w - 1, x + r + 1)]! - src[row + Math.max(0, x - r)]!;
    }
  }
  const norm = 1 / ((2 * r + 1) * (2 * r + 1));
  const col = new Float64Array(w);
  for (let y = -r; y <= r; y++) {
    const row = Math.min(h - 1, Math.max(0, y)) * w;
    for (let x = 0; x < w; x++) col[x] = col[x]! + tmp[row + x]!;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const add = Math.min(h - 1, y + r + 1) * w;
    const drop = Math.max(0, y - r) * w;
    for (let x = 0; x < w; x++) {
      out[row + x] = col[x]! * norm;
      col[x] = col[x]! + tmp[add + x]! - tmp[drop + x]!;
    }
  }
  return out;
}

/** Guided filter of `p` by the grey guide `I` (both 0..1): follows I's edges, smooths elsewhere. */
export function guidedFilter(
  I: Float32Array,
  p: Float32Array,
  w: number,
  h: number,
  r: number,
  eps: number,
): Float32Array {
  const n = w * h;
  const Ip = new Float32Array(n);
  const II = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    Ip[i] = I[i]! * p[i]!;
    II[i] = I[i]! * I[i]!;
  }
  const mI = boxMean(I, w, h, r);
  const mp = boxMean(p, w, h, r);
  const mIp = boxMean(Ip, w, h, r);
  const mII = boxMean(II, w, h, r);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const cov = mIp[i]! - mI[i]! * mp[i]!;
    const v = mII[i]! - mI[i]! * mI[i]!;
    a[i] = cov / (v + eps);
    b[i] = mp[i]! - a[i]! * mI[i]!;
  }
  const ma = boxMean(a, w, h, r);
  const mb = boxMean(b, w, h, r);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ma[i]! * I[i]! + mb[i]!;
  return out;
}

/** Each output column's two source taps and the weight between them (the same for every row). */
function columnTaps(w: number, tw: number): { left: Int32Array; right: Int32Array; across: Float64Array } {
  const sx = w / tw;
  const left = new Int32Array(tw);
  const right = new Int32Array(tw);
  const across = new Float64Array(tw);
  for (let x = 0; x < tw; x++) {
    const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
    left[x] = Math.floor(fx);
    right[x] = Math.min(w - 1, left[x]! + 1);
    across[x] = fx - left[x]!;
  }
  return { left, right, across };
}

/** Bilinear resampling of a single-channel image to `tw` × `th` (pixel centres aligned). */
export function resample(src: Float32Array, w: number, h: number, tw: number, th: number): Float32Array {
  const out = new Float32Array(tw * th);
  const sy = h / th;
  const { left, right, across } = columnTaps(w, tw);
  for (let y = 0; y < th; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < tw; x++) {
      const x0 = left[x]!;
      const x1 = right[x]!;
      const wx = across[x]!;
      const top = src[y0 * w + x0]! + (src[y0 * w + x1]! - src[y0 * w + x0]!) * wx;
      const bottom = src[y1 * w + x0]! + (src[y1 * w + x1]! - src[y1 * w + x0]!) * wx;
      out[y * tw + x] = top + (bottom - top) * wy;
    }
  }
  return out;
}

/**
 * Where `resample(src, w, h, tw, th)` is over `min`, as a 0/1 mask, without the float image:
 * where a pixel's four taps agree the value is that tap (most of a mask), else it is the
 * same bilinear sum resample stores, rounded to float32 as resample's output is.
 */
export function resampleAbove(
  src: Float32Array,
  w: number,
  h: number,
  tw: number,
  th: number,
  min: number,
): Uint8Array {
  const out = new Uint8Array(tw * th);
  const sy = h / th;
  const { left, right, across } = columnTaps(w, tw);
  for (let y = 0; y < th; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const wy = fy - y0;
    const r0 = y0 * w;
    const r1 = y1 * w;
    for (let x = 0; x < tw; x++) {
      const x0 = left[x]!;
      const x1 = right[x]!;
      const a = src[r0 + x0]!;
      const b = src[r0 + x1]!;
      const c = src[r1 + x0]!;
      const d = src[r1 + x1]!;
      if (a === b && a === c && a === d) {
        if (a > min) out[y * tw + x] = 1;
        continue;
      }
      const wx = across[x]!;
      const top = a + (b - a) * wx;
      const bottom = c + (d - c) * wx;
      if (Math.fround(top + (bottom - top) * wy) > min) out[y * tw + x] = 1;
    }
  }
  return out;
}

/** Dilation of a 0/1 mask by a (2r+1)² square (separable running maximum via box sums). */
export function dilate(mask: Float32Array, w: number, h: number, r: number): Float32Array {
  const m = boxMean(mask, w, h, r);
  const out = new Float32Array(w * h);
  for (let i = 0; i < m.length; i++) out[i] = m[i]! > 1e-6 ? 1 : 0;
  return out;
}

/**
 * Distance (px, chamfer 1/√2, within ~8 % of Euclidean) from every pixel to the nearest
 * pixel where `mask` is set (0 there): two raster passes, O(pixels).
 */
export function distanceTo(mask: Uint8Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) d[i] = mask[i] ? 0 : 1e9;
  // (Each pass a function of its own: one loop each for V8 to optimise.)
  chamferForward(d, w, h);
  chamferBackward(d, w, h);
  return d;
}

/**
 * The passes handle each row's first and last pixels apart so the loop over the rest has
 * no bounds tests, and carry the row above's three taps along in locals (the same
 * candidates and the same minimum as a test per neighbour: only faster).
 */
function chamferForward(d: Float32Array, w: number, h: number): void {
  const D = Math.SQRT2;
  for (let x = 1; x < w; x++) {
    const v = d[x - 1]! + 1;
    if (v < d[x]!) d[x] = v;
  }
  for (let y = 1; y < h; y++) {
    const row = y * w;
    const up = row - w;
    // x = 0: the pixel above and above-right.
    let v = d[row]!;
    let c = d[up]! + 1;
    if (c < v) v = c;
    if (w > 1) {
      c = d[up + 1]! + D;
      if (c < v) v = c;
    }
    d[row] = v;
    if (w === 1) continue;
    let upLeft = d[up]!;
    let upMid = d[up + 1]!;
    let left = d[row]!;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      const upRight = d[up + x + 1]!;
      v = d[i]!;
      c = left + 1;
      if (c < v) v = c;
      c = upMid + 1;
      if (c < v) v = c;
      c = upLeft + D;
      if (c < v) v = c;
      c = upRight + D;
      if (c < v) v = c;
      d[i] = v;
      left = d[i]!;
      upLeft = upMid;
      upMid = upRight;
    }
    // x = w − 1: no pixel above-right.
    const i = row + w - 1;
    v = d[i]!;
    c = left + 1;
    if (c < v) v = c;
    c = upMid + 1;
    if (c < v) v = c;
    c = upLeft + D;
    if (c < v) v = c;
    d[i] = v;
  }
}

function chamferBackward(d: Float32Array, w: number, h: number): void {
  const D = Math.SQRT2;
  const last = (h - 1) * w;
  for (let x = w - 2; x >= 0; x--) {
    const v = d[last + x + 1]! + 1;
    if (v < d[last + x]!) d[last + x] = v;
  }
  for (let y = h - 2; y >= 0; y--) {
    const row = y * w;
    const down = row + w;
    // x = w − 1: the pixel below and below-left.
    let v = d[row + w - 1]!;
    let c = d[down + w - 1]! + 1;
    if (c < v) v = c;
    if (w > 1) {
      c = d[down + w - 2]! + D;
      if (c < v) v = c;
    }
    d[row + w - 1] = v;
    if (w === 1) continue;
    let downRight = d[down + w - 1]!;
    let downMid = d[down + w - 2]!;
    let right = d[row + w - 1]!;
    for (let x = w - 2; x > 0; x--) {
      const i = row + x;
      const downLeft = d[down + x - 1]!;
      v = d[i]!;
      c = right + 1;
      if (c < v) v = c;
      c = downMid + 1;
      if (c < v) v = c;
      c = downRight + D;
      if (c < v) v = c;
      c = downLeft + D;
      if (c < v) v = c;
      d[i] = v;
      right = d[i]!;
      downRight = downMid;
      downMid = downLeft;
    }
    // x = 0: no pixel below-left.
    v = d[row]!;
    c = right + 1;
    if (c < v) v = c;
    c = downMid + 1;
    if (c < v) v = c;
    c = downRight + D;
    if (c < v) v = c;
    d[row] = v;
  }
}
