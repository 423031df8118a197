import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError, type ErrorCode } from '../../src/core/errors.js';
import sharp from 'sharp';
import { FULL_DECODE_PIXELS, plainHeader, probeImage, type ProbeLimits } from '../../src/inputs/image-probe.js';
import { animatedGif, bombPng, jpeg, noisy, png, rotatedJpeg, solid } from './support/images.js';

const FIELD = 'image[0]';
const LIMITS: ProbeLimits = { maxBytes: 5 * 1024 * 1024, maxPixels: 50_000_000 };

async function refused(body: Buffer, code: ErrorCode, pattern: RegExp, limits = LIMITS): Promise<void> {
  await assert.rejects(probeImage(body, FIELD, limits), (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.field, FIELD);
    assert.ok(error.message.startsWith(`${FIELD}: `), error.message);
    assert.doesNotMatch(error.message, /vips|Vips|\n/); // our words, not libvips'
    assert.match(error.message, pattern);
    return true;
  });
}

describe('probeImage', () => {
  it('reads format, type and size of the accepted formats', async () => {
    const cases = [
      ['jpeg', 'image/jpeg', await jpeg(64, 48)],
      ['png', 'image/png', await png(64, 48)],
      ['webp', 'image/webp', await solid(64, 48).webp().toBuffer()],
      ['gif', 'image/gif', await solid(64, 48).gif().toBuffer()],
      ['avif', 'image/avif', await solid(64, 48).avif().toBuffer()],
      ['tiff', 'image/tiff', await solid(64, 48).tiff().toBuffer()],
    ] as const;
    for (const [format, contentType, body] of cases) {
      const probe = await probeImage(body, FIELD, LIMITS);
      assert.deepEqual(
        {
          format: probe.format,
          contentType: probe.contentType,
          width: probe.width,
          height: probe.height,
          pages: probe.pages,
        },
        { format, contentType, width: 64, height: 48, pages: 1 },
      );
    }
  });

  it('reports the displayed size of an EXIF-rotated photo (orientation 6 swaps width and height)', async () => {
    const probe = await probeImage(await rotatedJpeg(40, 20), FIELD, LIMITS);
    assert.equal(probe.orientation, 6);
    assert.deepEqual([probe.width, probe.height], [20, 40]);
  });

  it('takes the first frame of an animation, and says so', async () => {
    const probe = await probeImage(await animatedGif(3, 24, 16), FIELD, LIMITS);
    assert.equal(probe.pages, 3);
    assert.deepEqual([probe.width, probe.height], [24, 16]);
    assert.deepEqual(probe.notes, [`${FIELD}: the image has 3 frames; only the first is used`]);
  });

  it('refuses an image too small to render, naming the field and the minimum', async () => {
    await refused(await png(1, 1), 'image_invalid', /is 1×1; each side must be at least 16 pixels/);
    await refused(await png(400, 15), 'image_invalid', /is 400×15; each side must be at least 16 pixels/);
    await refused(await rotatedJpeg(15, 40), 'image_invalid', /is 40×15/, LIMITS);
    const smallest = await probeImage(await png(16, 16), FIELD, LIMITS);
    assert.deepEqual([smallest.width, smallest.height], [16, 16]);
  });

  it('refuses a file over the byte cap before looking inside', async () => {
    await refused(await jpeg(256, 256), 'image_too_large', /larger than the 1 KiB limit/, {
      maxBytes: 1024,
      maxPixels: 1e6,
    });
  });

  it('refuses an image over the pixel limit, naming the limit', async () => {
    await refused(await png(200, 100), 'image_too_large', /200×100 \(20,000 pixels\); the limit is 10,000 pixels/, {
      maxBytes: 1e6,
      maxPixels: 10_000,
    });
  });

  it('refuses non-images', async () => {
    await refused(Buffer.alloc(0), 'image_invalid', /empty/);
    await refused(Buffer.from('hello, I am plain text, not a picture'), 'image_invalid', /not an image we accept/);
    await refused(Buffer.from('<html><body>404</body></html>'), 'image_invalid', /not an image we accept/);
    await refused(Buffer.from('%PDF-1.7\n'), 'image_invalid', /not an image we accept/);
  });

  it('refuses SVG, even though libvips could read it', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    await refused(svg, 'image_invalid', /not an image we accept/);
  });

  it('refuses a truncated JPEG and a truncated PNG at probe time, small (decoded whole) or large (shrunk)', async () => {
    for (const [w, h] of [
      [256, 256],
      [900, 600],
    ] as const) {
      assert.equal(w * h <= FULL_DECODE_PIXELS, w === 256, 'one size on each side of the whole-decode limit');
      const photo = await noisy(w, h).jpeg().toBuffer();
      await refused(photo.subarray(0, Math.floor(photo.length * 0.6)), 'image_invalid', /corrupt or truncated/);
      const picture = await noisy(w, h).png().toBuffer();
      await refused(picture.subarray(0, Math.floor(picture.length * 0.6)), 'image_invalid', /corrupt or truncated/);
      // Untruncated, the same pictures pass.
      assert.equal((await probeImage(photo, 'image', LIMITS)).width, w);
      assert.equal((await probeImage(picture, 'image', LIMITS)).height, h);
    }
  });

  it('reads a plain PNG or JPEG header exactly as libvips does, and leaves EXIF and odd files to libvips', async () => {
    const plain: [string, Buffer][] = [
      ['baseline JPEG', await jpeg(640, 427)],
      ['progressive JPEG', await noisy(300, 200).jpeg({ progressive: true }).toBuffer()],
      ['CMYK JPEG', await solid(120, 90).toColourspace('cmyk').jpeg().toBuffer()],
      ['4:4:4 JPEG', await noisy(33, 17).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer()],
      ['RGB PNG', await png(640, 427)],
      ['palette PNG', await noisy(200, 100).png({ palette: true }).toBuffer()],
      ['16-bit PNG', await noisy(50, 70).toColourspace('rgb16').png().toBuffer()],
      ['interlaced PNG', await noisy(77, 55).png({ progressive: true }).toBuffer()],
      ['grey PNG with alpha', await solid(40, 30).greyscale().ensureAlpha().png().toBuffer()],
    ];
    for (const [name, body] of plain) {
      const meta = await sharp(body).metadata();
      const container = name.endsWith('JPEG') ? 'jpeg' : 'png';
      assert.deepEqual(
        plainHeader(body, container),
        { format: meta.format, width: meta.width, height: meta.height },
        name,
      );
      assert.equal(meta.orientation ?? 1, 1, name);
      assert.equal(meta.pages ?? 1, 1, name);
    }
    const toLibvips: [string, Buffer, 'jpeg' | 'png'][] = [
      ['JPEG with EXIF orientation', await rotatedJpeg(64, 48), 'jpeg'],
      ['JPEG with EXIF, no orientation', await solid(64, 48).jpeg().withMetadata().toBuffer(), 'jpeg'],
      ['PNG with EXIF', await solid(64, 48).png().withMetadata({ orientation: 6 }).toBuffer(), 'png'],
      ['truncated PNG', (await png(64, 48)).subarray(0, 60), 'png'],
      ['JPEG header alone', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]), 'jpeg'],
    ];
    for (const [name, body, container] of toLibvips) assert.equal(plainHeader(body, container), undefined, name);
    // Through the probe, the EXIF-rotated picture still reads as displayed.
    const rotated = await probeImage(await rotatedJpeg(64, 48), FIELD, LIMITS);
    assert.deepEqual([rotated.width, rotated.height, rotated.orientation], [48, 64, 6]);
  });

  it('refuses a file that only starts like an image', async () => {
    const header = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    await refused(header, 'image_invalid', /corrupt or truncated/);
  });

  it('refuses the decompression bomb quickly, without decoding it', { timeout: 60_000 }, async () => {
    const bomb = await bombPng();
    assert.ok(bomb.length < 1024 * 1024, `bomb is ${bomb.length} bytes`);
    const before = process.memoryUsage().rss;
    await refused(bomb, 'image_too_large', /14000×14000 \(196,000,000 pixels\); the limit is 50,000,000 pixels/);
    const grew = process.memoryUsage().rss - before;
    // Decoding it would need ~590 MB (14000² × 3); reading the header needs next to nothing.
    assert.ok(grew < 100 * 1024 * 1024, `RSS grew by ${Math.round(grew / 1024 / 1024)} MB`);
  });
});
