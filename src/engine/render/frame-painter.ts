/**
 * Draws one frame of a plan with Skia (@napi-rs/canvas): bilinear sampling with exact
 * fractional transforms (no jitter), our own mip chain blended trilinearly when the picture
 * is minified (no shimmer), sub-frame samples averaged for motion blur, scene layers
 * (an opaque background, matted layers over it) composited back to front, then the
 * optical effects (rack focus, barrel distortion). Runs in worker threads or in-process.
 */
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import { createCanvas, ImageData } from '../canvas.js';
import type { Affine } from '../maths/affine.js';
import type { FrameInstructions, FrameLayer, LayerMask } from './frame-plan.js';
import { LookPainter } from '../looks/index.js';
import type { DecodedSource, SourceLevel } from './source-image.js';
import { cropRect, type LayerCrop } from './layer-crop.js';
import { RolledSampler } from './rolled-sampler.js';

/** Whether a frame of this size can be painted as yuv420p (even sides, at least 16 px wide). */
export function yuv420Fits(width: number, height: number): boolean {
  return width >= 16 && height >= 2 && width % 2 === 0 && height % 2 === 0;
}

/** Minification a single bilinear level handles before the next level is blended in. */
const LOD_BIAS = 0.7;
/** A transform whose rows mix in the other axis more than this is rolled (see rolled-sampler). */
const ROLLED = 1e-9;

interface PaintSource {
  scale: number;
  levels: Canvas[];
  /** The levels' pixels, for the rolled sampler. */
  pixels: SourceLevel[];
  transparent: boolean;
  /** Per level: the part to draw when not all of it (the bounds grown by the filter's reach). */
  rects?: [number, number, number, number][];
}

/** Level-0 pixels outside which a layer is fully transparent. */
export interface LayerBounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * A source the painter draws: a decoded picture, or a scene layer with a matte in its
 * alpha — and, for a layer that covers a small part of the picture (a subject), the bounds
 * of what it covers, so only that part is drawn (Skia blends transparent pixels too).
 */
export type PainterSource = DecodedSource & { transparent?: boolean; bounds?: LayerBounds };

/** The rectangle of `level` to draw: `bounds` scaled to it, grown 2 px for the filter, clipped. */
function levelRect(bounds: LayerBounds, l0: SourceLevel, l: SourceLevel): [number, number, number, number] {
  const kx = l.width / l0.width;
  const ky = l.height / l0.height;
  const x0 = Math.max(0, Math.floor(bounds.x0 * kx) - 2);
  const y0 = Math.max(0, Math.floor(bounds.y0 * ky) - 2);
  const x1 = Math.min(l.width, Math.ceil(bounds.x1 * kx) + 2);
  const y1 = Math.min(l.height, Math.ceil(bounds.y1 * ky) + 2);
  return [x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)];
}

/** The mip level (fractional) a transform samples a source at. */
function lodOf(src: PaintSource, m: Affine): number {
  const scaleToLevel0 = Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2])) / src.scale;
  return Math.max(0, Math.log2(1 / scaleToLevel0) - LOD_BIAS);
}

export interface PainterOptions {
  /** What shows where nothing is drawn (never, by design; tests paint a sentinel here). */
  fill?: string;
  /** Rolled frames by the rolled sampler (default) or by Skia (tests compare the two). */
  rolled?: boolean;
}

function levelCanvas(width: number, height: number, pixels: SharedArrayBuffer, transparent: boolean): Canvas {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d', { alpha: transparent });
  // ImageData refuses shared memory, so the pixels are copied in bands of rows through one
  // small buffer rather than as a whole second copy of the picture.
  const rows = Math.max(1, Math.min(height, Math.floor((1 << 20) / (width * 4))));
  const band = new Uint8ClampedArray(width * rows * 4);
  const src = new Uint8Array(pixels);
  for (let y = 0; y < height; y += rows) {
    const h = Math.min(rows, height - y);
    const part = h === rows ? band : band.subarray(0, width * h * 4);
    part.set(src.subarray(y * width * 4, (y + h) * width * 4));
    ctx.putImageData(new ImageData(part, width, h), 0, y);
  }
  return canvas;
}

export class FramePainter {
  private readonly sources: PaintSource[];
  private readonly out: Canvas;
  private readonly ctx: SKRSContext2D;
  private scratch: { canvas: Canvas; ctx: SKRSContext2D } | undefined;
  private radius2: Float32Array | undefined;
  private looks: LookPainter | undefined;
  private rolled: RolledSampler | undefined;
  private fillRgba: Uint8Array | undefined;
  /** The barrel distortion's RGBA output, for a frame then converted to yuv420p. */
  private lensFrame: Uint8Array | undefined;

  private readonly fill: string;
  private useRolled: boolean;

  constructor(
    sources: PainterSource[],
    readonly width: number,
    readonly height: number,
    options: PainterOptions = {},
  ) {
    this.fill = options.fill ?? '#000';
    // The sampler's 16.16 fixed point holds levels up to 32767 px a side.
    this.useRolled =
      options.rolled !== false && sources.every((src) => src.levels.every((l) => Math.max(l.width, l.height) <= 16384));
    this.sources = sources.map((s) => {
      const transparent = s.transparent === true;
      return {
        scale: s.scale,
        transparent,
        levels: s.levels.map((l) => levelCanvas(l.width, l.height, l.pixels, transparent)),
        pixels: s.levels,
        ...(s.bounds && { rects: s.levels.map((l) => levelRect(s.bounds!, s.levels[0]!, l)) }),
      };
    });
    this.out = createCanvas(width, height);
    // Opaque: Skia then hands back pixels without un-premultiplying (measured ~15× faster).
    this.ctx = this.out.getContext('2d', { alpha: false });
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.imageSmoothingQuality = 'low';
  }

  private scratchCtx(): SKRSContext2D {
    if (!this.scratch) {
      const canvas = createCanvas(this.width, this.height);
      const ctx = canvas.getContext('2d');
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'low';
      this.scratch = { canvas, ctx };
    }
    return this.scratch.ctx;
  }

  /**
   * Draws one transform of a source; `alpha` is the running-average weight of the sample.
   * `ctx` is a Skia context, or `'rolled'` for the frame the rolled sampler paints.
   */
  private drawSample(
    ctx: SKRSContext2D | 'rolled',
    src: PaintSource,
    m: Affine,
    alpha: number,
    crop?: LayerCrop,
    part?: 'fine' | 'coarse',
  ): void {
    const lod = lodOf(src, m);
    const last = src.levels.length - 1;
    const draw = (level: number, a: number): void => {
      const k = src.scale / 2 ** level;
      const t: Affine = [m[0] / k, m[1] / k, m[2] / k, m[3] / k, m[4], m[5]];
      const lv = src.levels[level]!;
      const rect = crop?.rows || crop?.cols ? cropRect(lv.width, lv.height, crop, k) : src.rects?.[level];
      if (ctx === 'rolled') {
        this.rolled!.draw(src.pixels[level]!, src.transparent, t, a, rect ?? [0, 0, lv.width, lv.height]);
        return;
      }
      ctx.globalAlpha = a;
      ctx.setTransform(...t);
      if (rect) ctx.drawImage(lv, ...rect, ...rect);
      else ctx.drawImage(lv, 0, 0);
    };
    const base = Math.min(last, Math.floor(lod));
    const frac = lod - Math.floor(lod);
    const trilinear = alpha === 1 && base < last && frac > 0.004;
    if (part) {
      // One level of a trilinear draw, whole (paintRest blends the two composites).
      if (part === 'fine') draw(trilinear ? base : Math.min(last, Math.round(lod)), 1);
      else if (trilinear) draw(base + 1, 1);
      return;
    }
    if (trilinear) {
      // Trilinear: the finer level, then the coarser one over it by the fraction.
      draw(base, 1);
      draw(base + 1, frac);
    } else {
      draw(Math.min(last, Math.round(lod)), alpha);
    }
  }

  private drawLayer(ctx: SKRSContext2D | 'rolled', layer: FrameLayer): void {
    const src = this.sources[layer.source]!;
    layer.samples.forEach((m, i) => this.drawSample(ctx, src, m, 1 / (i + 1), layer));
  }

  /**
   * A scene at rest (every layer under one transform): each mip level's layers composite
   * to that level of the picture exactly (scene/matting.ts), but blending two levels layer
   * by layer does not — so the finer level's layers are composited, then the coarser
   * level's, and the two composites blended, as the flat picture's two levels would be.
   */
  private paintRest(layers: FrameLayer[]): void {
    for (const layer of layers)
      this.drawSample(this.ctx, this.sources[layer.source]!, layer.samples[0]!, 1, layer, 'fine');
    const first = layers[0]!;
    const src = this.sources[first.source]!;
    const lod = lodOf(src, first.samples[0]!);
    const frac = lod - Math.floor(lod);
    if (Math.floor(lod) >= src.levels.length - 1 || frac <= 0.004) return;
    const s = this.scratchCtx();
    s.setTransform(1, 0, 0, 1, 0, 0);
    s.clearRect(0, 0, this.width, this.height);
    for (const layer of layers) this.drawSample(s, this.sources[layer.source]!, layer.samples[0]!, 1, layer, 'coarse');
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.globalAlpha = frac;
    this.ctx.drawImage(this.scratch!.canvas, 0, 0);
  }

  /**
   * A frame the rolled sampler paints: one with a rolled layer (Skia's slow path) and
   * nothing but opaque groups of layers drawn over one another (no fade, mask, smear,
   * defocus or look, which need Skia's canvas). A frame at rest stays Skia's (frame 0 is
   * the still's picture exactly).
   */
  private paintsRolled(frame: FrameInstructions): boolean {
    return (
      this.useRolled &&
      !frame.rest &&
      !frame.smear &&
      !(frame.blur > 0.25) &&
      !frame.look &&
      frame.layers.every((l) => l.alpha >= 0.999 && !l.mask) &&
      frame.layers.some((l) => l.samples.some((m) => Math.abs(m[1]) > ROLLED))
    );
  }

  /** The sampler: the rolled frames' painter, and every frame's conversion to yuv420p. */
  private sampler(): RolledSampler {
    if (!this.rolled) {
      this.rolled = new RolledSampler(this.width, this.height);
      // The fill colour as Skia parses it.
      const c = createCanvas(1, 1).getContext('2d');
      c.fillStyle = this.fill;
      c.fillRect(0, 0, 1, 1);
      this.fillRgba = new Uint8Array(c.getImageData(0, 0, 1, 1).data);
    }
    return this.rolled;
  }

  private paintRolled(frame: FrameInstructions, target: Uint8Array): void {
    const sampler = this.sampler();
    sampler.fill(this.fillRgba!);
    for (const layer of frame.layers) this.drawLayer('rolled', layer);
    this.emit(sampler.pixels(), target, frame.fisheye, true);
  }

  /**
   * Paints a frame into `target`: its RGBA pixels (width × height × 4 bytes), or the frame
   * as yuv420p (width × height × 3/2 bytes: the Y, U and V planes, BT.601 limited range, as
   * ffmpeg would convert the RGBA; see RolledSampler.yuv420), by the target's size.
   */
  paint(frame: FrameInstructions, target: Uint8Array): void {
    const area = this.width * this.height;
    if (target.length !== area * 4 && !(target.length === (area * 3) / 2 && yuv420Fits(this.width, this.height)))
      throw new Error(`a ${this.width}×${this.height} frame does not fit a target of ${target.length} bytes`);
    if (this.paintsRolled(frame)) {
      try {
        this.paintRolled(frame, target);
        return;
      } catch {
        // A draw out of the sampler's range (it traps rather than guess): Skia from now on.
        this.useRolled = false;
      }
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = this.fill;
    ctx.fillRect(0, 0, this.width, this.height);
    const layers = frame.layers;
    if (frame.rest) this.paintRest(layers);
    else
      for (let i = 0; i < layers.length; ) {
        let j = i + 1;
        while (j < layers.length && layers[j]!.join) j++;
        this.drawGroup(layers.slice(i, j));
        i = j;
      }
    if (frame.smear) this.smear(frame.smear);
    if (frame.blur > 0.25) this.defocus(frame.blur, frame.focus);
    // A look (looks/) draws over the finished frame, then may edit its read-back pixels.
    if (frame.look)
      (this.looks ??= new LookPainter(this.out, this.ctx, this.width, this.height, this.sources[0])).draw(frame.look);
    const pixels = this.out.data();
    if (frame.look) this.looks!.pixels(pixels, frame.look);
    this.emit(pixels, target, frame.fisheye, false);
  }

  /**
   * The finished RGBA frame `pixels` into `target` (RGBA or yuv420p, see paint), through the
   * barrel distortion when `fisheye` asks for it. `inSampler`: the pixels are the sampler's
   * own frame (converted where they lie rather than copied in first).
   */
  private emit(pixels: Uint8Array, target: Uint8Array, fisheye: number, inSampler: boolean): void {
    const rgba = target.length === this.width * this.height * 4;
    if (fisheye > 0.001) {
      const lens = rgba ? target : (this.lensFrame ??= new Uint8Array(this.width * this.height * 4));
      this.barrel(pixels, lens, fisheye);
      if (!rgba) this.sampler().yuv420(target, lens);
    } else if (rgba) target.set(pixels);
    else if (inSampler) this.sampler().yuv420(target);
    else this.sampler().yuv420(target, pixels);
  }

  /** Draws a layer and the layers joined to it with the first one's opacity. */
  private drawGroup(group: FrameLayer[]): void {
    const alpha = group[0]!.alpha;
    const mask = group[0]!.mask;
    if (alpha >= 0.999 && !mask) {
      for (const layer of group) this.drawLayer(this.ctx, layer);
      return;
    }
    const only = group.length === 1 ? group[0]! : undefined;
    if (!mask && only && only.samples.length === 1 && this.sources[only.source]!.transparent) {
      // A matted layer fading on its own needs no scratch pass.
      this.drawSample(this.ctx, this.sources[only.source]!, only.samples[0]!, alpha, only);
      return;
    }
    const s = this.scratchCtx();
    s.setTransform(1, 0, 0, 1, 0, 0);
    s.clearRect(0, 0, this.width, this.height);
    for (const layer of group) this.drawLayer(s, layer);
    if (mask) this.applyMask(s, mask);
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.globalAlpha = alpha;
    this.ctx.drawImage(this.scratch!.canvas, 0, 0);
  }

  /** Keeps the scratch canvas only where `mask` shows (a transition's soft edge). */
  private applyMask(s: SKRSContext2D, mask: LayerMask): void {
    s.setTransform(1, 0, 0, 1, 0, 0);
    s.globalAlpha = 1;
    const g =
      mask.kind === 'linear'
        ? s.createLinearGradient(mask.from[0], mask.from[1], mask.to[0], mask.to[1])
        : s.createRadialGradient(mask.centre[0], mask.centre[1], mask.r0, mask.centre[0], mask.centre[1], mask.r1);
    const [a0, a1] = mask.kind === 'linear' ? [0, 1] : mask.inverted ? [0, 1] : [1, 0];
    g.addColorStop(0, `rgba(0,0,0,${a0})`);
    g.addColorStop(1, `rgba(0,0,0,${a1})`);
    s.globalCompositeOperation = 'destination-in';
    s.fillStyle = g;
    s.fillRect(0, 0, this.width, this.height);
    s.globalCompositeOperation = 'source-over';
  }

  /** Smooths the averaged motion-blur samples by σ px so that sparse samples read as a streak. */
  private smear(sigma: number): void {
    const s = this.scratchCtx();
    s.setTransform(1, 0, 0, 1, 0, 0);
    s.globalAlpha = 1;
    s.globalCompositeOperation = 'copy';
    s.filter = `blur(${sigma.toFixed(2)}px)`;
    s.drawImage(this.out, 0, 0);
    s.filter = 'none';
    s.globalCompositeOperation = 'source-over';
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.globalAlpha = 1;
    this.ctx.drawImage(this.scratch!.canvas, 0, 0);
  }

  /** Blurs everything but a soft disc around `focus` (a rack focus on one picture plane). */
  private defocus(radius: number, focus: [number, number]): void {
    const s = this.scratchCtx();
    s.setTransform(1, 0, 0, 1, 0, 0);
    s.globalAlpha = 1;
    s.globalCompositeOperation = 'copy';
    s.filter = `blur(${radius.toFixed(2)}px)`;
    s.drawImage(this.out, 0, 0);
    s.filter = 'none';
    // Cut a soft hole where the focus is, so the sharp frame shows through there.
    const inner = this.height * 0.12;
    const outer = this.height * 0.45;
    const g = s.createRadialGradient(focus[0], focus[1], inner, focus[0], focus[1], outer);
    g.addColorStop(0, 'rgba(0,0,0,1)');
    g.addColorStop(1, 'rgba(0,0,0,0)');
    s.globalCompositeOperation = 'destination-out';
    s.fillStyle = g;
    s.fillRect(0, 0, this.width, this.height);
    s.globalCompositeOperation = 'source-over';
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.globalAlpha = 1;
    this.ctx.drawImage(this.scratch!.canvas, 0, 0);
  }

  /**
   * Barrel distortion by inverse mapping with bilinear sampling: an output pixel at
   * normalised radius r samples the frame at r·(1 + k·r²)/(1 + k), so the corners stay put
   * (no border) and the centre bulges.
   */
  private barrel(src: Uint8Array, dst: Uint8Array, k: number): void {
    const w = this.width;
    const h = this.height;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const norm = 1 / (cx * cx + cy * cy);
    if (!this.radius2) {
      this.radius2 = new Float32Array(w * h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) this.radius2[y * w + x] = ((x - cx) ** 2 + (y - cy) ** 2) * norm;
    }
    const r2 = this.radius2;
    const inv = 1 / (1 + k);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const f = (1 + k * r2[i]!) * inv;
        const sx = Math.min(w - 1.001, Math.max(0, cx + (x - cx) * f));
        const sy = Math.min(h - 1.001, Math.max(0, cy + (y - cy) * f));
        const x0 = sx | 0;
        const y0 = sy | 0;
        const fx = sx - x0;
        const fy = sy - y0;
        const p = (y0 * w + x0) * 4;
        const q = p + w * 4;
        const o = i * 4;
        for (let c = 0; c < 4; c++) {
          const top = src[p + c]! + (src[p + 4 + c]! - src[p + c]!) * fx;
          const bottom = src[q + c]! + (src[q + 4 + c]! - src[q + c]!) * fx;
          dst[o + c] = top + (bottom - top) * fy + 0.5;
        }
      }
    }
  }
}
