/**
 * NanoDet's input is made in one JS pass (normalisedPlanes) instead of tfjs's reverse, sub,
 * div and transpose: the model must see the same bits, or a look's detections (and so where
 * a move aims) would drift.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalisedPlanes } from '../../src/vision/object-detector.js';
import { letterboxPixels, type RgbPicture } from '../../src/vision/picture.js';
import { tfReady } from '../../src/vision/tf-runtime.js';

describe('NanoDet input', () => {
  it('matches the float32 tfjs ops bit for bit, margins and fractional samples included', async () => {
    const tf = await tfReady();
    // A noisy picture resized to a size that is not a multiple of it, into a wider input (black margins).
    const W = 97;
    const H = 61;
    const data = new Uint8Array(W * H * 3);
    let seed = 7;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = seed >>> 24;
    }
    const picture: RgbPicture = { data, width: W, height: H };
    const size = { width: 64, height: 32 };
    const { data: rgb } = letterboxPixels(picture, { x: 0, y: 0, w: W, h: H }, size);
    const ours = normalisedPlanes(rgb, size.width * size.height);
    const theirs = tf.tidy(() => {
      const input = tf.tensor4d(rgb, [1, size.height, size.width, 3]);
      const bgr = tf.reverse(input, -1);
      const norm = tf.div(tf.sub(bgr, tf.tensor1d([103.53, 116.28, 123.675])), tf.tensor1d([57.375, 57.12, 58.395]));
      return tf.transpose(norm, [0, 3, 1, 2]);
    });
    const expected = theirs.dataSync() as Float32Array;
    theirs.dispose();
    assert.equal(ours.length, expected.length);
    let differ = 0;
    for (let i = 0; i < ours.length; i++) if (!Object.is(ours[i], expected[i])) differ++;
    assert.equal(differ, 0);
    // The margins are there and are black (the mean's negation), so the case covers them.
    assert.ok(ours.some((v) => v === Math.fround(Math.fround(-103.53) / Math.fround(57.375))));
  });
});
