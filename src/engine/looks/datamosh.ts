/**
 * Datamosh: what a video codec shows when its keyframes are lost. During seeded bursts,
 * blocks of the frame keep showing an earlier moment of the move: most the burst's first
 * instant (its lost keyframe, so the picture drags more the longer the burst lasts), others
 * a fraction of a second back; a few blocks smear one row of pixels down their height.
 * Stateless: the earlier moments are the camera's own transforms then (planned with the
 * frame), redrawn from the current frame, so frames can be painted in any order.
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { invertAffine } from '../maths/affine.js';
import { multiplyAffine } from '../maths/affine.js';
import { eventTimes, randomFor } from './random.js';
import { offscreen, resetState, type LookRenderer, type LookSurface } from './surface.js';
import type { FrameLook } from './types.js';

/** References drawn from: the burst's start, and these lags in seconds. */
export const REF_LAGS_S = [0.2, 0.45];

export interface Burst {
  start: number;
  length: number;
}

/** The seeded glitch bursts of a clip (clean stretches between them, like new keyframes). */
export function bursts(seed: number, amount: number, span: number): Burst[] {
  const a = Math.max(0.2, Math.min(1.6, amount));
  return eventTimes(seed, 60, span, 0.9 / a, 2 / a).map((start, i) => ({
    start: start - 0.4,
    length: (0.7 + randomFor(seed, 61, i)() * 0.9) * Math.min(1.3, a),
  }));
}

/** The burst frame-time `time` falls in, if any. */
export function burstAt(seed: number, amount: number, span: number, time: number): Burst | undefined {
  return bursts(seed, amount, span).find((b) => time >= b.start && time < b.start + b.length);
}

/** Seconds at which the frame at `time` needs the camera's transforms (its references). */
export function datamoshRefTimes(seed: number, amount: number, span: number, time: number): number[] {
  const burst = burstAt(seed, amount, span, time);
  if (!burst) return [];
  return [Math.max(0, burst.start), ...REF_LAGS_S.map((lag) => Math.max(0, time - lag))];
}

export class DatamoshLook implements LookRenderer {
  private copy: { canvas: Canvas; ctx: SKRSContext2D } | undefined;

  constructor(private readonly s: LookSurface) {}

  draw(f: FrameLook): void {
    const refs = f.refs;
    if (!refs || refs.length === 0) return;
    const burst = burstAt(f.seed, f.amount, f.span, f.time)!;
    const { ctx, canvas, width: w, height: h } = this.s;
    const a = Math.min(1.6, f.amount);
    const progress = Math.min(1, (f.time - burst.start) / burst.length);
    const block = Math.max(8, Math.round(h / 22 / 8) * 8);
    const cols = Math.ceil(w / block);
    const rows = Math.ceil(h / block);
    this.copy ??= offscreen(w, h);
    this.copy.ctx.globalCompositeOperation = 'copy';
    this.copy.ctx.drawImage(canvas, 0, 0);
    const copy = this.copy.canvas;
    // Cells are chosen per burst (so they persist while it lasts) in clumps of 4 × 4 cells,
    // and more of them fail as the burst goes on.
    const coverage = Math.min(0.85, a * (0.2 + 0.45 * progress));
    const burstKey = Math.round(burst.start * 1000);
    const clump = (cx: number, cy: number): number =>
      randomFor(f.seed, 62, burstKey * 65536 + (cy >> 2) * 256 + (cx >> 2))();
    const paths = refs.map(() => [] as [number, number, number][]);
    const smears: [number, number][] = [];
    for (let cy = 0; cy < rows; cy++) {
      let run: [number, number, number] | undefined;
      for (let cx = 0; cx <= cols; cx++) {
        const cell = cx < cols ? randomFor(f.seed, 63, burstKey * 65536 + cy * 256 + cx)() : 1;
        const on = cx < cols && 0.6 * clump(cx, cy) + 0.4 * cell < coverage;
        const ref = on ? (clump(cx, cy) < coverage * 0.5 ? 0 : 1 + Math.floor(cell * (refs.length - 1))) : -1;
        if (on && cell < 0.08) smears.push([cx, cy]);
        if (run && (ref !== run[2] || !on)) {
          paths[run[2]]!.push([run[0], cy, cx - run[0]]);
          run = undefined;
        }
        if (on && !run) run = [cx, cy, ref];
      }
    }
    // Each reference: the current frame mapped back to where the picture was then.
    const inv = invertAffine(f.anchor);
    refs.forEach((ref, i) => {
      const runs = paths[i]!;
      if (runs.length === 0) return;
      ctx.save();
      ctx.beginPath();
      for (const [cx, cy, n] of runs) ctx.rect(cx * block, cy * block, n * block, block);
      ctx.clip();
      const m = multiplyAffine(ref, inv);
      ctx.setTransform(m[0], m[1], m[2], m[3], m[4], m[5]);
      ctx.drawImage(copy, 0, 0);
      ctx.restore();
    });
    // Smeared macroblocks: the block's top row stretched down over it.
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (const [cx, cy] of smears)
      ctx.drawImage(copy, cx * block, cy * block, block, 1, cx * block, cy * block, block, block * 2);
    resetState(ctx);
  }
}
