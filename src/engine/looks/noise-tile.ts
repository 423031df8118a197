/**
 * Seeded noise tiles (256 × 256 signed bytes), generated once per render and sampled at a
 * per-frame offset: grain and tape noise that change every frame for the price of a table
 * lookup per pixel.
 */
import { randomFor } from './random.js';

export const TILE = 256;
const MASK = TILE - 1;

/**
 * A tile of zero-mean noise in [-127, 127], box-smoothed by `rx` × `ry` px (grain size;
 * a wide `rx` gives the horizontal streaks of videotape noise), normalised to unit spread.
 */
export function noiseTile(seed: number, channel: number, rx: number, ry: number): Int8Array {
  const rand = randomFor(seed, channel);
  const white = new Float32Array(TILE * TILE);
  for (let i = 0; i < white.length; i++) white[i] = rand() - 0.5;
  const smooth = new Float32Array(TILE * TILE);
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      let s = 0;
      for (let j = 0; j < ry; j++) for (let i = 0; i < rx; i++) s += white[((y + j) & MASK) * TILE + ((x + i) & MASK)]!;
      smooth[y * TILE + x] = s;
    }
  }
  let sq = 0;
  for (const v of smooth) sq += v * v;
  const scale = 40 / Math.sqrt(sq / smooth.length);
  const tile = new Int8Array(TILE * TILE);
  for (let i = 0; i < tile.length; i++) tile[i] = Math.max(-127, Math.min(127, Math.round(smooth[i]! * scale)));
  return tile;
}
