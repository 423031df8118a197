/** Face moves (Eyes In, Mouth In, Earth Zoom Out) aim at the face, not the subject's middle. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeUpZoom, estimateFacePoint } from '../../src/engine/framing/face-aim.js';
import { createLocalEngine } from '../../src/engine/index.js';
import { makeSampleImage } from '../../src/engine/previews/sample-image.js';
import { decodeFrames } from './helpers.js';
import sharp from 'sharp';

const SKIN: [number, number, number] = [232, 190, 160];

/** A green field with a red body and a skin-coloured head on top of it, off-centre. */
function portrait(w: number, h: number, head: { x: number; y: number; r: number }) {
  const rgb = new Uint8Array(w * h * 3);
  const alpha = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const inHead = (x - head.x) ** 2 + (y - head.y) ** 2 <= head.r ** 2;
      const inBody = Math.abs(x - head.x) <= head.r * 1.6 && y > head.y + head.r * 0.9;
      const c = inHead ? SKIN : inBody ? [180, 30, 40] : [60, 120, 50];
      rgb.set(c, i * 3);
      alpha[i] = inHead || inBody ? 1 : 0;
    }
  }
  return { rgb, matte: { width: w, height: h, alpha } };
}

describe('face aim', () => {
  it('finds the head on top of the subject, eyes above the mouth', () => {
    const head = { x: 60, y: 40, r: 12 };
    const { rgb, matte } = portrait(192, 144, head);
    const face = estimateFacePoint(rgb, 192, 144, matte, 'face')!;
    const eyes = estimateFacePoint(rgb, 192, 144, matte, 'eyes')!;
    const mouth = estimateFacePoint(rgb, 192, 144, matte, 'mouth')!;
    // Within a head radius of the head's centre (the subject's middle is far lower).
    assert.ok(
      Math.abs(face.x * 192 - head.x) < head.r && Math.abs(face.y * 144 - head.y) < head.r,
      JSON.stringify(face),
    );
    assert.ok(eyes.y < face.y && face.y < mouth.y, JSON.stringify({ eyes, face, mouth }));
  });

  it('finds the eyes and the mouth as the darker gaps in the skin', () => {
    const head = { x: 96, y: 60, r: 24 };
    const { rgb, matte } = portrait(192, 144, head);
    const paint = (x0: number, x1: number, y0: number, y1: number, c: number[]) => {
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) rgb.set(c, (y * 192 + x) * 3);
    };
    // Hair over the top third of the head (as on the sample figure), two eyes, a mouth.
    for (let y = head.y - head.r; y < head.y - 10; y++)
      for (let x = 0; x < 192; x++)
        if ((x - head.x) ** 2 + (y - head.y) ** 2 <= head.r ** 2) rgb.set([60, 35, 20], (y * 192 + x) * 3);
    const eyeY = head.y - 3;
    paint(head.x - 10, head.x - 7, eyeY - 1, eyeY + 1, [250, 250, 250]);
    paint(head.x + 7, head.x + 10, eyeY - 1, eyeY + 1, [250, 250, 250]);
    const mouthY = head.y + 12;
    paint(head.x - 6, head.x + 6, mouthY, mouthY + 1, [140, 40, 40]);
    const eyes = estimateFacePoint(rgb, 192, 144, matte, 'eyes')!;
    const mouth = estimateFacePoint(rgb, 192, 144, matte, 'mouth')!;
    assert.ok(
      Math.abs(eyes.y * 144 - 0.5 - eyeY) <= 1.5,
      `eyes at row ${(eyes.y * 144 - 0.5).toFixed(1)}, drawn at ${eyeY}`,
    );
    assert.ok(
      Math.abs(mouth.y * 144 - 0.5 - (mouthY + 0.5)) <= 1.5,
      `mouth at row ${(mouth.y * 144 - 0.5).toFixed(1)}, drawn at ${mouthY}`,
    );
  });

  it('measures the face’s height, and a smaller face needs a closer push', () => {
    const head = { x: 60, y: 40, r: 12 };
    const { rgb, matte } = portrait(192, 144, head);
    const face = estimateFacePoint(rgb, 192, 144, matte, 'eyes')!;
    assert.ok(Math.abs(face.height * 144 - 2 * head.r) <= 2, `face height ${face.height * 144} px`);
    const g = { imageWidth: 1920, imageHeight: 1080, outWidth: 1280, outHeight: 720 };
    // Twice the zoom for a face half as tall, within the bounds.
    assert.ok(Math.abs(closeUpZoom(0.4, 1.8, g) / closeUpZoom(0.8, 1.8, g) - 2) < 0.01);
    assert.ok(closeUpZoom(0.9, 1.8, g) >= 1.25, 'always a visible push');
  });

  it('does not take a skin-coloured picture without a subject for a face', () => {
    const w = 96;
    const h = 64;
    const sand = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) sand.set(SKIN, i * 3);
    assert.equal(estimateFacePoint(sand, w, h, undefined, 'eyes'), undefined);
  });

  describe('rendered', () => {
    let root: string;
    let sample: Buffer;
    before(async () => {
      root = await mkdtemp(join(tmpdir(), 'sm-face-'));
      sample = await makeSampleImage();
    });
    after(() => rm(root, { recursive: true, force: true }));

    const skinShare = (frame: Uint8Array, w: number, h: number): number => {
      let n = 0;
      for (let i = 0; i < w * h; i++) {
        const [r, g, b] = [frame[i * 3]!, frame[i * 3 + 1]!, frame[i * 3 + 2]!];
        if (Math.abs(r - SKIN[0]) < 30 && Math.abs(g - SKIN[1]) < 30 && Math.abs(b - SKIN[2]) < 35) n++;
      }
      return n / (w * h);
    };

    it('Eyes In does not take a skin-coloured disk for a face: it keeps its plain push', async () => {
      // A 1200×600 picture with a skin-coloured disk 60 px tall on a red block. Before the
      // vision models the engine took it for a head and zoomed 8× into it; BlazeFace sees no
      // face there and the detector no person, so Eyes In is its default push. (A real small face
      // in a wide shot is found and aimed at: test/engine/vision.test.ts.)
      const head = { x: 820, y: 230, r: 30 };
      const { rgb } = portrait(1200, 600, head);
      const image = await sharp(rgb, { raw: { width: 1200, height: 600, channels: 3 } })
        .png()
        .toBuffer();
      const engine = createLocalEngine({ renderThreads: 0 });
      const workDir = join(root, 'eyes');
      await mkdir(workDir);
      const out = await engine.render(
        {
          taskId: 't',
          model: 'lite',
          motions: [{ name: 'Eyes In', strength: 1 }],
          prompt: '',
          enhancePrompt: false,
          seed: 1,
          width: 160,
          height: 90,
          duration: 1,
          fps: 8,
          images: [image],
        },
        { workDir, signal: new AbortController().signal, onProgress: () => {} },
      );
      const video = await decodeFrames(out.raw, 'rgb24');
      const last = skinShare(video.frames.at(-1)!, video.width, video.height);
      // The 8× close-up filled over a quarter of the frame with the disk; a plain push
      // leaves it at a few percent.
      assert.ok(last < 0.1, `the last frame is not a close-up of the disk (${last.toFixed(3)} of it)`);
      assert.equal(out.resolved.scene?.faces, 0);
    });

    it('Earth Zoom Out starts close on the face of the sample figure', async () => {
      const engine = createLocalEngine({ renderThreads: 0 });
      const workDir = join(root, 'earth');
      await mkdir(workDir);
      const out = await engine.render(
        {
          taskId: 't',
          model: 'lite',
          motions: [{ name: 'Earth Zoom Out', strength: 1 }],
          prompt: '',
          enhancePrompt: false,
          seed: 1,
          width: 320,
          height: 180,
          duration: 2,
          fps: 12,
          images: [sample],
        },
        { workDir, signal: new AbortController().signal, onProgress: () => {} },
      );
      const video = await decodeFrames(out.raw, 'rgb24');
      const first = video.frames[0]!;
      let n = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < video.width * video.height; i++) {
        const [r, g, b] = [first[i * 3]!, first[i * 3 + 1]!, first[i * 3 + 2]!];
        if (Math.abs(r - SKIN[0]) < 30 && Math.abs(g - SKIN[1]) < 30 && Math.abs(b - SKIN[2]) < 35) {
          n++;
          sx += i % video.width;
          sy += Math.floor(i / video.width);
        }
      }
      // The face fills a good part of the first frame, around its centre.
      assert.ok(n > video.width * video.height * 0.15, `skin covers ${n} px`);
      assert.ok(Math.abs(sx / n - video.width / 2) < video.width * 0.12, `face centre x ${sx / n}`);
      assert.ok(Math.abs(sy / n - video.height / 2) < video.height * 0.2, `face centre y ${sy / n}`);
    });
  });
});
