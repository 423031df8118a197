/**
 * The picture the vision models look at (packed RGB at analysis size) and the letterbox
 * that fits a region of it into a model's square input without distorting it, with the
 * mapping back from model pixels to picture pixels.
 */
import type { Tensor4D } from '@tensorflow/tfjs';
import type { tfReady } from './tf-runtime.js';

type Tf = Awaited<ReturnType<typeof tfReady>>;

export interface RgbPicture {
  /** Packed RGB, 3 bytes a pixel. */
  data: Uint8Array;
  width: number;
  height: number;
}

/** An axis-aligned box in picture pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Model pixel (u, v) ↔ picture pixel (x, y): x = x0 + u · scale, y = y0 + v · scale. */
export interface Letterbox {
  x0: number;
  y0: number;
  scale: number;
  /** The model input's width and height (px). */
  width: number;
  height: number;
}

/** The clamped integer crop of `region` in `picture`. */
function cropOf(picture: RgbPicture, region: Box): { rx: number; ry: number; rw: number; rh: number } {
  const rx = Math.max(0, Math.floor(region.x));
  const ry = Math.max(0, Math.floor(region.y));
  const rw = Math.max(1, Math.min(picture.width - rx, Math.ceil(region.w)));
  const rh = Math.max(1, Math.min(picture.height - ry, Math.ceil(region.h)));
  return { rx, ry, rw, rh };
}

/**
 * The input size (each side a multiple of `step`, the long one at most `long`) that holds
 * `region` at the scale a `long` × `long` letterbox would: the square's margins cut away, so
 * a model that takes any input size (NanoDet) is not run on black padding.
 */
export function fittedInput(region: Box, long: number, step: number): { width: number; height: number } {
  const s = long / Math.max(region.w, region.h);
  const side = (v: number): number => Math.min(long, Math.max(step, Math.ceil((v * s - 0.5) / step) * step));
  return { width: side(region.w), height: side(region.h) };
}

/**
 * The `region` of `picture` scaled to fit a `size` × `size` square, or a width × height
 * input (centred, the margins black), as a float tensor [1, height, width, 3] of 0..255,
 * and the mapping back.
 */
export function letterbox(
  tf: Tf,
  picture: RgbPicture,
  region: Box,
  size: number | { width: number; height: number },
): { input: Tensor4D; map: Letterbox } {
  const { data, map } = letterboxPixels(picture, region, size);
  return { input: tf.tensor4d(data, [1, map.height, map.width, 3]), map };
}

/** letterbox's input as packed float RGB (0..255, the margins black), before it becomes a tensor. */
export function letterboxPixels(
  picture: RgbPicture,
  region: Box,
  size: number | { width: number; height: number },
): { data: Float32Array; map: Letterbox } {
  const { width: W, height: H } = typeof size === 'number' ? { width: size, height: size } : size;
  const { rx, ry, rw, rh } = cropOf(picture, region);
  const scale = Math.max(rw / W, rh / H); // picture px per model px
  const w = Math.max(1, Math.min(W, Math.round(rw / scale)));
  const h = Math.max(1, Math.min(H, Math.round(rh / scale)));
  const padX = Math.floor((W - w) / 2);
  const padY = Math.floor((H - h) / 2);
  // Resized here rather than in tfjs: uploading the whole analysis picture (as int32, then a
  // float copy of the crop) for a 416² or 256² input cost ~10–20 MB of wasm heap and a few
  // tens of ms per model run; the heap never shrinks, so it stayed in the process.
  const data = resizeBilinear(picture, rx, ry, rw, rh, w, h, { width: W, height: H }, padX, padY);
  return { data, map: { x0: rx - padX * scale, y0: ry - padY * scale, scale, width: W, height: H } };
}

/**
 * The crop (rx, ry, rw, rh) of `picture` resized to w × h, placed at (padX, padY) in a black
 * float RGB input of `size` (0..255). The same sampling as tfjs's
 * `resizeBilinear(crop, [h, w], alignCorners = false, halfPixelCenters = true)`, so the models
 * see the pixels they saw when the resize ran in tfjs.
 */
export function resizeBilinear(
  picture: RgbPicture,
  rx: number,
  ry: number,
  rw: number,
  rh: number,
  w: number,
  h: number,
  size: { width: number; height: number },
  padX: number,
  padY: number,
): Float32Array {
  const src = picture.data;
  const stride = picture.width * 3;
  const out = new Float32Array(size.width * size.height * 3);
  const rowRatio = rh / h;
  const colRatio = rw / w;
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const fxs = new Float64Array(w);
  for (let c = 0; c < w; c++) {
    const fx = colRatio * (c + 0.5) - 0.5;
    const lo = Math.max(0, Math.floor(fx));
    x0s[c] = (rx + lo) * 3;
    x1s[c] = (rx + Math.min(rw - 1, Math.ceil(fx))) * 3;
    fxs[c] = fx - lo;
  }
  for (let r = 0; r < h; r++) {
    const fy = rowRatio * (r + 0.5) - 0.5;
    const lo = Math.max(0, Math.floor(fy));
    const top = (ry + lo) * stride;
    const bottom = (ry + Math.min(rh - 1, Math.ceil(fy))) * stride;
    const ty = fy - lo;
    let o = ((padY + r) * size.width + padX) * 3;
    for (let c = 0; c < w; c++) {
      const a = x0s[c]!;
      const b = x1s[c]!;
      const tx = fxs[c]!;
      for (let k = 0; k < 3; k++) {
        const tl = src[top + a + k]!;
        const t = tl + (src[top + b + k]! - tl) * tx;
        const bl = src[bottom + a + k]!;
        const btm = bl + (src[bottom + b + k]! - bl) * tx;
        out[o++] = t + (btm - t) * ty;
      }
    }
  }
  return out;
}

/** A box in model pixels mapped back to picture pixels. */
export function boxToPicture(map: Letterbox, u: number, v: number, w: number, h: number): Box {
  return { x: map.x0 + u * map.scale, y: map.y0 + v * map.scale, w: w * map.scale, h: h * map.scale };
}

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter > 0 ? inter / (a.w * a.h + b.w * b.h - inter) : 0;
}
