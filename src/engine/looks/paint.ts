/**
 * The painter side of looks: one renderer per render, created on the first frame that asks
 * for it, holding only per-render caches (noise tiles, dirt masks), never per-frame state.
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { DatamoshLook } from './datamosh.js';
import { DirtyLensLook } from './dirty-lens.js';
import { LensCrackLook } from './lens-crack.js';
import { LensFlareLook } from './lens-flare.js';
import { PaparazziLook } from './paparazzi.js';
import { resetState, type LookPicture, type LookRenderer, type LookSurface } from './surface.js';
import { Super8Look } from './super8.js';
import type { FrameLook, LookName } from './types.js';
import { VhsLook } from './vhs.js';

const RENDERERS: Record<LookName, new (s: LookSurface) => LookRenderer> = {
  vhs: VhsLook,
  super8: Super8Look,
  lensFlare: LensFlareLook,
  dirtyLens: DirtyLensLook,
  paparazzi: PaparazziLook,
  datamosh: DatamoshLook,
  lensCrack: LensCrackLook,
};

export class LookPainter {
  private readonly renderers = new Map<LookName, LookRenderer>();
  private readonly surface: LookSurface;

  constructor(canvas: Canvas, ctx: SKRSContext2D, width: number, height: number, picture: LookPicture | undefined) {
    this.surface = { canvas, ctx, width, height, picture };
  }

  private renderer(name: LookName): LookRenderer {
    let r = this.renderers.get(name);
    if (!r) {
      r = new RENDERERS[name](this.surface);
      this.renderers.set(name, r);
    }
    return r;
  }

  /** Skia stage: over the finished frame, before its pixels are read back. */
  draw(look: FrameLook): void {
    const r = this.renderer(look.name);
    if (!r.draw) return;
    // The painter leaves the last sample's transform and opacity set; looks draw in output px.
    resetState(this.surface.ctx);
    r.draw(look);
  }

  /** Per-pixel stage: on the read-back RGBA pixels, in place. */
  pixels(px: Uint8Array, look: FrameLook): void {
    this.renderer(look.name).pixels?.(px, look);
  }
}
