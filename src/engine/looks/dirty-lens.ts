/**
 * Dirty lens: smudges, water spots and specks on the glass, fixed in the frame while the
 * picture moves behind them. Dirt scatters light, so each spot glows with the light of the
 * picture around it: a blurred, highlight-weighted copy of the frame, masked by the dirt,
 * is added back (a bloom through the dirt), plus a faint haze where nothing is bright.
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { randomFor } from './random.js';
import { offscreen, resetState, type LookRenderer, type LookSurface } from './surface.js';
import type { FrameLook } from './types.js';

/** The dirt and the light it scatters are soft: drawn at half the frame's size. */
const MASK_SCALE = 0.5;

export class DirtyLensLook implements LookRenderer {
  private dirt: Canvas | undefined;
  private readonly work: { canvas: Canvas; ctx: SKRSContext2D };
  private readonly light: { canvas: Canvas; ctx: SKRSContext2D };
  private readonly wide: { canvas: Canvas; ctx: SKRSContext2D };

  constructor(private readonly s: LookSurface) {
    this.work = offscreen(s.width * MASK_SCALE, s.height * MASK_SCALE);
    // The light a spot scatters comes from around it: a 1/16 and a 1/48 copy of the frame.
    this.light = offscreen(Math.max(2, s.width / 16), Math.max(2, s.height / 16));
    this.wide = offscreen(Math.max(2, s.width / 48), Math.max(2, s.height / 48));
  }

  /** The seeded dirt: white where the glass is dirty, alpha = how much light it scatters. */
  private makeDirt(seed: number): Canvas {
    const { canvas, ctx } = offscreen(this.s.width * MASK_SCALE, this.s.height * MASK_SCALE);
    const w = canvas.width;
    const h = canvas.height;
    const rand = randomFor(seed, 40);
    const blob = (x: number, y: number, rx: number, ry: number, angle: number, alpha: number, ring: boolean): void => {
      ctx.setTransform(rx * Math.cos(angle), rx * Math.sin(angle), -ry * Math.sin(angle), ry * Math.cos(angle), x, y);
      const g = ctx.createRadialGradient(0, 0, 0, 0, 0, 1);
      if (ring) {
        g.addColorStop(0, `rgba(255,255,255,${alpha * 0.3})`);
        g.addColorStop(0.8, `rgba(255,255,255,${alpha * 0.5})`);
        g.addColorStop(0.92, `rgba(255,255,255,${alpha})`);
      } else {
        g.addColorStop(0, `rgba(255,255,255,${alpha})`);
        g.addColorStop(0.5, `rgba(255,255,255,${alpha * 0.55})`);
      }
      g.addColorStop(1, 'rgba(255,255,255,0)');
      ctx.fillStyle = g;
      ctx.fillRect(-1, -1, 2, 2);
    };
    // Greasy smudges: long, faint, swept one way like a wiping finger.
    const sweep = rand() * Math.PI;
    for (let i = 0; i < 7; i++) {
      blob(
        rand() * w,
        rand() * h,
        (0.1 + rand() * 0.25) * h,
        (0.03 + rand() * 0.06) * h,
        sweep + (rand() - 0.5) * 0.8,
        0.18 + rand() * 0.2,
        false,
      );
    }
    // Soft spots and dried water drops (rims brighter than their middles).
    for (let i = 0; i < 40; i++) {
      const r = (0.012 + rand() * rand() * 0.09) * h;
      blob(rand() * w, rand() * h, r, r * (0.8 + rand() * 0.3), rand() * Math.PI, 0.25 + rand() * 0.45, rand() < 0.35);
    }
    // Fine dust specks.
    for (let i = 0; i < 60; i++) {
      const r = (0.002 + rand() * 0.006) * h;
      blob(rand() * w, rand() * h, r, r, 0, 0.4 + rand() * 0.5, false);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    return canvas;
  }

  draw(f: FrameLook): void {
    this.dirt ??= this.makeDirt(f.seed);
    const { ctx, canvas, width: w, height: h } = this.s;
    const a = Math.min(1.6, f.amount);
    // Highlight-weighted light: the frame squared (multiply by itself) favours bright areas.
    const light = this.light;
    light.ctx.globalCompositeOperation = 'copy';
    light.ctx.drawImage(canvas, 0, 0, light.canvas.width, light.canvas.height);
    light.ctx.globalCompositeOperation = 'multiply';
    light.ctx.drawImage(light.canvas, 0, 0);
    this.wide.ctx.globalCompositeOperation = 'copy';
    this.wide.ctx.drawImage(light.canvas, 0, 0, this.wide.canvas.width, this.wide.canvas.height);
    // The dirt lit by it: light spread over the mask's size, kept only where there is dirt.
    const work = this.work;
    const [ww, wh] = [work.canvas.width, work.canvas.height];
    work.ctx.globalCompositeOperation = 'copy';
    work.ctx.globalAlpha = 1;
    work.ctx.drawImage(light.canvas, 0, 0, ww, wh);
    work.ctx.globalCompositeOperation = 'lighter';
    work.ctx.drawImage(this.wide.canvas, 0, 0, ww, wh);
    // A faint haze: dirt shows a little even where the picture is dark.
    work.ctx.fillStyle = 'rgba(56,56,56,1)';
    work.ctx.fillRect(0, 0, ww, wh);
    work.ctx.globalCompositeOperation = 'destination-in';
    work.ctx.drawImage(this.dirt, 0, 0);
    work.ctx.globalCompositeOperation = 'source-over';
    ctx.globalCompositeOperation = 'screen';
    ctx.globalAlpha = Math.min(1, 0.9 * a);
    ctx.drawImage(work.canvas, 0, 0, w, h);
    if (a > 1) {
      ctx.globalAlpha = Math.min(1, a - 1);
      ctx.drawImage(work.canvas, 0, 0, w, h);
    }
    resetState(ctx);
  }
}
