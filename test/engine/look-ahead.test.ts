/**
 * The CLI hands its picture to the vision thread before the engine has loaded (lookAhead):
 * the render must then use that look, not look again, and come out aimed where a render
 * without it is aimed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { RenderJob } from '../../src/core/ports.js';
import { lookAhead } from '../../src/engine/render/look-ahead.js';
import { prepareRender } from '../../src/engine/render/prepare-render.js';
import { looksAsked } from '../../src/vision/vision-thread.js';
import { photo, photosSkip } from './vision-photos.js';

const MAX = 100_000_000;

/** A small job over `image` (a fresh Buffer each time: looks are kept per Buffer). */
const job = (image: Buffer, motion: string): RenderJob => ({
  taskId: 'look-ahead',
  model: 'lite',
  motions: [{ name: motion, strength: 1 }],
  prompt: '',
  enhancePrompt: false,
  seed: 1,
  width: 320,
  height: 180,
  duration: 2,
  fps: 12,
  images: [Buffer.from(image)],
});

describe('looking ahead of the render', { skip: photosSkip }, () => {
  for (const motion of ['Zoom In', 'Eyes In']) {
    it(`${motion}: the render uses the look started ahead, and aims where it would without it`, async () => {
      const jpeg = await sharp(await readFile(photo('astronaut.png')))
        .jpeg()
        .toBuffer();
      const plain = await prepareRender(job(jpeg, motion), { maxImagePixels: MAX });
      const ahead = job(jpeg, motion);
      const before = looksAsked();
      const looks = lookAhead(ahead, MAX);
      assert.ok(looks, 'a JPEG is looked at before it is decoded');
      await looks;
      assert.equal(looksAsked() - before, 1, 'the look was asked for ahead of the render');
      const prepared = await prepareRender(ahead, { maxImagePixels: MAX });
      assert.equal(looksAsked() - before, 1, 'the render looked no more');
      assert.equal(prepared.resolved.scene?.subject, 'person');
      assert.deepEqual(prepared.resolved.scene, plain.resolved.scene);
      assert.deepEqual(prepared.resolved.focus, plain.resolved.focus);
    });
  }
});
