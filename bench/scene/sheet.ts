/**
 * Contact sheets for looking at what was measured: chosen frames of a clip side by side in
 * frame order (frame 0 first), each panel labelled with its frame number, and the
 * positions of the near region (red dots) and the background (blue dots) marked on the
 * reference frame they were taken on (labelled REF: frame 0, or the last frame when the
 * regions were taken there and tracked back), written as PNG.
 */
import sharp from 'sharp';
import type { Point } from './labels.js';

/** A 5×7 pixel font, rows top to bottom, the most significant of 5 bits on the left. */
const GLYPHS: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14],
  '1': [4, 12, 4, 4, 4, 4, 14],
  '2': [14, 17, 1, 2, 4, 8, 31],
  '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2],
  '5': [31, 16, 30, 1, 1, 17, 14],
  '6': [6, 8, 16, 30, 17, 17, 14],
  '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14],
  '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17],
  E: [31, 16, 16, 30, 16, 16, 31],
  F: [31, 16, 16, 30, 16, 16, 16],
  M: [17, 27, 21, 21, 17, 17, 17],
  R: [30, 17, 17, 30, 20, 18, 17],
  ' ': [0, 0, 0, 0, 0, 0, 0],
};

/** Draws `text` in white on a black box at (x0, y0) of an RGB image `stride` px wide, `scale` px a font pixel. */
function drawLabel(out: Buffer, stride: number, height: number, x0: number, y0: number, text: string, scale: number) {
  const pad = scale;
  const boxW = text.length * 6 * scale - scale + 2 * pad;
  const boxH = 7 * scale + 2 * pad;
  const set = (x: number, y: number, v: number): void => {
    if (x < 0 || y < 0 || x >= stride || y >= height) return;
    const o = (y * stride + x) * 3;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
  };
  for (let y = 0; y < boxH; y++) for (let x = 0; x < boxW; x++) set(x0 + x, y0 + y, 0);
  [...text].forEach((ch, i) => {
    const rows = GLYPHS[ch] ?? GLYPHS[' ']!;
    rows.forEach((bits, r) => {
      for (let c = 0; c < 5; c++) {
        if (!((bits >> (4 - c)) & 1)) continue;
        for (let j = 0; j < scale; j++)
          for (let k = 0; k < scale; k++) set(x0 + pad + (i * 6 + c) * scale + k, y0 + pad + r * scale + j, 255);
      }
    });
  });
}

/**
 * Writes the sheet: the frames `pick` (clamped to the clip, shown in ascending order), the
 * regions' `marks` dotted on the panel of frame `reference` (the first picked frame unless told).
 */
export async function writeSheet(
  path: string,
  frames: Uint8Array[],
  w: number,
  h: number,
  pick: number[],
  marks: { near: Point[]; background: Point[] },
  reference = pick[0]!,
): Promise<void> {
  const lastFrame = frames.length - 1;
  const shown = [...new Set(pick.map((k) => Math.min(lastFrame, Math.max(0, k))))].sort((a, b) => a - b);
  const refFrame = Math.min(lastFrame, Math.max(0, reference));
  const cols = shown.length;
  const stride = w * cols;
  const out = Buffer.alloc(stride * h * 3);
  shown.forEach((k, c) => {
    const f = frames[k]!;
    for (let y = 0; y < h; y++)
      Buffer.from(f.buffer, f.byteOffset + y * w * 3, w * 3).copy(out, (y * stride + c * w) * 3);
  });
  const refCol = Math.max(0, shown.indexOf(refFrame));
  const dot = ([x, y]: Point, rgb: [number, number, number]): void => {
    for (let j = -1; j <= 1; j++) {
      for (let i = -1; i <= 1; i++) {
        const xi = Math.round(x) + i;
        const yi = Math.round(y) + j;
        if (xi < 0 || yi < 0 || xi >= w || yi >= h) continue;
        const o = (yi * stride + refCol * w + xi) * 3;
        out[o] = rgb[0];
        out[o + 1] = rgb[1];
        out[o + 2] = rgb[2];
      }
    }
  };
  // Every 24th position: enough to see the regions without hiding the picture.
  marks.near.forEach((p, i) => i % 24 === 0 && dot(p, [255, 0, 0]));
  marks.background.forEach((p, i) => i % 24 === 0 && dot(p, [0, 120, 255]));
  // Labels last, so no dot hides them; glyphs about 1/23 of the panel height.
  const scale = Math.max(1, Math.round(h / 160));
  shown.forEach((k, c) => {
    drawLabel(out, stride, h, c * w + 2 * scale, 2 * scale, `FRAME ${k}${k === refFrame ? ' REF' : ''}`, scale);
  });
  await sharp(out, { raw: { width: stride, height: h, channels: 3 } })
    .png()
    .toFile(path);
}
