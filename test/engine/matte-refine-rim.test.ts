/**
 * The matte refinement (matte-refine.ts) on a thin rim the rough matte rightly took in
 * (astronaut.png's collar ring: a pale lilac rim round a dark inside, before a pale
 * backdrop). The rim's colour is in neither side's model (too near the outline everywhere
 * to be in the subject's core, and no backdrop's), only nearer the backdrop's greys than the
 * dark inside; the refinement cut it off, which notched the ring and left its rim on the
 * plate as a ghost once the camera moved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { refineMatte } from '../../src/engine/scene/matte-refine.js';

const W = 220;
const H = 220;
const C = 110;
const R = 60;
const RIM = 5;
const UNIT = 2;

function rimPicture(): { rgba: Uint8Array; rough: Float32Array } {
  const rand = mulberry32(3);
  const rgba = new Uint8Array(W * H * 4);
  const rough = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const d = Math.hypot(x + 0.5 - C, y + 0.5 - C);
      const n = 6 * (rand() - 0.5);
      // The backdrop: pale above, a mid grey below (both in the ring its model is drawn from).
      let c = y < C ? [205, 203, 206] : [185, 180, 188];
      if (d < R + RIM) c = [140, 128, 146];
      if (d < R) c = [20, 15, 22];
      rgba.set(
        [c[0]! + n, c[1]! + n, c[2]! + n, 255].map((v) => Math.round(v)),
        i * 4,
      );
      // The segmentation's matte: the ring with its rim, soft over a thumbnail pixel.
      rough[i] = Math.min(1, Math.max(0, 0.5 - (d - (R + RIM)) / UNIT));
    }
  }
  return { rgba, rough };
}

describe('matte refinement: a thin rim of a colour neither side holds', () => {
  it('keeps the rim the rough matte took in', () => {
    const { rgba, rough } = rimPicture();
    const { subject } = refineMatte(rgba, W, H, rough, UNIT);
    let rim = 0;
    let kept = 0;
    let backdrop = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = Math.hypot(x + 0.5 - C, y + 0.5 - C);
        if (d > R + 1 && d < R + RIM - 1) {
          rim++;
          kept += subject[y * W + x]!;
        }
        if (d > R + RIM + 1.5) backdrop += subject[y * W + x]!;
      }
    }
    assert.ok(kept > 0.95 * rim, `${kept} of ${rim} rim pixels kept`);
    assert.equal(backdrop, 0, 'backdrop taken for the subject');
  });
});
