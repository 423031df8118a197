/**
 * Paparazzi: a barrage of press-camera flashes. Flash instants are seeded over the clip
 * (bunched, as photographers fire together); each fires on the frame it falls in and
 * decays exponentially over the next ones. A flash adds light in proportion to what it
 * lights (the frame added to itself), from the photographer's side, plus a white pop that
 * overexposes the middle of its beam.
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { eventTimes, randomFor } from './random.js';
import { offscreen, resetState, type LookRenderer, type LookSurface } from './surface.js';
import type { FrameLook } from './types.js';

/** Decay time of a flash, seconds (a xenon flash plus the sensor's bloom). */
const DECAY_S = 0.045;

export interface Flash {
  /** The frame the flash fires on. */
  frame: number;
  peak: number;
  /** Where the photographer stands, fractions of the frame. */
  x: number;
  y: number;
}

/** The seeded flashes of a clip: more, and closer together, with a higher amount. */
export function flashes(seed: number, amount: number, span: number, fps: number): Flash[] {
  const a = Math.max(0.2, Math.min(1.6, amount));
  return eventTimes(seed, 50, span, 0.05 / a, 0.75 / a).map((t, i) => {
    const rand = randomFor(seed, 51, i);
    return {
      frame: Math.ceil(t * fps - 1e-9),
      peak: 0.65 + 0.35 * rand(),
      x: 0.1 + 0.8 * rand(),
      y: 0.25 + 0.5 * rand(),
    };
  });
}

/** The flashes lighting frame `index`, with how bright each still is. */
export function flashesAt(all: Flash[], index: number, fps: number): { flash: Flash; level: number }[] {
  return all
    .filter((fl) => fl.frame <= index)
    .map((flash) => ({ flash, level: flash.peak * Math.exp(-(index - flash.frame) / fps / DECAY_S) }))
    .filter((l) => l.level > 0.01);
}

export class PaparazziLook implements LookRenderer {
  private all: Flash[] | undefined;
  private copy: { canvas: Canvas; ctx: SKRSContext2D } | undefined;

  constructor(private readonly s: LookSurface) {}

  draw(f: FrameLook): void {
    this.all ??= flashes(f.seed, f.amount, f.span, f.fps);
    const lit = flashesAt(this.all, f.index, f.fps);
    if (lit.length === 0) return;
    const { ctx, canvas, width: w, height: h } = this.s;
    const total = Math.min(
      1.6,
      lit.reduce((s, l) => s + l.level, 0),
    );
    this.copy ??= offscreen(w, h);
    const copy = this.copy;
    copy.ctx.globalCompositeOperation = 'copy';
    copy.ctx.drawImage(canvas, 0, 0);
    // Light added in proportion to reflectance: the frame over itself, up to twice as bright.
    ctx.globalCompositeOperation = 'lighter';
    ctx.globalAlpha = Math.min(1, 0.8 * total);
    ctx.drawImage(copy.canvas, 0, 0);
    ctx.globalAlpha = 1;
    for (const { flash, level } of lit) {
      // The beam: white from the photographer's side, strong enough to clip the middle.
      const x = flash.x * w;
      const y = flash.y * h;
      const r = Math.hypot(w, h) * 0.75;
      const g = ctx.createRadialGradient(x, y, 0, x, y, r);
      g.addColorStop(0, `rgba(235,242,255,${0.3 * level})`);
      g.addColorStop(0.35, `rgba(235,242,255,${0.12 * level})`);
      g.addColorStop(1, `rgba(235,242,255,${0.02 * level})`);
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, w, h);
    }
    resetState(ctx);
  }
}
