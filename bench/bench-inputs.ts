/** Generated benchmark inputs (nothing committed): a soft-dot test chart and a "photo". */
import sharp from 'sharp';
import { makeSampleImage } from '../src/engine/previews/sample-image.js';

/** Dot spacing of the chart in picture pixels; dots sit at the centres of the tiles. */
export const CHART_SPACING = 100;
/** Gaussian σ of a dot, its peak over the ground, and the ground's grey level. */
export const CHART_SIGMA = 12;
export const CHART_PEAK = 200;
export const CHART_GROUND = 30;

/** A width×height JPEG of soft white dots (Gaussian, σ = 12 px) on a dark grey ground. */
export async function makeDotChart(width: number, height: number): Promise<Buffer> {
  const tile = CHART_SPACING;
  const sigma = CHART_SIGMA;
  const t = Buffer.alloc(tile * tile);
  for (let y = 0; y < tile; y++) {
    for (let x = 0; x < tile; x++) {
      const d2 = (x - tile / 2 + 0.5) ** 2 + (y - tile / 2 + 0.5) ** 2;
      t[y * tile + x] = Math.round(CHART_GROUND + CHART_PEAK * Math.exp(-d2 / (2 * sigma * sigma)));
    }
  }
  const tileImg = await sharp(t, { raw: { width: tile, height: tile, channels: 1 } })
    .png()
    .toBuffer();
  return sharp({
    create: { width, height, channels: 3, background: { r: CHART_GROUND, g: CHART_GROUND, b: CHART_GROUND } },
  })
    .composite([{ input: tileImg, tile: true, left: 0, top: 0 }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** The sample picture upscaled to width×height with fine grain, as a JPEG (a stand-in photo). */
export async function makePhoto(width: number, height: number): Promise<Buffer> {
  const base = await sharp(await makeSampleImage())
    .resize(width, height, { fit: 'cover' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const px = base.data;
  let s = 12345;
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    px[i] = Math.max(0, Math.min(255, px[i]! + ((s >>> 24) % 17) - 8));
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}
