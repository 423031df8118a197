/**
 * Rolled draws without Skia. Skia samples a rotated picture about 3× slower than a scaled
 * one: its scale-and-translate path walks two source rows per output row, but a roll of
 * even a fraction of a degree sends it to its general path, which for a 2.5° roll crosses
 * a hundred source rows per output row of a 720p frame. This sampler (rolled-sampler.wat,
 * WebAssembly SIMD) draws the same bilinear, source-over layers in 128-column strips, so the
 * source rows one output row reads are still in cache for the next: a rolled 720p frame
 * from a 1783×1337 level in ~2.6 ms against Skia's 7.5 (docs/performance.md). It keeps its
 * own premultiplied copies of the levels it draws (loaded on first use) and the frame.
 */
import type { Affine } from '../maths/affine.js';
import { ROLLED_SAMPLER_WASM } from './rolled-sampler-wasm.js';

/** What is used of the WebAssembly API (the project's type libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface SamplerExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  premultiply(p: number, n: number): void;
  fill(p: number, n: number, rgba: number): void;
  draw(
    src: number,
    sw: number,
    sh: number,
    rx0: number,
    ry0: number,
    rx1: number,
    ry1: number,
    dst: number,
    dw: number,
    bx0: number,
    by0: number,
    bx1: number,
    by1: number,
    ia: number,
    ib: number,
    ic: number,
    id: number,
    ie: number,
    if_: number,
    kx: number,
    ky: number,
    alpha: number,
    opaque: number,
  ): void;
  yuv420(src: number, w: number, h: number, dst: number, tmp: number): void;
}

let compiled: object | undefined;

/** A level's pixels as the sampler reads them: unpremultiplied RGBA, shared. */
export interface SamplerLevel {
  width: number;
  height: number;
  pixels: SharedArrayBuffer;
}

const PAGE = 65536;

export class RolledSampler {
  private readonly wasm: SamplerExports;
  private readonly frameBytes: number;
  private top: number;
  private readonly loaded = new Map<SamplerLevel, number>();
  /** Where the frame's yuv420p planes are written, and the conversion's scratch (reserved on first use). */
  private yuvAt: number | undefined;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    compiled ??= new wasmApi.Module(Buffer.from(ROLLED_SAMPLER_WASM, 'base64'));
    this.wasm = new wasmApi.Instance(compiled).exports as SamplerExports;
    this.frameBytes = width * height * 4;
    this.top = this.frameBytes;
    this.reserve(this.top);
  }

  private reserve(bytes: number): void {
    const memory = this.wasm.memory;
    // 8 spare bytes: a tap reads 8 at a time.
    const need = Math.ceil((bytes + 8) / PAGE) - memory.buffer.byteLength / PAGE;
    if (need > 0) memory.grow(need);
  }

  /** Where `level` lies in the sampler's memory, copied (and premultiplied) the first time. */
  private levelAt(level: SamplerLevel, transparent: boolean): number {
    const at = this.loaded.get(level);
    if (at !== undefined) return at;
    const ptr = this.top;
    const n = level.width * level.height;
    this.reserve(ptr + n * 4);
    new Uint8Array(this.wasm.memory.buffer, ptr, n * 4).set(new Uint8Array(level.pixels, 0, n * 4));
    if (transparent) this.wasm.premultiply(ptr, n);
    this.top = ptr + n * 4;
    this.loaded.set(level, ptr);
    return ptr;
  }

  /** Fills the frame with an opaque colour (its RGBA bytes). */
  fill(rgba: Uint8Array): void {
    const word = (rgba[0]! | (rgba[1]! << 8) | (rgba[2]! << 16) | (rgba[3]! << 24)) >>> 0;
    this.wasm.fill(0, this.width * this.height, word | 0);
  }

  /**
   * Draws the rectangle `rect` ([x, y, w, h] in level px) of `level` through `t` (level px →
   * output px, as Skia's setTransform takes it) with opacity `alpha`, source-over; its edges
   * anti-aliased as Skia's are.
   */
  draw(level: SamplerLevel, transparent: boolean, t: Affine, alpha: number, rect: readonly number[]): void {
    const [a, b, c, d, e, f] = t;
    const det = a * d - b * c;
    if (!(Math.abs(det) > 1e-12) || alpha <= 0) return;
    const ia = d / det;
    const ic = -c / det;
    const ib = -b / det;
    const id = a / det;
    const ie = -(ia * e + ic * f);
    const if_ = -(ib * e + id * f);
    const [rx, ry, rw, rh] = rect as [number, number, number, number];
    // The output box: the rectangle's corners through t, grown a pixel for the edges.
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const [u, v] of [
      [rx, ry],
      [rx + rw, ry],
      [rx, ry + rh],
      [rx + rw, ry + rh],
    ] as const) {
      const x = a * u + c * v + e;
      const y = b * u + d * v + f;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    const bx0 = Math.max(0, Math.floor(x0) - 1);
    const by0 = Math.max(0, Math.floor(y0) - 1);
    const bx1 = Math.min(this.width, Math.ceil(x1) + 1);
    const by1 = Math.min(this.height, Math.ceil(y1) + 1);
    if (bx1 <= bx0 || by1 <= by0) return;
    const src = this.levelAt(level, transparent);
    this.wasm.draw(
      src,
      level.width,
      level.height,
      rx,
      ry,
      rx + rw,
      ry + rh,
      0,
      this.width,
      bx0,
      by0,
      bx1,
      by1,
      ia,
      ib,
      ic,
      id,
      ie,
      if_,
      // Output px between neighbouring lines of constant u (of constant v); at least 1/64,
      // which keeps the edges' reach (half a pixel in level px) inside the fixed point.
      Math.max(1 / 64, 1 / Math.hypot(ia, ic)),
      Math.max(1 / 64, 1 / Math.hypot(ib, id)),
      Math.round(Math.min(1, alpha) * 32768),
      transparent ? 0 : 1,
    );
  }

  /**
   * Writes the frame as yuv420p (BT.601, limited range: what ffmpeg's swscale makes of RGBA)
   * into `target` (width × height × 3/2 bytes): this sampler's frame, or `rgba` (a frame of
   * the same size, e.g. Skia's) copied over it first.
   */
  yuv420(target: Uint8Array, rgba?: Uint8Array): void {
    const n = (this.width * this.height * 3) / 2;
    // The scratch: two bytes a chroma sample for each row (U, then V).
    const scratch = this.width * this.height * 2;
    if (this.yuvAt === undefined) {
      this.yuvAt = this.top;
      this.reserve(this.top + n + scratch);
      this.top += n + scratch;
    }
    if (rgba) new Uint8Array(this.wasm.memory.buffer, 0, this.frameBytes).set(rgba.subarray(0, this.frameBytes));
    this.wasm.yuv420(0, this.width, this.height, this.yuvAt, this.yuvAt + n);
    target.set(new Uint8Array(this.wasm.memory.buffer, this.yuvAt, n));
  }

  /** The frame's RGBA pixels (valid until the next draw that loads a level). */
  pixels(): Uint8Array {
    return new Uint8Array(this.wasm.memory.buffer, 0, this.frameBytes);
  }
}
