import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { addLink, gridGraph, minCut } from '../../src/engine/scene/min-cut.js';

/** Energy of a labelling (1 = source side): terminal costs plus cut links. */
function energy(g: ReturnType<typeof gridGraph>, label: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < g.n; i++) e += label[i] ? g.sink[i]! : g.source[i]!;
  for (let k = 0; k < g.links; k++) if (label[g.from[k]!] !== label[g.to[k]!]) e += g.cap[k]!;
  return e;
}

describe('min-cut', () => {
  it('finds the minimum energy labelling of small random grids (brute force)', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 60; trial++) {
      const w = 2 + (trial % 3);
      const h = 2 + ((trial >> 2) % 2);
      const n = w * h;
      const g = gridGraph(n, 4 * n);
      for (let i = 0; i < n; i++) {
        g.source[i] = rand() < 0.3 ? 0 : 10 * rand();
        g.sink[i] = rand() < 0.3 ? 0 : 10 * rand();
      }
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          if (x + 1 < w) addLink(g, y * w + x, y * w + x + 1, 6 * rand());
          if (y + 1 < h) addLink(g, y * w + x, (y + 1) * w + x, 6 * rand());
          if (x + 1 < w && y + 1 < h) addLink(g, y * w + x, (y + 1) * w + x + 1, 3 * rand());
        }
      let best = Infinity;
      const lab = new Uint8Array(n);
      for (let m = 0; m < 1 << n; m++) {
        for (let i = 0; i < n; i++) lab[i] = (m >> i) & 1;
        best = Math.min(best, energy(g, lab));
      }
      const got = energy(g, minCut(g));
      assert.ok(Math.abs(got - best) < 1e-6, `trial ${trial}: cut energy ${got} vs minimum ${best}`);
    }
  });
  it('separates two regions along the weak links', () => {
    // A 6 × 1 chain: left half wants the source, right half the sink; the weakest link cuts.
    const g = gridGraph(6, 5);
    for (let i = 0; i < 6; i++) (i < 3 ? g.source : g.sink)[i] = 1;
    const caps = [5, 5, 0.5, 5, 5];
    for (const [i, c] of caps.entries()) addLink(g, i, i + 1, c);
    g.source[2] = 0;
    g.sink[3] = 0;
    g.source[0] = 3;
    g.sink[5] = 3;
    assert.deepEqual(Array.from(minCut(g)), [1, 1, 1, 0, 0, 0]);
  });
});
