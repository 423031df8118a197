import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doubtfulPerson } from '../../src/engine/scene/vision-matte.js';
import type { SceneVision } from '../../src/vision/scene-vision.js';

const look = (o: Partial<SceneVision>): SceneVision => ({
  subject: 'person',
  confidence: 0.3,
  box: { x: 0.1, y: 0.05, w: 0.6, h: 0.9 },
  faces: [],
  width: 640,
  height: 640,
  ...o,
});
const face = (x: number, y: number): SceneVision['faces'][number] => ({
  box: { x, y, w: 0.1, h: 0.12 },
  score: 0.9,
  eyes: [
    { x: x + 0.03, y: y + 0.04 },
    { x: x + 0.07, y: y + 0.04 },
  ],
  mouth: { x: x + 0.05, y: y + 0.09 },
});

describe('vision matte: which people are cut out', () => {
  it('doubts an unsure, large "person" with no face in its box (an animal\'s face)', () => {
    assert.equal(doubtfulPerson(look({})), true);
    assert.equal(
      doubtfulPerson(look({ faces: [face(0.8, 0.1)] })),
      true,
      'a face outside the box does not vouch for it',
    );
  });
  it('trusts a sure detection, one with a face in its box, a small figure, and objects', () => {
    assert.equal(doubtfulPerson(look({ confidence: 0.7 })), false);
    assert.equal(doubtfulPerson(look({ faces: [face(0.3, 0.1)] })), false);
    assert.equal(doubtfulPerson(look({ box: { x: 0.5, y: 0.5, w: 0.1, h: 0.2 } })), false);
    assert.equal(doubtfulPerson(look({ subject: 'object', label: 'cat' })), false);
  });
});
