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
  size: number;
}

/**
 * The `region` of `picture` scaled to fit a `size` × `size` square (centred, the margins
 * black), as a float tensor [1, size, size, 3] of 0..255, and the mapping back.
 */
export function letterbox(tf: Tf, picture: RgbPicture, region: Box, size: number): { input: Tensor4D; map: Letterbox } {
  const rx = Math.max(0, Math.floor(region.x));
  const ry = Math.max(0, Math.floor(region.y));
  const rw = Math.max(1, Math.min(picture.width - rx, Math.ceil(region.w)));
  const rh = Math.max(1, Math.min(picture.height - ry, Math.ceil(region.h)));
  const scale = Math.max(rw, rh) / size; // picture px per model px
  const w = Math.max(1, Math.min(size, Math.round(rw / scale)));
  const h = Math.max(1, Math.min(size, Math.round(rh / scale)));
  const padX = Math.floor((size - w) / 2);
  const padY = Math.floor((size - h) / 2);
  const input = tf.tidy(() => {
    const whole = tf.tensor3d(picture.data, [picture.height, picture.width, 3], 'int32');
    const crop = tf.slice(whole, [ry, rx, 0], [rh, rw, 3]).toFloat();
    const resized = tf.image.resizeBilinear(crop, [h, w], false, true);
    return tf.pad(resized, [[padY, size - h - padY], [padX, size - w - padX], [0, 0]]).expandDims(0) as Tensor4D;
  });
  return { input, map: { x0: rx - padX * scale, y0: ry - padY * scale, scale, size } };
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
