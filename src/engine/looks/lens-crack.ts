/**
 * Lens crack: at a seeded moment something hits the glass. A spider-web crack (jagged
 * radial cracks from the impact, joined by rings) spreads from the impact point within a
 * few hundredths of a second and stays, fixed in the frame; the picture jolts at the hit
 * (`crackJolt`, planned with the frame). Each crack is a dark line with a bright edge
 * beside it, as broken glass catches the light.
 */
import type { Canvas } from '@napi-rs/canvas';
import type { Affine } from '../maths/affine.js';
import { smoothstep } from '../maths/scalar.js';
import { randomFor, signed } from './random.js';
import { offscreen, resetState, type LookRenderer, type LookSurface } from './surface.js';
import type { FrameLook } from './types.js';

/** Seconds the crack takes to spread over its whole length. */
const SPREAD_S = 0.12;

/** The seeded impact: when (seconds) and where (fractions of the frame). */
export function impact(seed: number, span: number): { time: number; x: number; y: number } {
  const rand = randomFor(seed, 70);
  return { time: span * (0.2 + 0.3 * rand()), x: 0.25 + 0.5 * rand(), y: 0.25 + 0.5 * rand() };
}

/**
 * The picture's jolt at the hit: a shift that rings down in a quarter of a second, inside
 * a constant slight enlargement (so the shifted picture always covers the frame).
 */
export function crackJolt(
  seed: number,
  amount: number,
  span: number,
  time: number,
  width: number,
  height: number,
): Affine {
  const dt = time - impact(seed, span).time;
  const rand = randomFor(seed, 71);
  const k =
    dt < 0 || dt > 0.4 ? 0 : Math.min(1.5, amount) * 0.012 * Math.exp(-dt / 0.08) * Math.cos(dt * 2 * Math.PI * 9);
  const dx = signed(rand) * k * width;
  const dy = signed(rand) * k * height;
  const z = 1 + 0.03 * Math.min(1.5, amount);
  return [z, 0, 0, z, (1 - z) * (width / 2) + dx, (1 - z) * (height / 2) + dy];
}

export class LensCrackLook implements LookRenderer {
  private crack: Canvas | undefined;
  /** Longest crack from the impact, px: how far the spreading reveal must reach. */
  private reach = 0;

  constructor(private readonly s: LookSurface) {}

  private makeCrack(f: FrameLook): Canvas {
    const { width: w, height: h } = this.s;
    const { canvas, ctx } = offscreen(w, h);
    const hit = impact(f.seed, f.span);
    const [ix, iy] = [hit.x * w, hit.y * h];
    const rand = randomFor(f.seed, 72);
    const u = h / 720;
    const spokes = 9 + Math.floor(rand() * 6);
    const radials: [number, number][][] = [];
    for (let i = 0; i < spokes; i++) {
      // Nearly straight spokes: each step wanders a little about the spoke's own direction.
      const base = (i / spokes) * 2 * Math.PI + signed(rand) * 0.25;
      const length = (0.3 + rand() * 0.7) * Math.hypot(w, h) * 0.45;
      const pts: [number, number][] = [[ix, iy]];
      let [x, y, dev] = [ix, iy, 0];
      for (let d = 0; d < length; ) {
        const step = (6 + rand() * 22) * u;
        dev = 0.6 * dev + signed(rand) * 0.18;
        x += Math.cos(base + dev) * step;
        y += Math.sin(base + dev) * step;
        d += step;
        pts.push([x, y]);
      }
      radials.push(pts);
    }
    const pointAt = (pts: [number, number][], r: number): [number, number] | undefined =>
      pts.find(([x, y]) => Math.hypot(x - ix, y - iy) >= r);
    const stroke = (pts: [number, number][], width: number): void => {
      // The bright edge first, offset a pixel, then the dark crack over it.
      for (const [colour, off, lw] of [
        ['rgba(255,255,255,0.5)', 1, width * 0.8],
        ['rgba(10,10,12,0.55)', 0, width],
      ] as const) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = lw;
        ctx.beginPath();
        pts.forEach(([x, y], j) =>
          j === 0 ? ctx.moveTo(x + off * u, y + off * u) : ctx.lineTo(x + off * u, y + off * u),
        );
        ctx.stroke();
      }
    };
    ctx.lineJoin = 'round';
    for (const pts of radials) stroke(pts, Math.max(0.8, 1.5 * u));
    // Rings: jagged chords between neighbouring spokes at growing distances (the web).
    for (const r of [0.035, 0.075, 0.13, 0.21].map((k) => k * h * (0.8 + rand() * 0.4))) {
      for (let i = 0; i < spokes; i++) {
        if (rand() < 0.3) continue;
        const pa = pointAt(radials[i]!, r * (0.9 + rand() * 0.2));
        const pb = pointAt(radials[(i + 1) % spokes]!, r * (0.9 + rand() * 0.2));
        if (!pa || !pb) continue;
        const mid: [number, number] = [
          (pa[0] + pb[0]) / 2 + signed(rand) * 3 * u,
          (pa[1] + pb[1]) / 2 + signed(rand) * 3 * u,
        ];
        stroke([pa, mid, pb], Math.max(0.7, 1.1 * u));
      }
    }
    // The impact itself: crushed glass, a small white star.
    const g = ctx.createRadialGradient(ix, iy, 0, ix, iy, 18 * u);
    g.addColorStop(0, 'rgba(255,255,255,0.85)');
    g.addColorStop(0.4, 'rgba(230,235,240,0.4)');
    g.addColorStop(1, 'rgba(230,235,240,0)');
    ctx.fillStyle = g;
    ctx.fillRect(ix - 18 * u, iy - 18 * u, 36 * u, 36 * u);
    this.reach = Math.max(...radials.flat().map(([x, y]) => Math.hypot(x - ix, y - iy)));
    return canvas;
  }

  draw(f: FrameLook): void {
    const hit = impact(f.seed, f.span);
    if (f.time < hit.time) return;
    this.crack ??= this.makeCrack(f);
    const { ctx, width: w, height: h } = this.s;
    const grown = smoothstep(0, SPREAD_S, f.time - hit.time);
    ctx.globalAlpha = Math.min(1, 0.6 + 0.4 * Math.min(1.5, f.amount));
    if (grown < 1) {
      // Spreading: only the part within the growing radius shows.
      ctx.save();
      ctx.beginPath();
      ctx.arc(hit.x * w, hit.y * h, Math.max(1, grown * this.reach), 0, 2 * Math.PI);
      ctx.clip();
      ctx.drawImage(this.crack, 0, 0);
      ctx.restore();
    } else {
      ctx.drawImage(this.crack, 0, 0);
    }
    resetState(ctx);
  }
}
