/** The previews' picture: the fetched photograph when it is in the data folder, else the sample scene. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { loadPreviewPicture, makeSampleImage, renderMotionPreview } from '../../src/engine/index.js';
import { PREVIEW_PHOTO_FILE } from '../../src/engine/previews/preview-picture.js';
import { makeTexture } from './helpers.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sm-preview-picture-'));
});
after(() => rm(root, { recursive: true, force: true }));

const dataDir = async (name: string, photo?: Buffer): Promise<string> => {
  const dir = join(root, name);
  await mkdir(dir);
  if (photo) {
    await mkdir(dirname(join(dir, PREVIEW_PHOTO_FILE)), { recursive: true });
    await writeFile(join(dir, PREVIEW_PHOTO_FILE), photo);
  }
  return dir;
};

describe('preview picture', () => {
  it('falls back to the sample scene, saying how to fetch the photograph', async () => {
    const p = await loadPreviewPicture(await dataDir('empty'));
    assert.equal(p.id, 'sample-scene');
    assert.match(p.reason!, /npm run previews:photo/);
    assert.ok(p.image.equals(await makeSampleImage()));
  });

  it('uses the photograph once it is in the data folder, and names its source', async () => {
    const photo = await makeTexture(3, 120, 80);
    const p = await loadPreviewPicture(await dataDir('fetched', photo));
    assert.equal(p.id, 'photo-coffee');
    assert.equal(p.reason, undefined);
    assert.ok(p.image.equals(photo));
    assert.match(p.source, /CC0/);
  });

  it('falls back when the file there does not decode', async () => {
    const p = await loadPreviewPicture(await dataDir('broken', Buffer.from('not a picture')));
    assert.equal(p.id, 'sample-scene');
    assert.match(p.reason!, /does not decode/);
  });

  it('renders a preview from the picture it is given', async () => {
    // A flat grey picture: every preview frame is that grey, unlike the colourful sample scene.
    const grey = await sharp({
      create: { width: 160, height: 90, channels: 3, background: { r: 128, g: 128, b: 128 } },
    })
      .png()
      .toBuffer();
    const outPath = join(root, 'grey.webp');
    await renderMotionPreview({ motionName: 'Zoom In', outPath, image: grey, width: 96, height: 54, duration: 0.5 });
    const stats = await sharp(outPath).stats();
    for (const c of stats.channels.slice(0, 3)) {
      assert.ok(
        Math.abs(c.mean - 128) < 4 && c.stdev < 4,
        `channel mean ${c.mean.toFixed(1)}, stdev ${c.stdev.toFixed(1)}`,
      );
    }
  });
});
