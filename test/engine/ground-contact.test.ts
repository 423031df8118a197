/**
 * What stands on the ground, on synthetic pictures with a known answer: on a street whose
 * left wall's foot runs from the picture's left edge up to the street's end, the ground
 * contact follows that foot and puts the street's end on the horizon; an even picture with
 * nothing standing has none. In the plan, a wall standing on the ground moves as the ground
 * at its foot does (nearer than the far background in the same rows) and joins the ground
 * there without a tear.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCameraPath } from '../../src/engine/motion/camera-path.js';
import { findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../../src/engine/motion/prompt-modifiers.js';
import { buildRenderPlan, type FrameLayer } from '../../src/engine/render/frame-plan.js';
import { groundContact } from '../../src/engine/scene/ground-contact.js';
import { mulberry32 } from '../../src/engine/maths/prng.js';

const W = 192;
const H = 144;
const HORIZON = 0.6;
/** The left wall's foot: 0.9 of the height at the left edge, the horizon at 0.4 of the width. */
const wallFoot = (u: number): number => (u >= 0.4 ? HORIZON : 0.9 - ((0.9 - HORIZON) * u) / 0.4);

function street(): Uint8Array {
  const rand = mulberry32(11);
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const u = (x + 0.5) / W;
      const v = (y + 0.5) / H;
      const n = (rand() - 0.5) * 30;
      let c: [number, number, number];
      if (v >= wallFoot(u) && v >= HORIZON) c = [120 + n, 120 + n, 125 + n];
      else if (u < 0.4) c = [150 + n, 70 + n / 2, 50 + n / 2];
      else c = v < 0.3 ? [225, 228, 232] : [170 + n, 140 + n, 90 + n];
      rgb.set(
        c.map((k) => Math.max(0, Math.min(255, Math.round(k)))),
        (y * W + x) * 3,
      );
    }
  return rgb;
}

describe('ground contact', () => {
  it("follows a wall's foot and puts the street's end on the horizon", () => {
    const contact = groundContact(street(), W, H, HORIZON);
    assert.ok(contact, 'no ground contact found');
    const n = contact.feet.length;
    for (const u of [0.05, 0.15, 0.25, 0.35]) {
      const got = contact.feet[Math.floor(u * n)]!;
      assert.ok(Math.abs(got - wallFoot(u)) < 0.04, `foot at ${u}: ${got.toFixed(3)}, want ${wallFoot(u).toFixed(3)}`);
    }
    for (const u of [0.5, 0.7, 0.9])
      assert.ok(
        Math.abs(contact.feet[Math.floor(u * n)]! - HORIZON) < 1e-6,
        `the far side at ${u} stands at ${contact.feet[Math.floor(u * n)]!.toFixed(3)}, not on the horizon`,
      );
  });

  it('finds nothing standing on an even ground', () => {
    const rand = mulberry32(5);
    const rgb = Uint8Array.from({ length: W * H * 3 }, () => 100 + Math.round(rand() * 20));
    assert.equal(groundContact(rgb, W, H, HORIZON), undefined);
  });
});

describe('standing spans in the plan', () => {
  const g = { imageWidth: 1280, imageHeight: 720, outWidth: 640, outHeight: 360, focusX: 900, focusY: 300 };
  const feet = Float32Array.from({ length: 64 }, (_, c) => wallFoot((c + 0.5) / 64));
  const scene = { depths: [1.2], ground: { horizon: HORIZON, near: 0.8, feet } };
  const planOf = (name: string) =>
    buildRenderPlan({
      path: buildCameraPath({
        motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
        modifiers: DEFAULT_MODIFIERS,
        seed: 1,
        span: 2,
      }),
      frames: 25,
      fps: 12,
      maxSamples: 1,
      geometries: [g],
      scenes: [scene],
    });
  /** The topmost layer drawing picture point (x, y) and where it puts it (output px). */
  const drawn = (layers: FrameLayer[], x: number, y: number, skipSpans = false): [number, number] => {
    const layer = [...layers]
      .reverse()
      .find(
        (l) =>
          (!l.rows || (l.rows[0] <= y && y < l.rows[1])) &&
          (!l.cols || (l.cols[0] <= x && x < l.cols[1])) &&
          !(skipSpans && l.cols),
      )!;
    const m = layer.samples[0]!;
    return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
  };

  it('a wall stands as near as the ground at its foot: it slides more than the far side in its rows', () => {
    const plan = planOf('Dolly Right');
    const slide = (x: number, y: number): number =>
      drawn(plan.frameAt(24).layers, x, y)[0] - drawn(plan.frameAt(0).layers, x, y)[0];
    const wall = slide(0.1 * 1280, 0.3 * 720);
    const far = slide(0.7 * 1280, 0.3 * 720);
    const footRow = wallFoot(0.1) * 720;
    const ground = slide(0.1 * 1280, footRow + 2);
    assert.ok(Math.abs(wall) > 1.1 * Math.abs(far), `wall slid ${wall.toFixed(1)} px, far side ${far.toFixed(1)} px`);
    assert.ok(
      Math.abs(wall - ground) < 0.05 * Math.abs(wall),
      `wall slid ${wall.toFixed(1)} px, the ground at its foot ${ground.toFixed(1)} px`,
    );
  });

  it('joins the ground at its foot without a tear under Dolly In, and draws the picture at rest', () => {
    const plan = planOf('Dolly In');
    const first = plan.frameAt(0);
    assert.ok(first.rest, 'frame 0 is at rest');
    const last = plan.frameAt(24).layers;
    for (const u of [0.05, 0.2, 0.3]) {
      const x = u * 1280;
      const y = wallFoot(u) * 720 - 1;
      const [sx, sy] = drawn(last, x, y);
      const [gx, gy] = drawn(last, x, y, true);
      assert.ok(
        Math.hypot(sx - gx, sy - gy) < 1.5,
        `at ${u}: wall at (${sx.toFixed(1)}, ${sy.toFixed(1)}), ground (${gx.toFixed(1)}, ${gy.toFixed(1)})`,
      );
    }
  });
});
