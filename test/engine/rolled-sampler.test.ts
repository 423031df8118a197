/**
 * The rolled sampler (src/engine/render/rolled-sampler.ts) draws rolled frames instead of
 * Skia: the picture must be Skia's within rounding, ground bands must still meet without a
 * gap, and the committed module must be its source's compilation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FramePainter, type PainterSource } from '../../src/engine/render/frame-painter.js';
import type { FrameInstructions, FrameLayer } from '../../src/engine/render/frame-plan.js';
import type { Affine } from '../../src/engine/maths/affine.js';
import { ROLLED_SAMPLER_WASM } from '../../src/engine/render/rolled-sampler-wasm.js';

const W = 320;
const H = 180;

/** A w × h picture with detail at every scale (and, when `matte`, a soft disc of alpha). */
function picture(w: number, h: number, matte = false): PainterSource {
  const pixels = new SharedArrayBuffer(w * h * 4);
  const p = new Uint8Array(pixels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      p[i] = 128 + 100 * Math.sin(x * 0.31) * Math.cos(y * 0.17);
      p[i + 1] = 64 + ((x * 7 + y * 3) & 127); // never near the sentinel magenta
      p[i + 2] = (x ^ y) & 255;
      const r = Math.hypot(x - w / 2, y - h / 2) / (h * 0.35);
      p[i + 3] = matte ? Math.max(0, Math.min(255, Math.round((1.2 - r) * 400))) : 255;
    }
  }
  return { scale: 1, levels: [{ width: w, height: h, pixels }], ...(matte && { transparent: true }) };
}

/** Scale `k`, roll `deg` about the frame's centre, then a shift. */
function rolled(k: number, deg: number, dx = 0, dy = 0, shear = 0): Affine {
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a) * k;
  const s = Math.sin(a) * k;
  return [
    c,
    s,
    -s + shear * c,
    c + shear * s,
    W / 2 - (c * 200 + (-s + shear * c) * 120) + dx,
    H / 2 - (s * 200 + (c + shear * s) * 120) + dy,
  ];
}

function frame(layers: FrameLayer[]): FrameInstructions {
  return { index: 1, layers, blur: 0, focus: [W / 2, H / 2], fisheye: 0 };
}

function paint(sources: PainterSource[], f: FrameInstructions, rolledSampler: boolean, fill?: string): Uint8Array {
  const out = new Uint8Array(W * H * 4);
  new FramePainter(sources, W, H, { rolled: rolledSampler, ...(fill && { fill }) }).paint(f, out);
  return out;
}

describe('rolled sampler', () => {
  const sources = [picture(400, 240), picture(400, 240, true)];
  // A far background, two ground bands with their own shear, and a matted subject, with a
  // second and third motion-blur sample (opacity 1/2, 1/3) on the background.
  const layers: FrameLayer[] = [
    {
      source: 0,
      alpha: 1,
      rows: [0, 130],
      samples: [rolled(1.1, 2.5), rolled(1.1, 2.6, 0.7, 0.2), rolled(1.1, 2.7, 1.4, 0.4)],
    },
    { source: 0, alpha: 1, join: true, rows: [130, 180], samples: [rolled(1.1, 2.5, 0, 0, -0.05)] },
    { source: 0, alpha: 1, join: true, rows: [180, 240], samples: [rolled(1.1, 2.5, 0, 0, -0.12)] },
    { source: 1, alpha: 1, join: true, samples: [rolled(1.15, 2.5, -3, 1)] },
  ];

  it('paints a rolled frame as Skia does, within rounding', () => {
    const ours = paint(sources, frame(layers), true);
    const skia = paint(sources, frame(layers), false);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < ours.length; i++) {
      if (i % 4 === 3) continue;
      const d = Math.abs(ours[i]! - skia[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    const mean = sum / ((ours.length * 3) / 4);
    assert.ok(mean < 0.6, `mean difference ${mean.toFixed(3)}`);
    // The largest differences lie along the ground bands' joins, where a band's anti-aliased
    // edge is blended over the band before it (both show nearly the same picture there).
    assert.ok(max <= 16, `largest difference ${max}`);
  });

  it('leaves no gap where the ground bands meet, nor at the horizon', () => {
    const sentinel = paint(sources, frame(layers.slice(0, 3)), true, 'rgb(255,0,255)');
    let through = 0;
    for (let i = 0; i < sentinel.length; i += 4) {
      // Magenta, or a blend with it along a seam.
      if (sentinel[i]! > 200 && sentinel[i + 1]! < 60 && sentinel[i + 2]! > 200) through++;
    }
    assert.equal(through, 0);
  });

  it('leaves a level wider than its fixed point to Skia', () => {
    const wide = [picture(16400, 8)];
    const m: Affine = [0.03, 0.02 * 0.03, -0.02 * 30, 30, -80, -20];
    const f = frame([{ source: 0, alpha: 1, samples: [m] }]);
    assert.deepEqual(paint(wide, f, true), paint(wide, f, false));
  });

  it('is the compilation of rolled-sampler.wat', async () => {
    const build = (await import('../../scripts/build-sampler.mjs' as string)) as {
      compileSampler(): Promise<Buffer>;
    };
    assert.ok((await build.compileSampler()).equals(Buffer.from(ROLLED_SAMPLER_WASM, 'base64')));
  });
});
