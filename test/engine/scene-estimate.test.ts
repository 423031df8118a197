/**
 * The scene estimate on synthetic pictures with a known answer: a subject with a wide
 * horizon band of similar colour glued to it (the band stays out of the matte), flat or
 * subject-less pictures (one plane), and the fill behind the subject (textured like the
 * background around it, not a smooth smear).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inpaintHole } from '../../src/engine/scene/inpaint.js';
import { analyseSubject } from '../../src/engine/scene/subject-matte.js';
import { mulberry32 } from '../../src/engine/maths/prng.js';

const W = 192;
const H = 108;

/**
 * A landscape thumbnail: a blue→orange sky gradient, a glowing orange horizon band across
 * the whole width at head height, textured green ground, and a figure (skin-coloured head
 * much like the band, red body) standing in it.
 */
function bandScene(): {
  rgb: Uint8Array;
  figure: (x: number, y: number) => boolean;
  band: (x: number, y: number) => boolean;
} {
  const rand = mulberry32(7);
  const rgb = new Uint8Array(W * H * 3);
  const head = { x: 110, y: 46, r: 8 };
  const figure = (x: number, y: number): boolean =>
    Math.hypot(x - head.x, y - head.y) <= head.r || (y >= 53 && y <= 96 && Math.abs(x - head.x) <= 4 + (y - 53) * 0.25);
  const band = (_x: number, y: number): boolean => y >= 40 && y < 52;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = Math.min(1, y / 60);
      let c: [number, number, number] = [43 + 199 * t, 95 + 83 * t, 168 - 46 * t];
      if (band(x, y)) c = [245, 185, 130];
      if (y >= 60) {
        // Grass as a thumbnail shows it: gentle variation, not per-pixel noise.
        const g = 55 + 12 * Math.sin(x * 0.7 + y * 1.3) + 8 * (rand() - 0.5);
        c = [g * 0.6, g + 30, g * 0.4];
      }
      if (figure(x, y)) c = Math.hypot(x - head.x, y - head.y) <= head.r ? [241, 199, 161] : [194, 39, 45];
      rgb.set(
        c.map((v) => Math.round(v)),
        (y * W + x) * 3,
      );
    }
  }
  return { rgb, figure, band };
}

describe('scene estimate: subject matte', () => {
  it('keeps the figure and leaves out a horizon band of similar colour glued to its head', () => {
    const { rgb, figure, band } = bandScene();
    const r = analyseSubject(rgb, W, H);
    assert.equal(r.verdict, 'subject');
    const alpha = r.matte!.alpha;
    let figureIn = 0;
    let figureN = 0;
    let bandIn = 0;
    let bandN = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const a = alpha[y * W + x]!;
        if (figure(x, y)) [figureIn, figureN] = [figureIn + a, figureN + 1];
        else if (band(x, y) && Math.abs(x - 110) > 14) [bandIn, bandN] = [bandIn + a, bandN + 1];
      }
    }
    assert.ok(figureIn / figureN > 0.8, `figure coverage ${(figureIn / figureN).toFixed(2)}`);
    assert.ok(bandIn / bandN < 0.02, `band coverage ${(bandIn / bandN).toFixed(3)}`);
  });

  it('treats flat, gradient-only and evenly textured pictures as one plane', () => {
    const flat = new Uint8Array(W * H * 3).fill(120);
    const gradient = new Uint8Array(W * H * 3);
    const rand = mulberry32(3);
    const texture = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        gradient.set([40 + y, 80 + y, 200 - y], (y * W + x) * 3);
        const g = 40 + rand() * 150;
        texture.set([g, g * 0.9, g * 0.7], (y * W + x) * 3);
      }
    }
    for (const [name, px] of [
      ['flat', flat],
      ['gradient', gradient],
      ['texture', texture],
    ] as const) {
      const r = analyseSubject(px, W, H);
      assert.equal(r.matte, undefined, `${name}: ${r.verdict}`);
    }
  });
});

describe('scene estimate: fill behind the subject', () => {
  it('fills the hole with texture as lively as the background around it', () => {
    const w = 200;
    const h = 120;
    const rand = mulberry32(11);
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const g = 60 + rand() * 120;
      rgba.set([g, g * 0.8 + 20, g * 0.5, 255], i * 4);
    }
    const hole = new Uint8Array(w * h);
    for (let y = 20; y < 110; y++) for (let x = 70; x < 130; x++) hole[y * w + x] = 1;
    const before = Uint8Array.from(rgba);
    inpaintHole(rgba, w, h, hole);
    // Local variance (3×3) of the green channel inside the hole vs outside it.
    const localVar = (inHole: boolean): number => {
      let sum = 0;
      let n = 0;
      for (let y = 1; y < h - 1; y++) {
        for (let x = 1; x < w - 1; x++) {
          if (!!hole[y * w + x] !== inHole) continue;
          let m = 0;
          let m2 = 0;
          for (let dy = -1; dy <= 1; dy++)
            for (let dx = -1; dx <= 1; dx++) {
              const v = rgba[((y + dy) * w + x + dx) * 4 + 1]!;
              m += v;
              m2 += v * v;
            }
          sum += m2 / 9 - (m / 9) ** 2;
          n++;
        }
      }
      return sum / n;
    };
    const inside = localVar(true);
    const outside = localVar(false);
    assert.ok(inside > 0.6 * outside, `fill variance ${inside.toFixed(0)} vs background ${outside.toFixed(0)}`);
    // Known pixels stay exact.
    for (let i = 0; i < w * h; i++) if (!hole[i]) assert.equal(rgba[i * 4 + 1], before[i * 4 + 1]);
  });
});
