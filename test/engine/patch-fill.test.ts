/**
 * The texture of a filled hole (patch-fill.ts through inpaintHole): behind a subject
 * standing before a textured background (a crowd, foliage, stripes) the revealed fill must
 * carry that texture on, not a flat smear of its mean that reads as a shadow cut-out; and
 * only the known background is a source.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { inpaintHole } from '../../src/engine/scene/inpaint.js';

const W = 240;
const H = 180;
const DISC = { x: 120, y: 95, r: 45 };

/** Vertical stripes (8 px period, soft) with a little noise, and a red subject disc. */
function stripedScene(): { rgba: Uint8Array; hole: Uint8Array } {
  const rand = mulberry32(11);
  const rgba = new Uint8Array(W * H * 4);
  const hole = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const s = 0.5 + 0.5 * Math.sin((2 * Math.PI * x) / 8);
      const g = 70 + 120 * s + 16 * (rand() - 0.5);
      rgba.set([Math.round(g * 0.8), Math.round(g), Math.round(g * 0.9), 255], i * 4);
      if (Math.hypot(x + 0.5 - DISC.x, y + 0.5 - DISC.y) < DISC.r) {
        hole[i] = 1;
        rgba.set([230, 20, 20, 255], i * 4);
      }
    }
  }
  return { rgba, hole };
}

const luma = (p: Uint8Array, i: number): number => 0.299 * p[i * 4]! + 0.587 * p[i * 4 + 1]! + 0.114 * p[i * 4 + 2]!;

function stats(v: number[]): { mean: number; sd: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, sd: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
}

describe('patch fill: the texture behind the subject', () => {
  it('carries a striped background on into the hole (not a flat mean), from known pixels only', () => {
    const { rgba, hole } = stripedScene();
    const before = Uint8Array.from(rgba);
    inpaintHole(rgba, W, H, hole);
    // The band a depth move reveals: up to 14 px inside the hole's edge, against the same
    // band just outside it.
    const inside: number[] = [];
    const outside: number[] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = Math.hypot(x + 0.5 - DISC.x, y + 0.5 - DISC.y) - DISC.r;
        const i = y * W + x;
        if (d < 0 && d > -14) inside.push(luma(rgba, i));
        if (d >= 2 && d < 16) outside.push(luma(rgba, i));
        if (hole[i]) {
          // Nothing of the subject's red comes in.
          assert.ok(rgba[i * 4]! - rgba[i * 4 + 1]! < 40, `pixel ${i} took the subject's colour`);
        } else assert.deepEqual([...rgba.subarray(i * 4, i * 4 + 4)], [...before.subarray(i * 4, i * 4 + 4)]);
      }
    }
    const a = stats(inside);
    const b = stats(outside);
    assert.ok(Math.abs(a.mean - b.mean) < 12, `fill mean ${a.mean.toFixed(1)} vs ${b.mean.toFixed(1)} around`);
    assert.ok(a.sd > 0.8 * b.sd, `fill texture sd ${a.sd.toFixed(1)} vs ${b.sd.toFixed(1)} around: a flat smear`);
  });

  it('is deterministic', () => {
    const one = stripedScene();
    const two = stripedScene();
    inpaintHole(one.rgba, W, H, one.hole);
    inpaintHole(two.rgba, W, H, two.hole);
    assert.deepEqual(one.rgba, two.rgba);
  });
});
