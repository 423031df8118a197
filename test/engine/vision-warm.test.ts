/**
 * Warming the vision thread (warmVision): the runtime and models load there, not on this
 * thread, and the first look after it sees what a look without a warm-up sees.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { seePicture } from '../../src/vision/see-picture.js';
import { modelLoadCount } from '../../src/vision/model-store.js';
import { releaseVision, visionKeptWarm, warmVision } from '../../src/vision/vision-thread.js';
import { photo, photosSkip } from './vision-photos.js';

// Runs first: once a process asks to keep its models warm, it keeps them.
describe('vision warm-up for a one-shot process', () => {
  it('loads early without keeping the models for later renders', () => {
    warmVision({ keep: false });
    assert.equal(visionKeptWarm(), false, 'the CLI can hand the models back for the render');
    releaseVision();
  });
});

describe('vision warm-up', { skip: photosSkip }, () => {
  it('loads nothing on this thread, and a look after it still finds the astronaut', async () => {
    warmVision();
    warmVision(); // idempotent
    assert.equal(visionKeptWarm(), true, 'a service keeps its models between renders');
    const look = await seePicture(await readFile(photo('astronaut.png')), 100_000_000, { faces: true });
    assert.equal(look.subject, 'person');
    assert.ok(look.faces.length >= 1, 'a face was found');
    assert.equal(modelLoadCount(), 0, 'no model was loaded on this thread');
  });
});
