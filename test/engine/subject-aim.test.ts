import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { saliencyAim } from '../../src/engine/framing/saliency.js';
import { subjectAim } from '../../src/engine/framing/subject-aim.js';
import type { SceneVision } from '../../src/vision/scene-vision.js';

const object = (box: SceneVision['box'], confidence: number): SceneVision => ({
  subject: 'object',
  label: 'car',
  confidence,
  box,
  aim: { x: box!.x + box!.w / 2, y: box!.y + box!.h / 2 },
  faces: [],
  width: 640,
  height: 480,
});
const face = (x: number, y: number, w = 0.06): SceneVision['faces'][number] => ({
  box: { x, y, w, h: w },
  score: 0.9,
  eyes: [
    { x: x + w / 3, y: y + w / 3 },
    { x: x + (2 * w) / 3, y: y + w / 3 },
  ],
  mouth: { x: x + w / 2, y: y + (3 * w) / 4 },
});
// A standing figure at the right, 2.15 times as tall as it is wide in picture pixels.
const standing = { x: 0.67, y: 0.05, w: 0.33, h: 0.93 };
const person = (faces: SceneVision['faces'], faceIndex?: number): SceneVision => ({
  subject: 'person',
  label: 'person',
  confidence: 0.72,
  box: standing,
  aim: { x: standing.x + standing.w / 2, y: standing.y + 0.3 * standing.h },
  faces,
  ...(faceIndex !== undefined && { face: { index: faceIndex, reason: 'only face' as const } }),
  width: 640,
  height: 480,
});

/** Asserts a point is where expected, to rounding. */
function near(p: { x: number; y: number } | undefined, x: number, y: number): void {
  assert.ok(p && Math.abs(p.x - x) < 1e-9 && Math.abs(p.y - y) < 1e-9, `${JSON.stringify(p)} vs ${x},${y}`);
}

describe('subject aim: what an aimed 2-D move goes for', () => {
  it('does not steer by a small detection the detector is unsure of (a parked car under a facade)', () => {
    assert.equal(subjectAim(object({ x: 0.12, y: 0.82, w: 0.1, h: 0.05 }, 0.44)), undefined);
  });

  it('aims at a small detection the detector is sure of, and at a large unsure one', () => {
    near(subjectAim(object({ x: 0.7, y: 0.1, w: 0.1, h: 0.1 }, 0.8)), 0.75, 0.15);
    near(subjectAim(object({ x: 0.2, y: 0.2, w: 0.5, h: 0.5 }, 0.3)), 0.45, 0.45);
  });

  it("aims a standing person with no face found at the head, above the chest's 0.3 of the box", () => {
    const aim = subjectAim(person([]))!;
    assert.ok(aim.y < standing.y + 0.27 * standing.h, `aim at ${aim.y.toFixed(3)} of the height`);
    assert.ok(aim.y > standing.y + 0.1 * standing.h, `aim at ${aim.y.toFixed(3)} of the height`);
    assert.equal(aim.x, standing.x + standing.w / 2);
  });

  it("aims at the person's own face when the face moves chose another person's", () => {
    const other = face(0.1, 0.2);
    const own = face(0.8, 0.12);
    near(subjectAim(person([other, own], 0)), 0.83, 0.15);
  });

  it('keeps the chosen face when it is in the person', () => {
    const look = { ...person([face(0.8, 0.12)], 0), aim: { x: 0.83, y: 0.15 } };
    near(subjectAim(look), 0.83, 0.15);
  });

  it('leans half way from the centre toward a saliency guess', () => {
    near(saliencyAim({ x: 0.9, y: 0.2 }), 0.7, 0.35);
    near(saliencyAim({ x: 0.5, y: 0.5 }), 0.5, 0.5);
  });
});
