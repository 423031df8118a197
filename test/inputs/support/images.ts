/** Test images, generated on the fly (no committed binaries). */
import sharp from 'sharp';

/** A noisy picture: realistic compressed size, so truncation cuts real scan data. */
export function noisy(width: number, height: number) {
  return sharp({
    create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  });
}

export function solid(width: number, height: number, background = '#3a7') {
  return sharp({ create: { width, height, channels: 3, background } });
}

export const jpeg = (width = 64, height = 48) => noisy(width, height).jpeg().toBuffer();
export const png = (width = 64, height = 48) => solid(width, height).png().toBuffer();

/** A JPEG whose pixels are `width`×`height` but which says "rotate 90° clockwise" (EXIF 6). */
export const rotatedJpeg = (width: number, height: number) =>
  solid(width, height).jpeg().withMetadata({ orientation: 6 }).toBuffer();

/** An animated GIF of `frames` solid frames. */
export async function animatedGif(frames: number, width = 24, height = 16): Promise<Buffer> {
  const colours = ['red', 'blue', 'green', 'white'];
  const stills = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      solid(width, height, colours[i % colours.length])
        .png()
        .toBuffer(),
    ),
  );
  return sharp(stills, { join: { animated: true } })
    .gif()
    .toBuffer();
}

/** The decompression bomb: a flat 14000×14000 PNG, ~600 KB on disk, ~590 MB as raw RGB. */
export const bombPng = () => solid(14_000, 14_000, '#ffffff').png({ compressionLevel: 9 }).toBuffer();
