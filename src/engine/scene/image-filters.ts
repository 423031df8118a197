/**
 * Small float-image filters the scene estimate is built from: box mean, the guided filter
 * (He et al. 2010: an edge-aware smoothing whose output follows the guide's edges, used to
 * snap a rough matte onto the picture), bilinear resampling and dilation. Single-channel
 * Float32 images, row-major; everything runs in O(pixels) whatever the radius.
 */

/** Mean over a (2r+1)² window, clamped at the borders (two running-sum passes). */
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
  for (let x = 0; x < w; x++) {
    let sum = 0;
    for (let y = -r; y <= r; y++) sum += tmp[Math.min(h - 1, Math.max(0, y)) * w + x]!;
    for (let y = 0; y < h; y++) {
      out[y * w + x] = sum * norm;
      sum += tmp[Math.min(h - 1, y + r + 1) * w + x]! - tmp[Math.max(0, y - r) * w + x]!;
    }
  }
  return out;
}

/** Guided filter of `p` by the grey guide `I` (both 0..1): follows I's edges, smooths elsewhere. */
export function guidedFilter(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
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

/** Bilinear resampling of a single-channel image to `tw` × `th` (pixel centres aligned). */
export function resample(src: Float32Array, w: number, h: number, tw: number, th: number): Float32Array {
  const out = new Float32Array(tw * th);
  const sx = w / tw;
  const sy = h / th;
  for (let y = 0; y < th; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(h - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < tw; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(w - 1, x0 + 1);
      const wx = fx - x0;
      const top = src[y0 * w + x0]! + (src[y0 * w + x1]! - src[y0 * w + x0]!) * wx;
      const bottom = src[y1 * w + x0]! + (src[y1 * w + x1]! - src[y1 * w + x0]!) * wx;
      out[y * tw + x] = top + (bottom - top) * wy;
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

/** Grey level (0..1) of packed pixels with `channels` per pixel. */
export function greyOf(px: Uint8Array, w: number, h: number, channels: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    const o = i * channels;
    out[i] = (0.299 * px[o]! + 0.587 * px[o + 1]! + 0.114 * px[o + 2]!) / 255;
  }
  return out;
}
