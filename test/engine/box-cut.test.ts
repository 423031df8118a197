import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { cutObject } from '../../src/engine/scene/box-cut.js';

/** A w × h picture: noisy background, and where `inside` holds, a noisy object colour. */
function picture(w: number, h: number, inside: (x: number, y: number) => [number, number, number] | undefined) {
  const rand = mulberry32(3);
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const c = inside(x, y) ?? [90, 110, 70];
      for (let k = 0; k < 3; k++) rgb[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, c[k]! + (rand() - 0.5) * 20));
    }
  return rgb;
}

const W = 120;
const H = 90;
const crop = { x0: 0, y0: 0, x1: W, y1: H };

describe('box cut', () => {
  it('cuts a disc out of a box around it', () => {
    const disc = (x: number, y: number): boolean => (x - 60) ** 2 + (y - 45) ** 2 < 20 ** 2;
    const rgb = picture(W, H, (x, y) => (disc(x, y) ? [200, 60, 50] : undefined));
    const mask = cutObject(rgb, W, H, { x0: 36, y0: 21, x1: 84, y1: 69 }, crop)!;
    let wrong = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) wrong += mask[y * W + x] !== (disc(x, y) ? 1 : 0) ? 1 : 0;
    assert.ok(wrong < 0.04 * Math.PI * 20 * 20, `${wrong} pixels wrong`);
  });
  it('takes a part of the object past a tight box (a saucer under a cup), not the background', () => {
    // A cup (box) on a saucer of another colour that reaches past the box, on a table.
    const cup = (x: number, y: number): boolean => x >= 48 && x < 72 && y >= 25 && y < 55;
    const saucer = (x: number, y: number): boolean => ((x - 60) / 34) ** 2 + ((y - 58) / 14) ** 2 < 1;
    const rgb = picture(W, H, (x, y) => (cup(x, y) ? [220, 220, 210] : saucer(x, y) ? [170, 40, 40] : undefined));
    const mask = cutObject(rgb, W, H, { x0: 46, y0: 23, x1: 74, y1: 57 }, crop)!;
    let saucerOut = 0;
    let saucerAll = 0;
    let tableIn = 0;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        if (saucer(x, y) && !cup(x, y)) {
          saucerAll++;
          saucerOut += mask[i] ? 0 : 1;
        } else if (!cup(x, y) && !saucer(x, y)) tableIn += mask[i]!;
      }
    assert.ok(saucerOut < 0.1 * saucerAll, `${saucerOut} of ${saucerAll} saucer pixels left out`);
    assert.ok(tableIn < 40, `${tableIn} table pixels taken`);
  });
});
