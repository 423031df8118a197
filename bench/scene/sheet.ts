/**
 * Contact sheets for looking at what was measured: chosen frames of a clip side by side, the
 * frame-0 positions of the near region (red dots) and the background (blue dots) marked on
 * the first one, written as PNG.
 */
import sharp from 'sharp';
import type { Point } from './labels.js';

export async function writeSheet(
  path: string,
  frames: Uint8Array[],
  w: number,
  h: number,
  pick: number[],
  marks: { near: Point[]; background: Point[] },
): Promise<void> {
  const cols = pick.length;
  const out = Buffer.alloc(w * cols * h * 3);
  pick.forEach((k, c) => {
    const f = frames[Math.min(frames.length - 1, k)]!;
    for (let y = 0; y < h; y++)
      Buffer.from(f.buffer, f.byteOffset + y * w * 3, w * 3).copy(out, (y * w * cols + c * w) * 3);
  });
  const dot = ([x, y]: Point, rgb: [number, number, number]): void => {
    for (let j = -1; j <= 1; j++) {
      for (let i = -1; i <= 1; i++) {
        const xi = Math.round(x) + i;
        const yi = Math.round(y) + j;
        if (xi < 0 || yi < 0 || xi >= w || yi >= h) continue;
        const o = (yi * w * cols + xi) * 3;
        out[o] = rgb[0];
        out[o + 1] = rgb[1];
        out[o + 2] = rgb[2];
      }
    }
  };
  // Every 24th position: enough to see the regions without hiding the picture.
  marks.near.forEach((p, i) => i % 24 === 0 && dot(p, [255, 0, 0]));
  marks.background.forEach((p, i) => i % 24 === 0 && dot(p, [0, 120, 255]));
  await sharp(out, { raw: { width: w * cols, height: h, channels: 3 } })
    .png()
    .toFile(path);
}
