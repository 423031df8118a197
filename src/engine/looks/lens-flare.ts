/**
 * Lens flare: a bright source (the picture's brightest region, fixed in the scene so it
 * moves with the camera) with a warm glow, a horizontal streak, a few faint rays, and ghost
 * discs on the line from the source through the frame centre, all added light ('lighter').
 * As the camera moves the source shifts and the ghosts swing across the frame opposite it.
 */
import { applyAffine } from '../maths/affine.js';
import { hashSeed, smoothNoise } from '../maths/prng.js';
import { brightSpot } from './bright-spot.js';
import { smoothstep } from '../maths/scalar.js';
import { randomFor } from './random.js';
import { resetState, type LookRenderer, type LookSurface } from './surface.js';
import type { FrameLook } from './types.js';

interface Ghost {
  /** Position along source → centre: 0 at the source, 1 at the centre, 2 mirrored. */
  at: number;
  radius: number;
  rgb: string;
  alpha: number;
  /** A ring (bright rim) rather than a soft disc. */
  ring: boolean;
}

const GHOST_COLOURS = ['120,200,255', '255,190,110', '170,120,255', '120,255,170', '255,140,170', '255,230,150'];

export class LensFlareLook implements LookRenderer {
  private source: [number, number] | undefined;
  private ghosts: Ghost[] | undefined;
  private rays: number[] | undefined;
  private flicker: ((x: number) => number) | undefined;

  constructor(private readonly s: LookSurface) {}

  private prepare(f: FrameLook): void {
    if (this.source) return;
    this.source = brightSpot(this.s.picture, f.anchorStart, this.s.width, this.s.height);
    const rand = randomFor(f.seed, 30);
    const count = 5 + Math.floor(rand() * 3);
    this.ghosts = Array.from({ length: count }, () => ({
      at: 0.35 + rand() * 1.9,
      radius: 0.015 + rand() * rand() * 0.11,
      rgb: GHOST_COLOURS[Math.floor(rand() * GHOST_COLOURS.length)]!,
      alpha: 0.06 + rand() * 0.12,
      ring: rand() < 0.3,
    }));
    this.rays = Array.from({ length: 6 }, (_, i) => (i / 6) * Math.PI + (rand() - 0.5) * 0.4);
    this.flicker = smoothNoise(hashSeed(f.seed, 31), 2);
  }

  draw(f: FrameLook): void {
    this.prepare(f);
    const { ctx, width: w, height: h } = this.s;
    const [sx, sy] = applyAffine(f.anchor, this.source![0], this.source![1]);
    // Fades as the source leaves the frame; breathes a little, as real glare does.
    const outside = Math.max(0, -sx, sx - w, -sy, sy - h) / h;
    const intensity =
      Math.min(1.5, f.amount) * (1 - smoothstep(0, 0.35, outside)) * (1 + 0.08 * this.flicker!(f.time * 1.5));
    if (intensity <= 0.01) return;
    const u = h;
    ctx.globalCompositeOperation = 'lighter';
    this.glow(sx, sy, u * 0.55, [
      [0, `255,246,228,${0.85 * intensity}`],
      [0.06, `255,232,195,${0.55 * intensity}`],
      [0.25, `255,205,150,${0.16 * intensity}`],
      [1, '255,190,140,0'],
    ]);
    this.glow(sx, sy, u * 1.1, [
      [0, `255,220,180,${0.12 * intensity}`],
      [1, '255,210,170,0'],
    ]);
    this.streak(sx, sy, w * 0.55, u * 0.018, intensity);
    this.rayBurst(sx, sy, u * 0.32, intensity);
    // Ghosts sit on the line through the centre, so they swing round it as the source moves.
    const cx = w / 2;
    const cy = h / 2;
    for (const g of this.ghosts!) {
      const gx = sx + (cx - sx) * g.at;
      const gy = sy + (cy - sy) * g.at;
      const r = g.radius * u;
      const a = g.alpha * intensity;
      const stops: [number, string][] = g.ring
        ? [
            [0, `${g.rgb},${a * 0.25}`],
            [0.8, `${g.rgb},${a * 0.5}`],
            [0.93, `${g.rgb},${a}`],
            [1, `${g.rgb},0`],
          ]
        : [
            [0, `${g.rgb},${a}`],
            [0.75, `${g.rgb},${a * 0.8}`],
            [1, `${g.rgb},0`],
          ];
      this.glow(gx, gy, r, stops);
    }
    resetState(ctx);
  }

  /** A radial gradient disc, filled only over its bounding box. */
  private glow(x: number, y: number, r: number, stops: [number, string][]): void {
    const ctx = this.s.ctx;
    const g = ctx.createRadialGradient(x, y, 0, x, y, r);
    for (const [at, rgba] of stops) g.addColorStop(at, `rgba(${rgba})`);
    ctx.fillStyle = g;
    ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
  }

  /** The anamorphic-looking streak: a radial gradient squashed into a thin horizontal line. */
  private streak(x: number, y: number, half: number, thick: number, intensity: number): void {
    const ctx = this.s.ctx;
    ctx.setTransform(half, 0, 0, thick, x, y);
    const g = ctx.createRadialGradient(0, 0, 0, 0, 0, 1);
    g.addColorStop(0, `rgba(225,238,255,${0.7 * intensity})`);
    g.addColorStop(0.3, `rgba(170,205,255,${0.25 * intensity})`);
    g.addColorStop(1, 'rgba(150,190,255,0)');
    ctx.fillStyle = g;
    ctx.fillRect(-1, -1, 2, 2);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  /** Thin rays through the source (the aperture blades' diffraction spikes). */
  private rayBurst(x: number, y: number, len: number, intensity: number): void {
    const ctx = this.s.ctx;
    ctx.lineWidth = Math.max(1, len / 160);
    for (const angle of this.rays!) {
      const dx = Math.cos(angle) * len;
      const dy = Math.sin(angle) * len;
      const g = ctx.createLinearGradient(x - dx, y - dy, x + dx, y + dy);
      g.addColorStop(0, 'rgba(255,240,220,0)');
      g.addColorStop(0.5, `rgba(255,240,220,${0.35 * intensity})`);
      g.addColorStop(1, 'rgba(255,240,220,0)');
      ctx.strokeStyle = g;
      ctx.beginPath();
      ctx.moveTo(x - dx, y - dy);
      ctx.lineTo(x + dx, y + dy);
      ctx.stroke();
    }
  }
}
