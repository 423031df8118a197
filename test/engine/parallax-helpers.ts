/**
 * Helpers for the parallax tests: a synthetic scene with a known layout (a red textured
 * disc in front of a blue textured background), RGB decoding, and measurements of the
 * foreground (by colour: centroid and size) and the background (patches tracked outside
 * the foreground: translation and scale) between frames.
 */
import sharp from 'sharp';
import { decodeFrames, makeTexture } from './helpers.js';

export interface RgbVideo {
  width: number;
  height: number;
  frames: Uint8Array[];
}

/** Disc centre and radius as fractions of the scene's width/height. */
export const DISC = { x: 0.5, y: 0.56, r: 0.24 };

/**
 * A scene W × H: blue-tinted texture behind a red-tinted textured disc. `variant` changes
 * textures and tints (a second, different picture for the two-image tests).
 */
export async function makeParallaxScene(width = 480, height = 270, variant = 0): Promise<Buffer> {
  const tintBack: [number, number, number] = variant ? [0.75, 0.8, 0.35] : [0.35, 0.6, 1];
  const tintFront: [number, number, number] = variant ? [0.25, 0.35, 1] : [1, 0.3, 0.2];
  const raw = async (seed: number, tint: [number, number, number]) =>
    sharp(await makeTexture(seed, width, height, tint))
      .removeAlpha()
      .raw()
      .toBuffer();
  const back = await raw(31 + variant * 7, tintBack);
  const front = await raw(47 + variant * 7, tintFront);
  const out = Buffer.alloc(width * height * 3);
  const cx = DISC.x * width;
  const cy = DISC.y * height;
  const r = DISC.r * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Anti-aliased disc edge (one pixel wide).
      const a = Math.min(1, Math.max(0, r + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy)));
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) out[i + c] = Math.round(front[i + c]! * a + back[i + c]! * (1 - a));
    }
  }
  return sharp(out, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Decodes a video to RGB frames. */
export function decodeRgb(path: string): Promise<RgbVideo> {
  return decodeFrames(path, 'rgb24');
}

/** Foreground (red-dominant) pixels of a frame. */
export function foregroundMask(v: RgbVideo, index: number): Uint8Array {
  const f = v.frames[index]!;
  const m = new Uint8Array(v.width * v.height);
  // Halfway between the disc (r − b ≈ 200) and the background (r − b ≈ −170), so blur does not bias the size.
  for (let i = 0; i < m.length; i++) m[i] = f[i * 3]! > f[i * 3 + 2]! + 15 ? 1 : 0;
  return m;
}

/**
 * Foreground centroid (px), size (√area, px) and width (px: the mean of its three widest
 * rows, the disc's diameter — still right when part of the disc has left the frame, as
 * long as its middle has not).
 */
export function foreground(v: RgbVideo, index: number): { x: number; y: number; size: number; width: number } {
  const m = foregroundMask(v, index);
  let n = 0;
  let sx = 0;
  let sy = 0;
  const rows = new Array<number>(v.height).fill(0);
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    n++;
    sx += i % v.width;
    sy += Math.floor(i / v.width);
    rows[Math.floor(i / v.width)]!++;
  }
  const widest = rows.sort((a, b) => b - a).slice(0, 3);
  return { x: sx / n, y: sy / n, size: Math.sqrt(n), width: widest.reduce((a, b) => a + b, 0) / widest.length };
}

function grey(v: RgbVideo, index: number): Float32Array {
  const f = v.frames[index]!;
  const g = new Float32Array(v.width * v.height);
  for (let i = 0; i < g.length; i++) g[i] = 0.299 * f[i * 3]! + 0.587 * f[i * 3 + 1]! + 0.114 * f[i * 3 + 2]!;
  return g;
}

/** Where the patch of `a` at (x, y) went in `b`, within ±search px (sub-pixel), or undefined. */
function match(
  a: Float32Array,
  b: Float32Array,
  w: number,
  h: number,
  x: number,
  y: number,
  r: number,
  search: number,
): [number, number] | undefined {
  const cost = new Map<number, number>();
  let best = Infinity;
  let bx = 0;
  let by = 0;
  for (let dy = -search; dy <= search; dy++) {
    for (let dx = -search; dx <= search; dx++) {
      if (x + dx - r < 0 || y + dy - r < 0 || x + dx + r >= w || y + dy + r >= h) continue;
      let s = 0;
      for (let j = -r; j <= r; j++) {
        for (let i = -r; i <= r; i++) {
          const d = a[(y + j) * w + x + i]! - b[(y + dy + j) * w + x + dx + i]!;
          s += d * d;
        }
      }
      cost.set(dy * 1000 + dx, s);
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
    x + bx + sub(cost.get(by * 1000 + bx - 1), best, cost.get(by * 1000 + bx + 1)),
    y + by + sub(cost.get((by - 1) * 1000 + bx), best, cost.get((by + 1) * 1000 + bx)),
  ];
}

/** Background motion between consecutive frames: scale about the frame centre and shift. */
function backgroundStep(v: RgbVideo, from: number): { scale: number; tx: number; ty: number } {
  const { width: w, height: h } = v;
  const a = grey(v, from);
  const b = grey(v, from + 1);
  // Stay clear of the foreground (and what it uncovers) in both frames.
  const fg = [foregroundMask(v, from), foregroundMask(v, from + 1)];
  const r = 4;
  const near = (x: number, y: number): boolean => {
    const m = 12;
    for (let yy = Math.max(0, y - m); yy < Math.min(h, y + m); yy += 2) {
      for (let xx = Math.max(0, x - m); xx < Math.min(w, x + m); xx += 2)
        if (fg[0]![yy * w + xx] || fg[1]![yy * w + xx]) return true;
    }
    return false;
  };
  const pts: [number, number, number, number][] = [];
  for (let gy = 1; gy < 8; gy++) {
    for (let gx = 1; gx < 12; gx++) {
      const x = Math.round((gx / 12) * w);
      const y = Math.round((gy / 8) * h);
      if (near(x, y)) continue;
      const m = match(a, b, w, h, x, y, r, 8);
      if (m) pts.push([x - w / 2, y - h / 2, m[0] - w / 2, m[1] - h / 2]);
    }
  }
  if (pts.length < 4) throw new Error(`only ${pts.length} background points`);
  // Least-squares scale + translation (rotation ignored).
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  const nx = pts.reduce((s, p) => s + p[2], 0) / n;
  const ny = pts.reduce((s, p) => s + p[3], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y, u, q] of pts) {
    num += (u - nx) * (x - mx) + (q - ny) * (y - my);
    den += (x - mx) ** 2 + (y - my) ** 2;
  }
  const scale = num / den;
  return { scale, tx: nx - scale * mx, ty: ny - scale * my };
}

/** Background motion from frame `from` to `to`, chained frame to frame. */
export function backgroundMotion(v: RgbVideo, from: number, to: number): { scale: number; tx: number; ty: number } {
  let scale = 1;
  let tx = 0;
  let ty = 0;
  for (let i = from; i < to; i++) {
    const s = backgroundStep(v, i);
    [scale, tx, ty] = [s.scale * scale, s.scale * tx + s.tx, s.scale * ty + s.ty];
  }
  return { scale, tx, ty };
}

/** Mean absolute difference of two RGB frames. */
export function meanAbsDiffRgb(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * Mean absolute difference of two RGB frames averaged over 4×4 blocks: the same picture
 * resampled from another mip level (sub-pixel filtering, codec) reads as ~1, another
 * picture or framing as tens.
 */
export function blockDiffRgb(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const k = 4;
  let s = 0;
  let n = 0;
  for (let by = 0; by + k <= height; by += k) {
    for (let bx = 0; bx + k <= width; bx += k) {
      for (let c = 0; c < 3; c++) {
        let d = 0;
        for (let y = by; y < by + k; y++)
          for (let x = bx; x < bx + k; x++) d += a[(y * width + x) * 3 + c]! - b[(y * width + x) * 3 + c]!;
        s += Math.abs(d) / (k * k);
        n++;
      }
    }
  }
  return s / n;
}
