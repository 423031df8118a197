/**
 * Super 8: home-movie film. Gate weave (the film sits a little differently in the gate every
 * film frame) is a small shift of the picture planned with the frame (see `gateWeave`);
 * here, per film frame: exposure flicker, dust specks and the odd hair (Skia), then one
 * per-pixel pass for warm, faded colour, a Gaussian vignette and film grain.
 */
import type { Affine } from '../maths/affine.js';
import { CLAMP, CLAMP_ZERO, rgbaWords } from './clamp.js';
import { noiseTile, TILE } from './noise-tile.js';
import { randomFor, signed } from './random.js';
import type { LookRenderer, LookSurface } from './surface.js';
import { resetState } from './surface.js';
import type { FrameLook } from './types.js';

const MASK = TILE - 1;
/** Super 8 runs at 18 frames a second: weave, flicker and dust change at that rate. */
export const FILM_FPS = 18;
/** Gate weave amplitude, fractions of the frame width and height. */
const WEAVE_X = 0.0016;
const WEAVE_Y = 0.0026;

const filmFrame = (f: FrameLook): number => Math.floor(f.time * FILM_FPS + 1e-6);

/**
 * The weave of the film frame at `time`: a shift by a seeded fraction of the frame, with a
 * constant slight enlargement about the centre so the shifted picture still covers it.
 */
export function gateWeave(seed: number, amount: number, time: number, width: number, height: number): Affine {
  const rand = randomFor(seed, 20, Math.floor(time * FILM_FPS + 1e-6));
  const a = Math.min(1.6, amount);
  const dx = signed(rand) * WEAVE_X * a * width;
  const dy = signed(rand) * WEAVE_Y * a * height;
  const z = 1 + 2.2 * Math.max(WEAVE_X, WEAVE_Y) * a;
  return [z, 0, 0, z, (1 - z) * (width / 2) + dx, (1 - z) * (height / 2) + dy];
}

export class Super8Look implements LookRenderer {
  private tile: Int8Array | undefined;
  private vx = new Float32Array(0);
  private vy = new Float32Array(0);

  constructor(private readonly s: LookSurface) {}

  /** Dust on the film: dark specks most film frames, a hair now and then, a rare light spot. */
  draw(f: FrameLook): void {
    const { ctx, width: w, height: h } = this.s;
    const rand = randomFor(f.seed, 21, filmFrame(f));
    const u = h / 720;
    const specks = Math.floor(rand() * 4 * Math.min(1.5, f.amount));
    ctx.globalCompositeOperation = 'source-over';
    for (let i = 0; i < specks; i++) {
      const light = rand() < 0.2;
      ctx.fillStyle = light ? 'rgba(255,250,235,0.55)' : 'rgba(18,12,8,0.75)';
      ctx.beginPath();
      ctx.ellipse(
        rand() * w,
        rand() * h,
        (1 + rand() * 3.5) * u + 0.4,
        (0.8 + rand() * 2.5) * u + 0.4,
        rand() * Math.PI,
        0,
        2 * Math.PI,
      );
      ctx.fill();
    }
    if (rand() < 0.12 * f.amount) {
      // A hair: a thin curl, mostly near the edge of the gate where hairs catch.
      const edge = rand() < 0.6;
      const x = edge ? (rand() < 0.5 ? rand() * 0.15 : 0.85 + rand() * 0.15) * w : rand() * w;
      const y = rand() * h;
      const len = (0.05 + rand() * 0.1) * h;
      const angle = rand() * 2 * Math.PI;
      ctx.strokeStyle = 'rgba(15,10,6,0.8)';
      ctx.lineWidth = Math.max(0.8, 1.6 * u);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.bezierCurveTo(
        x + Math.cos(angle) * len * 0.4 + signed(rand) * len * 0.4,
        y + Math.sin(angle) * len * 0.4 + signed(rand) * len * 0.4,
        x + Math.cos(angle) * len * 0.7 + signed(rand) * len * 0.4,
        y + Math.sin(angle) * len * 0.7 + signed(rand) * len * 0.4,
        x + Math.cos(angle) * len,
        y + Math.sin(angle) * len,
      );
      ctx.stroke();
    }
    resetState(ctx);
  }

  private vignette(amount: number): void {
    const { width: w, height: h } = this.s;
    if (this.vx.length === w) return;
    // exp(-k·r²) is separable: a radial vignette as a product of a row and a column factor
    // (r in half-heights, so it is round whatever the aspect; corners of 16:9 get ~0.55).
    const k = 0.15 * Math.min(1.5, amount);
    const r = (d: number): number => d / (h / 2);
    this.vx = Float32Array.from({ length: w }, (_, x) => Math.exp(-k * r(x - (w - 1) / 2) ** 2));
    this.vy = Float32Array.from({ length: h }, (_, y) => Math.exp(-k * r(y - (h - 1) / 2) ** 2));
  }

  pixels(px: Uint8Array, f: FrameLook): void {
    const { width: w, height: h } = this.s;
    this.tile ??= noiseTile(f.seed, 22, 2, 2);
    this.vignette(f.amount);
    const a = Math.min(1.6, f.amount);
    const rand = randomFor(f.seed, 23, filmFrame(f));
    // Exposure flicker per film frame, over a slower breathing of the projector lamp.
    const flicker = 1 + a * (0.055 * signed(rand) + 0.03 * Math.sin(f.time * 2 * Math.PI * 0.7 + f.seed));
    const ox = Math.floor(rand() * TILE);
    const oy = Math.floor(rand() * TILE);
    const grain = (0.065 * a * 255) / 40;
    // Faded warm stock: less saturation, red up and blue down, blacks lifted to brown.
    const sat = 1 - 0.3 * a;
    const [kr, kg, kb] = [1 + 0.06 * a, 1 - 0.01 * a, 1 - 0.16 * a];
    const [lr, lg, lb] = [26 * a, 18 * a, 8 * a];
    const contrast = 1 - 0.2 * a;
    const tile = this.tile;
    const vx = this.vx;
    const { words, commit } = rgbaWords(px);
    const lum = 1 - sat;
    for (let y = 0; y < h; y++) {
      const gy = this.vy[y]! * flicker * contrast;
      const nrow = ((y + oy) & MASK) * TILE;
      for (let x = 0, i = y * w; x < w; x++, i++) {
        const v = words[i]!;
        const r = v & 255;
        const g = (v >>> 8) & 255;
        const b = (v >>> 16) & 255;
        const base = (0.299 * r + 0.587 * g + 0.114 * b) * lum;
        const gain = gy * vx[x]!;
        const n = tile[nrow + ((x + ox) & MASK)]! * grain + CLAMP_ZERO;
        words[i] =
          CLAMP[((base + sat * r) * kr * gain + lr + n) | 0]! |
          (CLAMP[((base + sat * g) * kg * gain + lg + n) | 0]! << 8) |
          (CLAMP[((base + sat * b) * kb * gain + lb + n) | 0]! << 16) |
          0xff000000;
      }
    }
    commit();
  }
}
