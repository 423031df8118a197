/**
 * Test helpers: generated inputs, decoding videos back to grey frames, and a small patch
 * tracker that measures the global similarity motion (scale, rotation, translation)
 * between two frames.
 */
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { mulberry32 } from '../../src/engine/maths/prng.js';

export const ffmpegPath: string = ((await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } }).default
  .path;

/** A seeded, smooth random texture (distinct patches everywhere) as a PNG. */
export async function makeTexture(
  seed: number,
  width = 640,
  height = 360,
  tint: [number, number, number] = [1, 1, 1],
): Promise<Buffer> {
  const rand = mulberry32(seed);
  const grey = Buffer.alloc(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.floor(rand() * 256);
  const blurred = await sharp(grey, { raw: { width, height, channels: 1 } })
    .blur(4)
    .normalise()
    .raw()
    .toBuffer();
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++)
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.min(255, blurred[i]! * tint[c]!);
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export interface GreyVideo {
  width: number;
  height: number;
  frames: Uint8Array[];
}

/**
 * Decodes a video to raw frames of `pixFmt` (`gray`: 1 byte a pixel, `rgb24`: 3). There is
 * no ffprobe; the size comes from ffmpeg's stderr.
 */
export function decodeFrames(path: string, pixFmt: 'gray' | 'rgb24'): Promise<GreyVideo> {
  const channels = pixFmt === 'gray' ? 1 : 3;
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegPath, ['-hide_banner', '-i', path, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('close', (code) => {
      const m = /Stream .*Video: .*?, (\d{2,5})x(\d{2,5})/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`decode failed: ${err.slice(-400)}`));
      const width = Number(m[1]);
      const height = Number(m[2]);
      const all = Buffer.concat(chunks);
      const size = width * height * channels;
      const frames: Uint8Array[] = [];
      for (let o = 0; o + size <= all.length; o += size) frames.push(new Uint8Array(all.subarray(o, o + size)));
      resolve({ width, height, frames });
    });
  });
}

/** Decodes a video to 8-bit grey frames. */
export function decodeGrey(path: string): Promise<GreyVideo> {
  return decodeFrames(path, 'gray');
}

export interface Similarity {
  scale: number;
  /** Radians, + = clockwise on screen. */
  angle: number;
  tx: number;
  ty: number;
}

/** Finds where a patch of `a` around (x, y) went in `b` (sub-pixel), or undefined. */
function matchPatch(
  a: Uint8Array,
  b: Uint8Array,
  w: number,
  h: number,
  x: number,
  y: number,
  r: number,
  search: number,
): [number, number] | undefined {
  let best = Infinity;
  let bx = 0;
  let by = 0;
  const cost = new Map<string, number>();
  for (let dy = -search; dy <= search; dy++) {
    for (let dx = -search; dx <= search; dx++) {
      if (x + dx - r < 0 || y + dy - r < 0 || x + dx + r >= w || y + dy + r >= h) continue;
      let s = 0;
      for (let j = -r; j <= r; j++) {
        const ra = (y + j) * w + x;
        const rb = (y + dy + j) * w + x + dx;
        for (let i = -r; i <= r; i++) {
          const d = a[ra + i]! - b[rb + i]!;
          s += d * d;
        }
      }
      cost.set(`${dx},${dy}`, s);
      if (s < best) [best, bx, by] = [s, dx, dy];
    }
  }
  if (!Number.isFinite(best)) return undefined;
  const sub = (m: number | undefined, c: number, p: number | undefined): number => {
    if (m === undefined || p === undefined) return 0;
    const den = m - 2 * c + p;
    return den > 0 ? (0.5 * (m - p)) / den : 0;
  };
  return [
    x + bx + sub(cost.get(`${bx - 1},${by}`), best, cost.get(`${bx + 1},${by}`)),
    y + by + sub(cost.get(`${bx},${by - 1}`), best, cost.get(`${bx},${by + 1}`)),
  ];
}

/** Least-squares similarity between two frames from a grid of tracked patches. */
export function frameSimilarity(v: GreyVideo, from: number, to: number, search = 12): Similarity {
  const { width: w, height: h } = v;
  const a = v.frames[from]!;
  const b = v.frames[to]!;
  const pts: [number, number, number, number][] = [];
  const r = 5;
  for (let gy = 1; gy <= 3; gy++) {
    for (let gx = 1; gx <= 5; gx++) {
      const x = Math.round((gx / 6) * w);
      const y = Math.round((gy / 4) * h);
      const m = matchPatch(a, b, w, h, x, y, r, search);
      if (m) pts.push([x - w / 2, y - h / 2, m[0] - w / 2, m[1] - h / 2]);
    }
  }
  // Complex regression z' = a·z + b.
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  const nx = pts.reduce((s, p) => s + p[2], 0) / n;
  const ny = pts.reduce((s, p) => s + p[3], 0) / n;
  let re = 0;
  let im = 0;
  let den = 0;
  for (const [x, y, u, v2] of pts) {
    const zx = x - mx;
    const zy = y - my;
    const wx = u - nx;
    const wy = v2 - ny;
    re += wx * zx + wy * zy;
    im += wy * zx - wx * zy;
    den += zx * zx + zy * zy;
  }
  const ar = re / den;
  const ai = im / den;
  return {
    scale: Math.hypot(ar, ai),
    angle: Math.atan2(ai, ar),
    tx: nx - (ar * mx - ai * my),
    ty: ny - (ai * mx + ar * my),
  };
}

/** Composes frame-to-frame similarities from `from` to `to` (robust to large total moves). */
export function chainedSimilarity(v: GreyVideo, from: number, to: number): Similarity {
  let ar = 1;
  let ai = 0;
  let br = 0;
  let bi = 0;
  for (let i = from; i < to; i++) {
    const s = frameSimilarity(v, i, i + 1);
    const cr = s.scale * Math.cos(s.angle);
    const ci = s.scale * Math.sin(s.angle);
    // (c, d) ∘ (a, b): z → c(a z + b) + d
    [ar, ai, br, bi] = [cr * ar - ci * ai, cr * ai + ci * ar, cr * br - ci * bi + s.tx, cr * bi + ci * br + s.ty];
  }
  return { scale: Math.hypot(ar, ai), angle: Math.atan2(ai, ar), tx: br, ty: bi };
}

/** Mean absolute difference between two frames (0..255). */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Mean gradient magnitude: a sharpness figure. */
export function sharpness(v: GreyVideo, index: number): number {
  const f = v.frames[index]!;
  let s = 0;
  for (let y = 1; y < v.height - 1; y++)
    for (let x = 1; x < v.width - 1; x++)
      s +=
        Math.abs(f[y * v.width + x + 1]! - f[y * v.width + x - 1]!) +
        Math.abs(f[(y + 1) * v.width + x]! - f[(y - 1) * v.width + x]!);
  return s / (v.width * v.height);
}
