/**
 * The horizon estimates on synthetic thumbnails with a known answer: on a street in one-point
 * perspective (kerbs, wall courses and roof edges converging on a vanishing point below a
 * bright skyline) the row split finds the skyline and the eye level is the vanishing
 * point's row; a picture with a clear split and no converging lines keeps the split and has
 * no eye level; a bright disc (curved edges only) does not pass for vanishing lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateHorizon, eyeLevelHorizon, vanishingHorizon } from '../../src/engine/scene/horizon.js';
import { mulberry32 } from '../../src/engine/maths/prng.js';

const W = 192;
const H = 144;

function canvas(fill: (x: number, y: number) => number): Uint8Array {
  const rand = mulberry32(7);
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const v = Math.max(0, Math.min(255, fill(x + 0.5, y + 0.5) + (rand() - 0.5) * 12));
      rgb.set([v, v, v], (y * W + x) * 3);
    }
  return rgb;
}

/** Distance from (x, y) to the segment from a to b. */
function segment(x: number, y: number, a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - a[0] - t * dx, y - a[1] - t * dy);
}

/** A street: sky above row 0.2, walls and ground below, dark lines converging on `vp`. */
function street(vp: [number, number]): Uint8Array {
  const ends: [number, number][] = [];
  // Lines from the vanishing point to the picture's left, right and bottom edges.
  for (const y of [0.25, 0.35, 0.45, 0.9, 1]) ends.push([0, y * H], [W, y * H]);
  for (const x of [0.15, 0.3, 0.7, 0.85]) ends.push([x * W, H]);
  return canvas((x, y) => {
    if (y < 0.2 * H) return 230;
    let v = 120;
    for (const e of ends) {
      // Only the part of each line outside a small disc round the vanishing point.
      if (Math.hypot(x - vp[0], y - vp[1]) < 0.08 * W) continue;
      const d = segment(x, y, vp, e);
      if (d < 1.5) v = 40;
    }
    return v;
  });
}

describe('horizon estimate', () => {
  for (const vp of [
    [0.45, 0.62],
    [0.6, 0.55],
  ] as const) {
    it(`a street converging on (${vp[0]}, ${vp[1]}): the horizon is the vanishing point's row, not the skyline`, () => {
      const rgb = street([vp[0] * W, vp[1] * H]);
      const split = estimateHorizon(rgb, W, H);
      assert.ok(split.row < 0.25, `the split finds the skyline (${JSON.stringify(split)})`);
      const e = eyeLevelHorizon(rgb, W, H, split);
      assert.ok(e, 'an eye level is found');
      assert.ok(Math.abs(e.row - vp[1]) < 0.03, `row ${e.row.toFixed(3)} vs ${vp[1]}`);
    });
  }

  it('a picture split into sky and land with no slanted lines: the split, and no eye level', () => {
    const rgb = canvas((_x, y) => (y < 0.38 * H ? 210 : 70));
    const e = estimateHorizon(rgb, W, H);
    assert.equal(e.source, 'edge');
    assert.ok(Math.abs(e.row - 0.38) < 0.02, `row ${e.row.toFixed(3)}`);
    assert.equal(eyeLevelHorizon(rgb, W, H, e), undefined);
  });

  it('a bright disc (curved edges only) gives no vanishing horizon', () => {
    const grey = Float32Array.from(
      canvas((x, y) => (Math.hypot(x - W / 2, y - H / 2) < 0.4 * H ? 220 : 50)).filter((_, i) => i % 3 === 0),
    );
    const vp = vanishingHorizon(grey, W, H);
    assert.ok(!vp || vp.lines < 8, `found ${JSON.stringify(vp)}`);
    assert.notEqual(
      estimateHorizon(
        canvas((x, y) => (Math.hypot(x - W / 2, y - H / 2) < 0.4 * H ? 220 : 50)),
        W,
        H,
      ).source,
      'vanishing',
    );
  });
});
