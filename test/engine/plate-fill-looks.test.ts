/**
 * What the fill behind a subject looks like once a depth move reveals it, on synthetic
 * pictures that reproduce the mechanisms seen on real photographs (issue 13): each test
 * names the photo and the defect it stands for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inpaintHole } from '../../src/engine/scene/inpaint.js';
import { buildLayers } from '../../src/engine/scene/scene-sources.js';
import type { SubjectMatte } from '../../src/engine/scene/subject-matte.js';
import type { DecodedSource } from '../../src/engine/render/source-image.js';

const RED = [190, 30, 40];
const WHITE = [235, 230, 230];
const BACKDROP = [200, 195, 190];

function sd(v: number[]): number {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
}

describe('plate fill: things beside the subject stay beside it', () => {
  // astronaut.png: a flag's red and white stripes end at the body's left side, a plain
  // backdrop is right of it; the row fill ran every stripe across the hole.
  it('does not carry a flag’s stripes across the hole when the other side is a plain backdrop', () => {
    const W = 320;
    const H = 200;
    const rgba = new Uint8Array(W * H * 4);
    const hole = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const colour = x < 70 ? (Math.floor(y / 12) % 2 ? RED : WHITE) : BACKDROP;
        rgba.set([...colour, 255], i * 4);
        // The subject: a body from below the top to the bottom edge.
        if (x >= 70 && x < 200 && y >= 50) {
          hole[i] = 1;
          rgba.set([230, 120, 40, 255], i * 4);
        }
      }
    }
    inpaintHole(rgba, W, H, hole);
    // Deeper in than the copied texture reaches: how much the redness swings from row to row.
    const swing: number[] = [];
    for (let x = 110; x < 170; x += 4) {
      const redness: number[] = [];
      for (let y = 90; y < 190; y++) redness.push(rgba[(y * W + x) * 4]! - rgba[(y * W + x) * 4 + 1]!);
      swing.push(sd(redness));
    }
    const mean = swing.reduce((s, v) => s + v, 0) / swing.length;
    assert.ok(mean < 8, `the flag's stripes run into the hole: redness swings by ${mean.toFixed(1)} down a column`);
  });
});

describe('plate fill: the subject’s missed edge rides with it', () => {
  // rocket.jpg, astronaut.png: a dark rail along a white rocket, the pale rim of a collar
  // ring: a strip along the subject's edge that its matte left out and whose colour does not
  // lie between the subject's and the backdrop's, so nothing claimed it. Given back to the
  // plate, it stayed behind as the subject's outline drawn on the fill once the camera
  // moved, and the subject lacked it.
  const W = 480;
  const H = 270;
  const R = 60;
  const RIM = 3;
  const cx = 240;
  const cy = 135;
  const BACK = [30, 60, 120];
  const RAIL = [12, 10, 14];
  const distance = (x: number, y: number): number => Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
  function railScene(): DecodedSource {
    const px = new Uint8Array(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = distance(x, y);
        const core = Math.min(1, Math.max(0, R + 0.5 - d));
        const edge = Math.min(1, Math.max(0, R + RIM + 0.5 - d));
        const o = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) {
          const fg = [240, 238, 230][c]! * core + RAIL[c]! * (1 - core);
          px[o + c] = Math.round(fg * edge + BACK[c]! * (1 - edge));
        }
        px[o + 3] = 255;
      }
    }
    const pixels = new SharedArrayBuffer(px.length);
    new Uint8Array(pixels).set(px);
    return { scale: 1, levels: [{ width: W, height: H, pixels }] };
  }
  /** The matte as a segmentation would give it: the white core only, soft over a thumbnail pixel. */
  function coreMatte(): SubjectMatte {
    const tw = 192;
    const th = Math.round((tw * H) / W);
    const s = W / tw;
    const alpha = new Float32Array(tw * th);
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const d = Math.hypot((x + 0.5) * s - cx, (y + 0.5) * s - cy) - R;
        alpha[y * tw + x] = Math.min(1, Math.max(0, 0.5 - d / s));
      }
    }
    return { width: tw, height: th, alpha };
  }

  it('takes a dark rail along a white subject into the subject, leaving the backdrop on the plate', async () => {
    const source = railScene();
    const picture = new Uint8Array(source.levels[0]!.pixels.slice(0));
    const [plate, subject] = await buildLayers(source, coreMatte());
    const P = new Uint8Array(plate.levels[0]!.pixels);
    const S = new Uint8Array(subject.levels[0]!.pixels);
    let railPx = 0;
    let ghost = 0;
    let worst = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 4;
        const d = distance(x, y);
        if (d > R + 1 && d < R + RIM) {
          railPx++;
          const toRail = Math.hypot(P[o]! - RAIL[0]!, P[o + 1]! - RAIL[1]!, P[o + 2]! - RAIL[2]!);
          const toBack = Math.hypot(P[o]! - BACK[0]!, P[o + 1]! - BACK[1]!, P[o + 2]! - BACK[2]!);
          if (toRail < toBack) ghost++;
        }
        const a = S[o + 3]! / 255;
        for (let c = 0; c < 3; c++)
          worst = Math.max(worst, Math.abs(a * S[o + c]! + (1 - a) * P[o + c]! - picture[o + c]!));
      }
    }
    assert.ok(ghost < 0.05 * railPx, `${ghost} of ${railPx} plate pixels under the missed rail keep its colour`);
    assert.ok(worst <= 2, `at rest the composite is ${worst.toFixed(1)} levels off the picture`);
  });
});
