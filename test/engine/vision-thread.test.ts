/**
 * The vision models never run on the caller's thread: a scene estimated without a look
 * passed in (estimateScene's own look) is taken by the vision thread, like prepareRender's,
 * so this thread loads no model while the astronaut still comes back as a person's matte.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { estimateScene } from '../../src/engine/scene/scene-sources.js';
import { decodeSource, probeImage } from '../../src/engine/render/source-image.js';
import { modelLoadCount } from '../../src/vision/model-store.js';
import { analysisPicture } from '../../src/vision/see-picture.js';
import { releaseVision, seeSceneOffThread } from '../../src/vision/vision-thread.js';
import { photo, photosSkip } from './vision-photos.js';

const MAX = 100_000_000;

describe('vision off the calling thread', { skip: photosSkip }, () => {
  it('estimateScene without a look runs the models in the vision thread', async () => {
    const bytes = await readFile(photo('astronaut.png'));
    const info = await probeImage(bytes, MAX, 'image[0]');
    const source = await decodeSource(bytes, info, { scale: 1, levelCount: 2, maxPixels: MAX, field: 'image[0]' });
    const scene = await estimateScene(source);
    assert.ok(scene.matte, 'the astronaut separates (the models ran somewhere)');
    assert.equal(scene.layout.depths.length, 2);
    assert.equal(modelLoadCount(), 0, 'no model was loaded on this thread');
  });

  it('a release lets the look in flight finish, and a look after it sees the same', async () => {
    const picture = await analysisPicture(await readFile(photo('coffee.png')), MAX);
    const during = seeSceneOffThread(picture, {});
    releaseVision(); // a look is pending: the thread ends after answering it
    const first = await during;
    releaseVision(); // idle: ends now
    const again = await seeSceneOffThread(picture, {});
    assert.equal(first.label, 'cup');
    assert.deepEqual(again, first, 'the new thread sees what the released one saw');
  });
});
