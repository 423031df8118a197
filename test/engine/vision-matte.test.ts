import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doubtfulPerson, matteFromVision, salientSubject } from '../../src/engine/scene/vision-matte.js';
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

/** A packed-RGB picture from a colour function. */
function paint(w: number, h: number, colour: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const c = colour(x, y);
      for (let k = 0; k < 3; k++) rgb[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]!)));
    }
  return rgb;
}

/** Deterministic noise in −1..1. */
const noise = (x: number, y: number, k = 0): number => {
  const s = Math.sin(x * 12.9898 + y * 78.233 + k * 37.719) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
};

/** Share of a region's pixels the matte holds (alpha ≥ 0.5). */
function held(alpha: Float32Array, w: number, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  let a = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      n++;
      if (alpha[y * w + x]! >= 0.5) a++;
    }
  return a / n;
}

describe('vision matte: a close-up that fills most of the picture', () => {
  // A striped tabby filling the picture to its left, top and bottom edges, its right side
  // a rounded outline, and a strip of blue-grey wall beside it (chelsea.png's make-up).
  const W = 192;
  const H = 128;
  const edge = (y: number): number => 0.86 * W - 0.06 * W * ((y - H / 2) / (H / 2)) ** 2;
  const rgb = paint(W, H, (x, y) =>
    x < edge(y)
      ? [170 + 40 * Math.sin(x / 3) + 10 * noise(x, y), 120 + 30 * Math.sin(x / 3) + 10 * noise(x, y, 1), 70]
      : [70 + 6 * noise(x, y), 80 + 6 * noise(x, y, 1), 120 + 6 * noise(x, y, 2)],
  );
  const cat = look({ subject: 'object', label: 'cat', confidence: 0.63, box: { x: 0, y: 0, w: 0.88, h: 1 } });

  it('cuts out a sure detection whose box leaves a strip of background beside it', () => {
    const matte = matteFromVision(cat, rgb, W, H);
    assert.ok(matte, 'a cat filling 88 % of the picture with a wall beside it is a subject');
    const inside = held(matte.alpha, W, 0, 0, Math.floor(0.78 * W), H);
    const wall = held(matte.alpha, W, Math.ceil(0.9 * W), 0, W, H);
    assert.ok(inside > 0.9, `the matte holds the cat (${inside.toFixed(2)} of its body)`);
    assert.ok(wall < 0.1, `the wall stays background (${wall.toFixed(2)} of it in the matte)`);
  });

  it('still refuses a box that is the whole scene, or an unsure one', () => {
    const whole = paint(W, H, (x, y) => [170 + 40 * Math.sin(x / 3) + 10 * noise(x, y), 120, 70]);
    assert.equal(matteFromVision({ ...cat, box: { x: 0, y: 0, w: 1, h: 1 } }, whole, W, H), undefined);
    assert.equal(matteFromVision({ ...cat, confidence: 0.35 }, rgb, W, H), undefined, 'an unsure big box');
  });
});

describe('vision matte: a subject the detector did not see', () => {
  // A night sky fading to the horizon with a lit, slender tower standing on the bottom edge
  // (rocket.jpg's make-up).
  const W = 192;
  const H = 128;
  const tower = (x: number, y: number): boolean => Math.abs(x - W / 2) <= 5 && y >= 0.3 * H;
  const rgb = paint(W, H, (x, y) =>
    tower(x, y)
      ? [225 + 8 * noise(x, y), 220 + 8 * noise(x, y, 1), 210]
      : [10 + (20 * y) / H + 3 * noise(x, y), 20 + (30 * y) / H + 3 * noise(x, y, 1), 60 + (40 * y) / H],
  );

  it('finds a compact thing standing apart in colour and says how sure it is', () => {
    const found = salientSubject(rgb, W, H);
    assert.ok(found, 'the lit tower is found');
    const b = found.box;
    assert.ok(b.x < 0.5 && b.x + b.w > 0.5 && b.w < 0.15, `its box spans the tower's width: ${JSON.stringify(b)}`);
    assert.ok(b.y > 0.2 && b.y < 0.4, `and starts at its top: ${JSON.stringify(b)}`);
    assert.ok(found.confidence > 0 && found.confidence <= 1);
    const inTower = held(found.matte.alpha, W, W / 2 - 3, Math.ceil(0.35 * H), W / 2 + 3, H - 2);
    assert.ok(inTower > 0.9, `the matte holds the tower (${inTower.toFixed(2)})`);
  });

  it('refuses a patch whose colours are close to those around it (a nose in striped fur)', () => {
    // The colour estimate finds the patch either way (an enclosed blob with an outline); only
    // the one that stands apart from its surroundings is taken for a subject.
    const patch = (lift: number): Uint8Array =>
      paint(W, H, (x, y) => {
        const inside = ((x - W / 2) / 14) ** 2 + ((y - H / 2) / 12) ** 2 < 1;
        const st = 20 * Math.sin(x / 2.5 + y / 7);
        const c: [number, number, number] = inside
          ? [120 + lift, 100 + lift / 2, 90 + lift / 2]
          : [140 + st, 100 + 0.7 * st, 60 + 0.4 * st];
        return [c[0] + 4 * noise(x, y), c[1] + 4 * noise(x, y, 1), c[2] + 4 * noise(x, y, 2)];
      });
    assert.equal(salientSubject(patch(50), W, H), undefined, 'a patch close to the fur around it');
    assert.ok(salientSubject(patch(110), W, H), 'the same patch, brighter and redder than the fur: a thing');
  });
});
