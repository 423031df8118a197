/**
 * The tracker's floor: the dot chart rendered analytically (each output pixel centre mapped
 * back through the exact transform and the Gaussian dot evaluated there, no resampling of
 * pixels), so any jitter measured on it is the tracker's own (and, after x264, the codec's).
 */
import type { Affine } from '../src/engine/maths/affine.js';
import { CHART_SPACING, CHART_SIGMA, CHART_GROUND, CHART_PEAK } from './bench-inputs.js';

/** Grey frames of the chart seen through `transforms` (picture px → output px, no rotation). */
export function exactChartFrames(transforms: Affine[], width: number, height: number): Uint8Array[] {
  const g = (t: number): number => {
    // Distance to the nearest dot centre on one axis (centres at spacing/2 + k·spacing).
    const d = t - CHART_SPACING / 2 - Math.round((t - CHART_SPACING / 2) / CHART_SPACING) * CHART_SPACING;
    return Math.exp(-(d * d) / (2 * CHART_SIGMA * CHART_SIGMA));
  };
  return transforms.map((m) => {
    if (Math.abs(m[1]) > 1e-12 || Math.abs(m[2]) > 1e-12)
      throw new Error('exactChartFrames: rotation is not supported');
    const gx = new Float64Array(width);
    const gy = new Float64Array(height);
    for (let x = 0; x < width; x++) gx[x] = g((x + 0.5 - m[4]) / m[0]);
    for (let y = 0; y < height; y++) gy[y] = g((y + 0.5 - m[5]) / m[3]);
    const f = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const vy = gy[y]!;
      for (let x = 0; x < width; x++) f[row + x] = Math.round(CHART_GROUND + CHART_PEAK * gx[x]! * vy);
    }
    return f;
  });
}
