/**
 * Where a picture's light comes from: the brightest soft region of the part of the picture
 * the first frame shows, found on a small copy of the coarsest mip level. Falls back to the
 * upper corner of the first frame when the picture is flat (no region stands out).
 */
import { createCanvas } from '../canvas.js';
import { applyAffine, invertAffine, type Affine } from '../maths/affine.js';
import type { LookPicture } from './surface.js';

const GRID = 48;
/** How far (0–255 luma) the brightest region must stand above the median to count. */
const STANDS_OUT = 28;

/** The light source in picture px, given the first frame's transform and output size. */
export function brightSpot(
  picture: LookPicture | undefined,
  anchorStart: Affine,
  width: number,
  height: number,
): [number, number] {
  const inv = invertAffine(anchorStart);
  const fallback = applyAffine(inv, width * 0.8, height * 0.14);
  if (!picture) return fallback;
  const level = picture.levels[picture.levels.length - 1]!;
  const toPicture = 2 ** (picture.levels.length - 1) / picture.scale;
  const gw = GRID;
  const gh = Math.max(4, Math.round((GRID * level.height) / level.width));
  const small = createCanvas(gw, gh);
  const sctx = small.getContext('2d', { alpha: false });
  sctx.imageSmoothingEnabled = true;
  sctx.drawImage(level, 0, 0, gw, gh);
  const data = small.data();
  const luma = new Float32Array(gw * gh);
  for (let i = 0; i < luma.length; i++)
    luma[i] = 0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!;
  let best = -1;
  let bx = 0;
  let by = 0;
  const visible: number[] = [];
  for (let y = 1; y < gh - 1; y++) {
    for (let x = 1; x < gw - 1; x++) {
      const px = ((x + 0.5) / gw) * level.width * toPicture;
      const py = ((y + 0.5) / gh) * level.height * toPicture;
      const [ox, oy] = applyAffine(anchorStart, px, py);
      // Only what the first frame shows, away from its very edge.
      if (ox < width * 0.02 || oy < height * 0.02 || ox > width * 0.98 || oy > height * 0.98) continue;
      // A region, not one glinting pixel, but a light is a peak: a small sun in a sky must
      // beat a large, evenly lit face (peak-weighted 3 × 3 neighbourhood).
      let mean = 0;
      let peak = 0;
      for (let j = -1; j <= 1; j++) {
        for (let i = -1; i <= 1; i++) {
          const v = luma[(y + j) * gw + x + i]!;
          mean += v;
          peak = Math.max(peak, v);
        }
      }
      const s = 0.7 * peak + 0.3 * (mean / 9);
      visible.push(s);
      if (s > best) [best, bx, by] = [s, px, py];
    }
  }
  if (visible.length === 0) return fallback;
  visible.sort((a, b) => a - b);
  const median = visible[visible.length >> 1]!;
  return best - median >= STANDS_OUT ? [bx, by] : fallback;
}
