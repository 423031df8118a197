/**
 * The background plate's fill at a working resolution: the hole's neighbourhood is taken at
 * most FILL_SIDE px for the whole picture's scale, filled there (inpaint.ts), and the fill
 * is scaled back into the hole's pixels. The fill (a membrane, grain and copied texture)
 * loses nothing worth its cost at the full decode (level 0 is sized for the most zoomed
 * frame, often well above the output), and the work shrinks with the square of the scale.
 */
import sharp from '../../sharp.js';
import { inpaintHole, type Box } from './inpaint.js';

/** Long side of the whole picture at the fill's working resolution. */
const FILL_SIDE = 768;

/**
 * Fills the pixels of `rgba` (w × h × 4, in place) where `hole` is set; `box` bounds the
 * hole. Known pixels are untouched; filled ones are opaque.
 */
export async function fillPlate(rgba: Uint8Array, w: number, h: number, hole: Uint8Array, box: Box): Promise<void> {
  const k = Math.min(1, FILL_SIDE / Math.max(w, h));
  if (k >= 0.85) {
    inpaintHole(rgba, w, h, hole, box);
    return;
  }
  // The neighbourhood: the hole and what inpaintHole looks at around it.
  const margin = Math.round(0.15 * Math.max(box.x1 - box.x0, box.y1 - box.y0)) + Math.ceil(64 / k);
  const rx0 = Math.max(0, box.x0 - margin);
  const ry0 = Math.max(0, box.y0 - margin);
  const rw = Math.min(w, box.x1 + margin) - rx0;
  const rh = Math.min(h, box.y1 + margin) - ry0;
  const sw = Math.max(2, Math.round(rw * k));
  const sh = Math.max(2, Math.round(rh * k));
  const small = new Uint8Array(
    await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .extract({ left: rx0, top: ry0, width: rw, height: rh })
      .resize(sw, sh, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer(),
  );
  // A small pixel is known only if none of the big ones under it (nor the filter's reach)
  // is in the hole: the subject's colours must not seep into the fill.
  const fx = rw / sw;
  const fy = rh / sh;
  // (The steps are functions of their own, one loop each, for V8 to optimise once.)
  const scaled: Scaled = { x0: rx0, y0: ry0, fx, fy, sw, sh };
  const smallHole = growByOne(smallPixelsUnder(hole, w, box, scaled), sw, sh);
  inpaintHole(small, sw, sh, smallHole);
  upsampleInto(rgba, w, hole, box, small, scaled);
}

/** The neighbourhood's place in the picture and its scale at the working resolution (sw × sh). */
interface Scaled {
  x0: number;
  y0: number;
  /** Picture pixels per small pixel. */
  fx: number;
  fy: number;
  sw: number;
  sh: number;
}

/**
 * The small pixels under the hole's pixels (grown by one after, the same as marking the
 * 3 × 3 around each hole pixel's small pixel, without doing it once per big pixel).
 */
function smallPixelsUnder(hole: Uint8Array, w: number, box: Box, s: Scaled): Uint8Array {
  const under = new Uint8Array(s.sw * s.sh);
  const column = new Int32Array(box.x1 - box.x0);
  for (let x = box.x0; x < box.x1; x++) column[x - box.x0] = Math.min(s.sw - 1, Math.floor((x - s.x0) / s.fx));
  for (let y = box.y0; y < box.y1; y++) {
    const Y = Math.min(s.sh - 1, Math.floor((y - s.y0) / s.fy));
    for (let x = box.x0; x < box.x1; x++) if (hole[y * w + x]) under[Y * s.sw + column[x - box.x0]!] = 1;
  }
  return under;
}

/**
 * The small fill back at full resolution, bilinearly, in the hole's pixels only (each
 * column's taps and weight worked out once).
 */
function upsampleInto(rgba: Uint8Array, w: number, hole: Uint8Array, box: Box, small: Uint8Array, s: Scaled): void {
  const { sw, sh, fx, fy } = s;
  const left = new Int32Array(box.x1 - box.x0);
  const right = new Int32Array(box.x1 - box.x0);
  const across = new Float64Array(box.x1 - box.x0);
  for (let x = box.x0; x < box.x1; x++) {
    const sx = Math.min(sw - 1, Math.max(0, (x - s.x0 + 0.5) / fx - 0.5));
    const x0 = Math.floor(sx);
    left[x - box.x0] = x0;
    right[x - box.x0] = Math.min(sw - 1, x0 + 1);
    across[x - box.x0] = sx - x0;
  }
  for (let y = box.y0; y < box.y1; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (y - s.y0 + 0.5) / fy - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = sy - y0;
    for (let x = box.x0; x < box.x1; x++) {
      const i = y * w + x;
      if (!hole[i]) continue;
      const x0 = left[x - box.x0]!;
      const x1 = right[x - box.x0]!;
      const wx = across[x - box.x0]!;
      const a = (y0 * sw + x0) * 4;
      const b = (y0 * sw + x1) * 4;
      const c = (y1 * sw + x0) * 4;
      const d = (y1 * sw + x1) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = small[a + ch]! + (small[b + ch]! - small[a + ch]!) * wx;
        const bottom = small[c + ch]! + (small[d + ch]! - small[c + ch]!) * wx;
        rgba[i * 4 + ch] = Math.round(top + (bottom - top) * wy);
      }
      rgba[i * 4 + 3] = 255;
    }
  }
}

/** `mask` (0/1) grown by the 3 × 3 square around each set pixel. */
function growByOne(mask: Uint8Array, w: number, h: number): Uint8Array {
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (mask[row + x] || (x > 0 && mask[row + x - 1]) || (x < w - 1 && mask[row + x + 1])) rows[row + x] = 1;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (rows[i] || (y > 0 && rows[i - w]) || (y < h - 1 && rows[i + w])) out[i] = 1;
    }
  }
  return out;
}
