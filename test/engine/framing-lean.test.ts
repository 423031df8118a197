/**
 * The view leans toward the centre of interest as far as the picture allows: a close-up on
 * a face near the picture's edge ends with the face in the middle of the frame where the
 * zoom leaves room for it, and at the picture's edge (no border) where it does not; and the
 * lean changes smoothly as a zoom narrows the view. Geometry of basketball1 (640 × 480, the
 * left player's eyes at (83, 107)) in a 480 × 360 frame, where the old p-norm lean ended a
 * zoom-8 Eyes In with the eyes at 0.14 of the frame's width.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyAffine, invertAffine } from '../../src/engine/maths/affine.js';
import { NEUTRAL_POSE } from '../../src/engine/motion/camera-pose.js';
import { poseTransform, type FrameGeometry } from '../../src/engine/framing/framing.js';

const g: FrameGeometry = { imageWidth: 640, imageHeight: 480, outWidth: 480, outHeight: 360, focusX: 83, focusY: 107 };
const NO_OFFSET = { mx: 0, my: 0 };
const at = (zoom: number, focus: Partial<FrameGeometry> = {}) =>
  poseTransform({ ...g, ...focus }, { ...NEUTRAL_POSE, zoom }, 1, NO_OFFSET);
/** Where the frame's corners come from in the picture. */
const viewBox = (m: ReturnType<typeof at>) => {
  const inv = invertAffine(m);
  const a = applyAffine(inv, 0, 0);
  const b = applyAffine(inv, g.outWidth, g.outHeight);
  return { x0: a[0], y0: a[1], x1: b[0], y1: b[1] };
};

describe('the lean toward the centre of interest', () => {
  it('a zoom-8 close-up on a face near the edge ends with the face in the middle of the frame', () => {
    const [x, y] = applyAffine(at(8), g.focusX, g.focusY);
    assert.ok(Math.abs(x - g.outWidth / 2) < 1, `eyes at x = ${x.toFixed(1)} of ${g.outWidth}`);
    assert.ok(Math.abs(y - g.outHeight / 2) < 1, `eyes at y = ${y.toFixed(1)} of ${g.outHeight}`);
  });

  it('where the zoom leaves too little room, the view stops at the picture’s edge, never past it', () => {
    for (const zoom of [1.25, 1.6, 2]) {
      const v = viewBox(at(zoom));
      assert.ok(v.x0 >= -1e-6 && v.y0 >= -1e-6, `zoom ${zoom}: view from (${v.x0.toFixed(2)}, ${v.y0.toFixed(2)})`);
      // The focus lies beyond the room, so the view sits against the picture's left edge.
      assert.ok(v.x0 < 1e-6, `zoom ${zoom}: the view's left edge at ${v.x0.toFixed(2)} px, not at the picture's`);
    }
  });

  it('the view centre moves without jumps as the zoom narrows, and never away from the focus', () => {
    let last: number | undefined;
    let lastStep: number | undefined;
    for (let i = 0; i <= 400; i++) {
      const zoom = 1 + (7 * i) / 400;
      const v = viewBox(at(zoom));
      const cx = (v.x0 + v.x1) / 2;
      if (last !== undefined) {
        const step = last - cx;
        assert.ok(step >= -1e-9, `zoom ${zoom.toFixed(3)}: the centre moved away from the focus by ${-step}`);
        // The slope of the lean is continuous: each step of zoom moves the centre about as far
        // as the one before (a hard minimum would stop it dead, from ~0.4 px a step to 0).
        if (lastStep !== undefined)
          assert.ok(
            Math.abs(step - lastStep) < 0.05 * Math.abs(lastStep) + 0.02,
            `zoom ${zoom.toFixed(3)}: step ${step} after ${lastStep}`,
          );
        lastStep = step;
      }
      last = cx;
    }
  });
});
