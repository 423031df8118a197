/**
 * The scene layers built in the layer thread (layer-thread.ts) are the ones built on the
 * calling thread, pixel for pixel; the plate is the decoded level 0 filled in place (shared
 * memory), and the stages timed there reach the caller's stage clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import type { DecodedSource } from '../../src/engine/render/source-image.js';
import { type StageTime, withStageClock } from '../../src/engine/render/stage-clock.js';
import { buildSceneSourcesOffThread } from '../../src/engine/scene/layer-thread.js';
import { BACKGROUND_DEPTH, PLANE_DEPTH, SUBJECT_DEPTH } from '../../src/engine/scene/layer-projection.js';
import { buildSceneSources, type SceneEstimate } from '../../src/engine/scene/scene-sources.js';

const W = 320;
const H = 200;
const DISC = { x: 170, y: 110, r: 50 };

/** A red disc (anti-aliased) over a noisy blue background, level 0 in shared memory. */
function discPicture(): DecodedSource {
  const rand = mulberry32(3);
  const pixels = new SharedArrayBuffer(W * H * 4);
  const px = new Uint8Array(pixels);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const a = Math.min(1, Math.max(0, DISC.r + 0.5 - Math.hypot(x + 0.5 - DISC.x, y + 0.5 - DISC.y)));
      const n = rand() * 40;
      const o = (y * W + x) * 4;
      px[o] = Math.round(200 * a + (40 + n) * (1 - a));
      px[o + 1] = Math.round(30 * a + (90 + n) * (1 - a));
      px[o + 2] = Math.round(40 * a + (160 + n) * (1 - a));
      px[o + 3] = 255;
    }
  return { scale: 1, levels: [{ width: W, height: H, pixels }] };
}

/** The disc's matte on a 192-px thumbnail, soft over a thumbnail pixel. */
function discScene(): SceneEstimate {
  const tw = 192;
  const th = Math.round((tw * H) / W);
  const s = W / tw;
  const alpha = new Float32Array(tw * th);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const d = Math.hypot((x + 0.5) * s - DISC.x, (y + 0.5) * s - DISC.y) - DISC.r;
      alpha[y * tw + x] = Math.min(1, Math.max(0, 0.5 - d / s));
    }
  return { layout: { depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH] }, matte: { width: tw, height: th, alpha } };
}

describe('layer thread', () => {
  it('builds the same layers as the calling thread, the plate in the decoded level 0', async () => {
    const here = await buildSceneSources([discPicture()], [discScene()]);
    const picture = discPicture();
    const stages: StageTime[] = [];
    const there = await withStageClock(
      (t) => stages.push(t),
      () => buildSceneSourcesOffThread([picture], [discScene()]),
    );
    assert.equal(there.length, 2);
    assert.equal(there[1]!.transparent, true);
    assert.deepEqual(there[1]!.bounds, here[1]!.bounds);
    there.forEach((layer, i) => {
      assert.equal(layer.levels.length, here[i]!.levels.length);
      layer.levels.forEach((l, j) => {
        const want = here[i]!.levels[j]!;
        assert.equal(l.width, want.width);
        assert.equal(l.height, want.height);
        assert.ok(Buffer.from(l.pixels).equals(Buffer.from(want.pixels)), `layer ${i} level ${j} differs`);
      });
    });
    // Filled in place there: the caller's level 0 is the plate now.
    assert.ok(Buffer.from(picture.levels[0]!.pixels).equals(Buffer.from(here[0]!.levels[0]!.pixels)));
    for (const stage of ['refine matte', 'hole', 'fill', 'claim edge', 'matting'])
      assert.ok(
        stages.some((t) => t.stage === stage),
        `${stage} not reported (${stages.map((t) => t.stage).join(', ')})`,
      );
  });

  it('passes a picture without a subject through as it is', async () => {
    const picture = discPicture();
    const out = await buildSceneSourcesOffThread([picture], [{ layout: { depths: [PLANE_DEPTH] } }]);
    assert.deepEqual(out, [picture]);
  });
});
