/**
 * A depth move starts on the picture (issue 13): an arc, whose travel from rest would need
 * a much closer constant crop than its centred travel, starts at rest and uncropped, framed
 * as a still is, and its crop ramps in as the camera travels; no frame leaves the picture,
 * and the far layer still sweeps past the subject. Plan-level, on a layered scene laid out
 * as sceneDepth lays out a photo with a subject (far background 3, subject 1, ground).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCameraPath } from '../../src/engine/motion/camera-path.js';
import { findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../../src/engine/motion/prompt-modifiers.js';
import { buildRenderPlan, type SceneLayout } from '../../src/engine/render/frame-plan.js';
import { affineScale, applyAffine, invertAffine } from '../../src/engine/maths/affine.js';
import type { FrameGeometry } from '../../src/engine/framing/framing.js';

const FPS = 12;
const FRAMES = 25;
const scene: SceneLayout = { depths: [3, 1], ground: { horizon: 0.6, near: 0.8 } };

const planOf = (motion: string, g: FrameGeometry, scenes?: SceneLayout[]) =>
  buildRenderPlan({
    path: buildCameraPath({
      motions: [{ definition: findMotionDefinition(motion)!, strength: 1 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 1,
      span: (FRAMES - 1) / FPS,
    }),
    frames: FRAMES,
    fps: FPS,
    maxSamples: 1,
    geometries: [g],
    ...(scenes && { scenes }),
  });

describe('depth moves start on the framed picture', () => {
  for (const [what, g] of [
    [
      'a 3:2 photo, off-centre interest',
      { imageWidth: 600, imageHeight: 400, outWidth: 480, outHeight: 270, focusX: 250, focusY: 150 },
    ],
    ['a square photo', { imageWidth: 512, imageHeight: 512, outWidth: 480, outHeight: 270, focusX: 256, focusY: 256 }],
  ] as const) {
    for (const motion of ['Arc Right', 'Arc Left']) {
      it(`${motion} (${what}): frame 0 at rest and framed as the still; never outside the picture; the background sweeps`, () => {
        const plan = planOf(motion, g, [scene]);
        const still = planOf('Static', g).frameAt(0).layers[0]!.samples[0]!;
        const f0 = plan.frameAt(0);
        assert.equal(f0.rest, true, 'frame 0 draws every layer under one transform');
        // The arc's roll (2.5°) alone needs a few per cent: the still's framing, that much closer.
        const far0 = f0.layers[0]!.samples[0]!;
        const crop0 = affineScale(far0) / affineScale(still);
        assert.ok(crop0 < 1.06, `frame 0 is cropped ×${crop0.toFixed(3)} against the still`);
        const centre = applyAffine(far0, g.focusX, g.focusY);
        const stillCentre = applyAffine(still, g.focusX, g.focusY);
        assert.ok(
          Math.hypot(centre[0] - stillCentre[0], centre[1] - stillCentre[1]) < 0.08 * g.outWidth,
          'frame 0 is aimed where the still is',
        );
        let lastCrop = 0;
        let sweep = 0;
        for (let i = 0; i < plan.frames; i++) {
          const layers = plan.frameAt(i).layers;
          const far = layers[0]!.samples[0]!;
          // The far layer (above the horizon) covers the frame's width and its top.
          const inv = invertAffine(far);
          for (const [x, y] of [
            [0, 0],
            [g.outWidth, 0],
          ] as const) {
            const [px, py] = applyAffine(inv, x, y);
            assert.ok(px > -0.5 && px < g.imageWidth + 0.5 && py > -0.5, `frame ${i} shows outside the picture`);
          }
          const crop = affineScale(far);
          assert.ok(crop >= lastCrop - 1e-9, `frame ${i}: the crop shrinks back`);
          lastCrop = crop;
          const sub = layers.at(-1)!.samples[0]!;
          const a = applyAffine(far, g.focusX, g.focusY);
          const b = applyAffine(sub, g.focusX, g.focusY);
          sweep = Math.max(sweep, Math.abs(a[0] - b[0]));
        }
        // Centred, the far layer swept 21.5 % of the width past the subject; from rest, shortened to fit.
        assert.ok(sweep > 0.12 * g.outWidth, `the background sweeps only ${((sweep / g.outWidth) * 100).toFixed(1)} %`);
        assert.ok(lastCrop / affineScale(far0) < 1.5, `the crop ramps ×${(lastCrop / affineScale(far0)).toFixed(2)}`);
      });
    }
  }
});
