/**
 * The depth of a scene with ground contact and no subject, on synthetic pictures and feet:
 * which pictures stand their walls on the ground at all (sceneGround's gates: an eye level
 * under a row split, no subject layer), how near the ground comes for a travel (a dolly in
 * brings it nearer, a sideways travel keeps it as before, the centre of interest's foot
 * stays at depth 1 either way), and where a foot jumps (a low wall in front) the columns
 * beside each other do not part by more than the travel allows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { buildCameraPath } from '../../src/engine/motion/camera-path.js';
import { findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../../src/engine/motion/prompt-modifiers.js';
import { sceneGround } from '../../src/engine/scene/ground-contact.js';
import { groundDepthAt, sceneDepthAt } from '../../src/engine/scene/ground-plane.js';
import { estimateHorizon, eyeLevelHorizon } from '../../src/engine/scene/horizon.js';
import { limitFootSteps, pathReach, sceneDepth, type PathReach } from '../../src/engine/scene/scene-depth.js';

const W = 192;
const H = 144;
/** Where the corridor's lines meet (fractions of the picture). */
const VX = 0.5;
const VY = 0.62;

/** A corridor: brick walls whose courses run to (VX, VY), a floor below, sky above when asked. */
function corridor(o: { sky: boolean; floor: boolean }): Uint8Array {
  const rand = mulberry32(3);
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const u = (x + 0.5) / W;
      const v = (y + 0.5) / H;
      const n = (rand() - 0.5) * 20;
      const du = u - VX;
      const floorEdge = VY + Math.abs(du) * ((1 - VY) / 0.35);
      let c: number[];
      if (o.floor && v > floorEdge) c = [110 + n, 110 + n, 115 + n];
      else if (o.sky && v < 0.2) c = [225, 228, 232];
      else {
        const course = Math.floor(Math.atan2(v - VY, Math.abs(du) + 1e-6) / 0.09) % 2 === 0;
        c = course ? [150 + n, 70 + n / 2, 50 + n / 2] : [95 + n, 45 + n / 2, 35 + n / 2];
      }
      rgb.set(
        c.map((k) => Math.max(0, Math.min(255, Math.round(k)))),
        (y * W + x) * 3,
      );
    }
  return rgb;
}

describe("sceneGround's gates", () => {
  it('stands the walls of a corridor under a skyline on the ground, at the eye level', () => {
    const g = sceneGround(corridor({ sky: true, floor: true }), W, H, { layered: false });
    assert.equal(g.horizon.source, 'vanishing');
    assert.ok(Math.abs(g.horizon.row - VY) < 0.03, `eye level at ${g.horizon.row.toFixed(3)}, the lines meet at ${VY}`);
    assert.ok(g.contact, 'no ground contact');
    const feet = g.contact.feet;
    // The walls' feet run down the floor's edges: low at the sides, on the eye level in the middle.
    assert.ok(feet[0]! > 0.9 && feet[feet.length - 1]! > 0.9, 'the walls stand at the bottom at the sides');
    assert.ok(feet[Math.floor(feet.length / 2)]! < VY + 0.05, "the corridor's end stands on the eye level");
  });

  it('keeps the row split under a subject layer', () => {
    const g = sceneGround(corridor({ sky: true, floor: true }), W, H, { layered: true });
    assert.equal(g.contact, undefined);
    assert.equal(g.horizon.source, 'edge');
  });

  it('stands nothing on the ground on an eye level without a row split', () => {
    const rgb = corridor({ sky: false, floor: false });
    const split = estimateHorizon(rgb, W, H, undefined, 1);
    assert.notEqual(split.source, 'edge');
    assert.ok(eyeLevelHorizon(rgb, W, H, split, undefined, 1), "the walls' lines agree on an eye level");
    const g = sceneGround(rgb, W, H, { layered: false });
    assert.equal(g.contact, undefined);
    assert.equal(g.horizon.source, split.source);
  });
});

describe('the depth of a street with no subject, for a travel', () => {
  const HORIZON = 0.68;
  /** Columns of the feet, as many as the thumbnail's (192 px) ground contact has. */
  const COLS = 192;
  // A left wall whose foot runs from 0.85 at the left edge to the horizon at 0.4 of the
  // width; the street's end (the centre of interest) stands at 0.715, a low wall on the right.
  const feet = Float32Array.from({ length: COLS }, (_, c) => {
    const u = (c + 0.5) / COLS;
    if (u < 0.4) return 0.85 - ((0.85 - 0.715) * u) / 0.4;
    return u < 0.8 ? 0.715 : 0.95;
  });
  const reachOf = (name: string): PathReach =>
    pathReach(
      buildCameraPath({
        motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
        modifiers: DEFAULT_MODIFIERS,
        seed: 1,
        span: 2,
      }),
      25,
    );
  const depthFor = (reach?: PathReach) =>
    sceneDepth({
      horizon: { row: HORIZON, source: 'vanishing', strength: 0.5 },
      contact: { feet },
      focusRow: 0.5,
      focusColumn: 0.6,
      ...(reach && { reach }),
    });

  it('brings the ground nearer for a dolly in, and keeps the centre of interest at depth 1', () => {
    const before = depthFor();
    const dolly = depthFor(reachOf('Dolly In'));
    const { ground } = dolly.layout;
    assert.ok(ground && before.layout.ground);
    assert.ok(
      ground.near < 0.7 && ground.near >= 0.3 / 0.6 - 1e-9,
      `nearest ground ${ground.near.toFixed(3)} (before ${before.layout.ground.near.toFixed(3)}) for a 0.3 dolly`,
    );
    const far = dolly.layout.depths[0]!;
    assert.ok(Math.abs(sceneDepthAt(ground, far, 0.6, 0.5) - 1) < 1e-6, 'the centre of interest is at depth 1');
    // The left wall is nearer than before.
    const wall = (d: typeof dolly) => sceneDepthAt(d.layout.ground!, d.layout.depths[0]!, 0.05, 0.3);
    assert.ok(
      wall(dolly) < wall(before) - 0.1,
      `left wall at ${wall(dolly).toFixed(3)}, before ${wall(before).toFixed(3)}`,
    );
  });

  it('keeps the ground no nearer than before for a sideways travel', () => {
    for (const name of ['Arc Right', 'Dolly Right', '360 Orbit', 'Crane Up']) {
      const d = depthFor(reachOf(name));
      assert.ok(d.layout.ground!.near >= 0.8 - 1e-9, `${name}: nearest ground ${d.layout.ground!.near.toFixed(3)}`);
      assert.ok(Math.abs(sceneDepthAt(d.layout.ground!, d.layout.depths[0]!, 0.6, 0.5) - 1) < 1e-6);
    }
  });

  it("limits the step in depth where a foot jumps, and leaves a wall's smooth foot alone", () => {
    const reach = reachOf('Dolly In');
    const { layout } = depthFor(reach);
    const ground = layout.ground!;
    const far = layout.depths[0]!;
    const limited = ground.feet!;
    const disparity = (f: number) => (f > HORIZON ? 1 / groundDepthAt(ground, far, f) : 0);
    // The low wall's jump (0.715 → 0.95 at 0.8 of the width) is spread over its columns.
    const jump = feet.findIndex((f, c) => c > 0 && f > feet[c - 1]! + 0.1);
    assert.ok(jump > 0);
    const step = disparity(limited[jump]!) - disparity(limited[jump - 1]!);
    const unlimited = disparity(feet[jump]!) - disparity(feet[jump - 1]!);
    assert.ok(
      step < unlimited / 4,
      `step ${step.toFixed(3)} in disparity at the jump, ${unlimited.toFixed(3)} unlimited`,
    );
    assert.ok(limited[jump]! < feet[jump]!, 'the nearer column is raised');
    // The left wall's foot is unchanged (its steps are small).
    for (let c = 0; c < 0.4 * COLS; c++) assert.equal(limited[c], feet[c]);
    // Without a travel nothing is limited.
    assert.deepEqual(limitFootSteps(feet, HORIZON, far, ground.near, { lateral: 0, forward: 0, back: 0 }), feet);
  });
});
