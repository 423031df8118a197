import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { distanceTo, resample, resampleAbove } from '../../src/engine/scene/image-filters.js';

/** The chamfer distance written plainly: a bounds test per neighbour, two raster passes. */
function plainChamfer(mask: Uint8Array, w: number, h: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) d[i] = mask[i] ? 0 : 1e9;
  const D = Math.SQRT2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - w]! + 1);
        if (x > 0) v = Math.min(v, d[i - w - 1]! + D);
        if (x < w - 1) v = Math.min(v, d[i - w + 1]! + D);
      }
      d[i] = v;
    }
  for (let y = h - 1; y >= 0; y--)
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = d[i]!;
      if (x < w - 1) v = Math.min(v, d[i + 1]! + 1);
      if (y < h - 1) {
        v = Math.min(v, d[i + w]! + 1);
        if (x < w - 1) v = Math.min(v, d[i + w + 1]! + D);
        if (x > 0) v = Math.min(v, d[i + w - 1]! + D);
      }
      d[i] = v;
    }
  return d;
}

describe('image filters', () => {
  it('distanceTo is the plain two-pass chamfer distance, to the bit (1-px strips and squares too)', () => {
    const rand = mulberry32(11);
    const sizes: [number, number][] = [
      [1, 1],
      [1, 7],
      [7, 1],
      [2, 2],
      [2, 9],
      [9, 2],
    ];
    for (let t = 0; t < 60; t++) sizes.push([1 + Math.floor(rand() * 60), 1 + Math.floor(rand() * 60)]);
    for (const [w, h] of sizes) {
      const p = rand() * 0.1;
      const mask = new Uint8Array(w * h).map(() => (rand() < p ? 1 : 0));
      assert.deepEqual(distanceTo(mask, w, h), plainChamfer(mask, w, h), `${w}×${h}`);
    }
  });

  it('resampleAbove marks exactly where resample is over the threshold (masks and soft images, up and down)', () => {
    const rand = mulberry32(5);
    for (let t = 0; t < 80; t++) {
      const w = 1 + Math.floor(rand() * 40);
      const h = 1 + Math.floor(rand() * 40);
      const tw = 1 + Math.floor(rand() * 90);
      const th = 1 + Math.floor(rand() * 90);
      const soft = t % 2 === 1;
      const src = new Float32Array(w * h).map(() => (rand() < 0.3 ? (soft ? rand() : 1) : 0));
      const want = resample(src, w, h, tw, th);
      const got = resampleAbove(src, w, h, tw, th, 0.01);
      for (let i = 0; i < want.length; i++)
        assert.equal(got[i], want[i]! > 0.01 ? 1 : 0, `${w}×${h} → ${tw}×${th} at ${i}`);
    }
  });
});
