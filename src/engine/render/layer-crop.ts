/**
 * The part of a mip level a cropped layer draws (a band of the ground's rows, a standing
 * span's columns above its feet): the crop in picture px scaled to the level by `k`, one
 * pixel longer below and to the right so that neighbouring crops overlap rather than part.
 */
import type { FrameLayer } from './frame-plan.js';

/** A layer's crop of its source: rows and/or columns (picture px). */
export type LayerCrop = Pick<FrameLayer, 'rows' | 'cols'>;

/** The rectangle [x, y, w, h] of a `width`×`height` level holding `crop` (scaled by `k`). */
export function cropRect(width: number, height: number, crop: LayerCrop, k: number): [number, number, number, number] {
  const span = (range: [number, number] | undefined, size: number): [number, number] => {
    if (!range) return [0, size];
    const a = Math.max(0, Math.min(size - 1, Math.floor(range[0] * k)));
    const b = Math.max(a + 1, Math.min(size, Math.ceil(range[1] * k) + 1));
    return [a, b];
  };
  const [x0, x1] = span(crop.cols, width);
  const [y0, y1] = span(crop.rows, height);
  return [x0, y0, x1 - x0, y1 - y0];
}
