/**
 * VHS: worn videotape. One per-pixel pass does what tape does to a picture: chroma smeared
 * and misregistered (red and blue shifted a couple of px opposite ways, 3-tap softened),
 * lifted blacks, lower contrast and saturation, horizontally streaky luma noise and
 * scanlines; rows inside a rolling tracking band and the head-switching rows at the bottom
 * are displaced sideways and noisier. No timestamp.
 */
import { CLAMP, CLAMP_ZERO, rgbaWords } from './clamp.js';
import { noiseTile, TILE } from './noise-tile.js';
import { smoothstep } from '../maths/scalar.js';
import { eventTimes, randomFor, signed } from './random.js';
import type { LookRenderer, LookSurface } from './surface.js';
import type { FrameLook } from './types.js';

const MASK = TILE - 1;
/** Tracking glitches: one every 1.2–3.2 s, each rolling through the frame in this long. */
const TRACKING_GAP: [number, number] = [1.2, 3.2];
const TRACKING_ROLL_S = 0.9;

export class VhsLook implements LookRenderer {
  private tile: Int8Array | undefined;
  private line = new Uint32Array(0);
  private readonly shift: Int16Array;
  private readonly gain: Float32Array;
  private readonly noise: Float32Array;
  /** Per row: bright streak strength (tracking noise is sparse white dashes, not grey fuzz). */
  private readonly sparkle: Float32Array;
  private readonly lut = new Float32Array(256);

  constructor(private readonly s: LookSurface) {
    this.shift = new Int16Array(s.height);
    this.gain = new Float32Array(s.height);
    this.noise = new Float32Array(s.height);
    this.sparkle = new Float32Array(s.height);
  }

  /** Per-row displacement, gain and noise for this frame (scanlines, band, head switching). */
  private rows(f: FrameLook): void {
    const { width: w, height: h } = this.s;
    const a = f.amount;
    const period = Math.max(2, Math.round(h / 240));
    const jitter = randomFor(f.seed, 11, f.index);
    // A faint per-frame wobble of the whole picture, as an unsteady time base gives.
    const wobble = Math.round(signed(jitter) * 0.6 * (w / 1280) * a);
    for (let y = 0; y < h; y++) {
      this.shift[y] = wobble;
      this.gain[y] = y % period === period - 1 ? 1 - 0.22 * a : 1;
      this.noise[y] = 0.035 * a;
      this.sparkle[y] = 0;
    }
    // Tracking: a band a few % of the height rolls down the frame now and then.
    for (const start of eventTimes(f.seed, 12, f.span + TRACKING_ROLL_S, ...TRACKING_GAP)) {
      const u = (f.time - start) / TRACKING_ROLL_S;
      if (u < 0 || u > 1) continue;
      const rand = randomFor(f.seed, 13, Math.round(start * 1000));
      const bandH = h * (0.05 + 0.06 * rand());
      const centre = -bandH + u * (h + 2 * bandH);
      const push = (0.01 + 0.025 * rand()) * w * a;
      for (let y = Math.max(0, Math.floor(centre - bandH)); y < Math.min(h, centre + bandH); y++) {
        const k = 1 - Math.abs(y - centre) / bandH;
        const lineRand = randomFor(f.seed, 14, f.index * 4096 + y);
        this.shift[y] = this.shift[y]! + Math.round(push * k * (0.6 + 0.8 * lineRand()));
        this.noise[y] = this.noise[y]! + 0.06 * a * k;
        this.sparkle[y] = Math.max(this.sparkle[y]!, 2.2 * a * k * lineRand());
        this.gain[y] = this.gain[y]! * (1 + 0.12 * k * a);
      }
    }
    // Head switching: the last ~2 % of rows skew sideways and fizz.
    const rows = Math.max(2, Math.round(h * 0.022));
    for (let j = 0; j < rows; j++) {
      const y = h - rows + j;
      const k = (j + 1) / rows;
      this.shift[y] = this.shift[y]! + Math.round(k * k * w * 0.03 * a * (0.8 + 0.4 * smoothstep(0, 1, jitter())));
      this.noise[y] = this.noise[y]! + 0.1 * k * a;
      this.sparkle[y] = 1.5 * k * a;
    }
  }

  pixels(px: Uint8Array, f: FrameLook): void {
    const { width: w, height: h } = this.s;
    this.tile ??= noiseTile(f.seed, 10, 4, 1);
    this.rows(f);
    const tile = this.tile;
    const a = Math.min(1.6, f.amount);
    const dx = Math.max(1, Math.round((2 * w * a) / 1280));
    // Chroma is smeared over [1, 2, 1] taps this far apart (tape keeps little colour detail).
    const tap = Math.max(1, Math.round(w / 640));
    let maxShift = 0;
    for (let y = 0; y < h; y++) maxShift = Math.max(maxShift, Math.abs(this.shift[y]!));
    // A row copy padded with its edge pixels, so the inner loop never clamps.
    const pad = maxShift + dx + tap + 1;
    if (this.line.length < w + 2 * pad) this.line = new Uint32Array(w + 2 * pad);
    const line = this.line;
    const { words, commit } = rgbaWords(px);
    const rand = randomFor(f.seed, 15, f.index);
    const ox = Math.floor(rand() * TILE);
    const oy = Math.floor(rand() * TILE);
    // Colour: saturation × 0.75, contrast × 0.86 around mid grey, blacks lifted a little.
    const sat = 1 - 0.25 * a;
    const contrast = 1 - 0.14 * a;
    const lift = 128 * (1 - contrast) + 6 * a + CLAMP_ZERO;
    const lut = this.lut;
    let lutNoise = NaN;
    let lutSpark = NaN;
    for (let y = 0; y < h; y++) {
      const row = y * w;
      line.set(words.subarray(row, row + w), pad);
      line.fill(words[row]!, 0, pad);
      line.fill(words[row + w - 1]!, pad + w, w + 2 * pad);
      const g = this.gain[y]! * contrast;
      // Noise by table: grey fuzz plus, in glitching rows, white dashes where the tile peaks.
      const n = (this.noise[y]! / 40) * 255;
      const spark = this.sparkle[y]! * 4;
      if (n !== lutNoise || spark !== lutSpark) {
        for (let v = -128; v < 128; v++) lut[v + 128] = v * n + (spark > 0 && v > 48 ? (v - 48) * spark : 0);
        [lutNoise, lutSpark] = [n, spark];
      }
      const sh = pad - this.shift[y]!;
      const nrow = ((y + oy) & MASK) * TILE;
      for (let x = 0; x < w; x++) {
        const c = x + sh;
        const cr = c - dx;
        const cb = c + dx;
        const r = ((line[cr - tap]! & 255) + 2 * (line[cr]! & 255) + (line[cr + tap]! & 255)) * 0.25;
        const gr = (line[c]! >>> 8) & 255;
        const b =
          (((line[cb - tap]! >>> 16) & 255) + 2 * ((line[cb]! >>> 16) & 255) + ((line[cb + tap]! >>> 16) & 255)) * 0.25;
        const base = (0.299 * r + 0.587 * gr + 0.114 * b) * (1 - sat);
        const k = lift + lut[tile[nrow + ((x + ox) & MASK)]! + 128]!;
        words[row + x] =
          CLAMP[((base + sat * r) * g + k) | 0]! |
          (CLAMP[((base + sat * gr) * g + k) | 0]! << 8) |
          (CLAMP[((base + sat * b) * g + k) | 0]! << 16) |
          0xff000000;
      }
    }
    commit();
  }
}
