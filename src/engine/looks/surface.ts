/**
 * What a look draws on: the painter's output canvas before its pixels are read back
 * (Skia stage), and the read-back RGBA pixels (per-pixel stage, edited in place).
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { createCanvas } from '../canvas.js';
import type { FrameLook } from './types.js';

/** The main picture as the painter holds it: mip levels, level 0 at `scale` × picture px. */
export interface LookPicture {
  levels: Canvas[];
  scale: number;
}

export interface LookSurface {
  width: number;
  height: number;
  canvas: Canvas;
  ctx: SKRSContext2D;
  picture: LookPicture | undefined;
}

/** One look's renderer; keeps per-render caches (tiles, masks), never per-frame state. */
export interface LookRenderer {
  /** Skia stage: draws over the frame. Must leave the context's state as it found it. */
  draw?(f: FrameLook): void;
  /** Per-pixel stage on the read-back RGBA frame. */
  pixels?(px: Uint8Array, f: FrameLook): void;
}

/** An offscreen canvas with its context, smoothing on. */
export function offscreen(width: number, height: number): { canvas: Canvas; ctx: SKRSContext2D } {
  const canvas = createCanvas(Math.max(1, Math.round(width)), Math.max(1, Math.round(height)));
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low';
  return { canvas, ctx };
}

/** Resets the drawing state a look may have changed (transform, alpha, blend, filter). */
export function resetState(ctx: SKRSContext2D): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = 'source-over';
}
