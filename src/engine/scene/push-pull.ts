/**
 * Push-pull fill (Gortler et al. 1996, "The Lumigraph"): the low frequencies of a picture
 * with holes. The known pixels are averaged down a pyramid (weighted by how much of each
 * coarse pixel is known) until nothing is missing, then each level takes its own pixels
 * where known and the coarser level's, smoothly interpolated, where not. The result is a
 * smooth membrane that meets the known pixels without a seam and copies no structure
 * from anywhere. O(pixels).
 */

interface Level {
  w: number;
  h: number;
  /** RGB, 3 floats a pixel (valid where weight > 0). */
  colour: Float32Array;
  /** How much of the pixel is known, 0..1. */
  weight: Float32Array;
}

/** [1, 3, 3, 1] / 8: a smooth 2× reduction. */
const TAPS = [0.125, 0.375, 0.375, 0.125];

function reduce(l: Level): Level {
  const w = Math.max(1, Math.ceil(l.w / 2));
  const h = Math.max(1, Math.ceil(l.h / 2));
  // Horizontal pass: premultiplied colour and weight.
  const tmpC = new Float32Array(w * l.h * 3);
  const tmpW = new Float32Array(w * l.h);
  for (let y = 0; y < l.h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let s = 0;
      for (let k = 0; k < 4; k++) {
        const sx = Math.min(l.w - 1, Math.max(0, 2 * x - 1 + k));
        const j = y * l.w + sx;
        const wt = TAPS[k]! * l.weight[j]!;
        r += wt * l.colour[j * 3]!;
        g += wt * l.colour[j * 3 + 1]!;
        b += wt * l.colour[j * 3 + 2]!;
        s += wt;
      }
      const o = y * w + x;
      tmpC[o * 3] = r;
      tmpC[o * 3 + 1] = g;
      tmpC[o * 3 + 2] = b;
      tmpW[o] = s;
    }
  }
  const colour = new Float32Array(w * h * 3);
  const weight = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let s = 0;
      for (let k = 0; k < 4; k++) {
        const sy = Math.min(l.h - 1, Math.max(0, 2 * y - 1 + k));
        const j = sy * w + x;
        r += TAPS[k]! * tmpC[j * 3]!;
        g += TAPS[k]! * tmpC[j * 3 + 1]!;
        b += TAPS[k]! * tmpC[j * 3 + 2]!;
        s += TAPS[k]! * tmpW[j]!;
      }
      const o = y * w + x;
      // A trace of weight is no knowledge (its colour would be noise, or black).
      if (s > 1e-4) {
        colour[o * 3] = r / s;
        colour[o * 3 + 1] = g / s;
        colour[o * 3 + 2] = b / s;
        weight[o] = s;
      }
    }
  }
  return { w, h, colour, weight };
}

/** Fills `fine`'s partly known pixels (those `only` marks, when given) from the (complete) coarser level, in place. */
function expandInto(fine: Level, coarse: Level, only?: Uint8Array): void {
  for (let y = 0; y < fine.h; y++) {
    const fy = Math.min(coarse.h - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(coarse.h - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < fine.w; x++) {
      const i = y * fine.w + x;
      if (only && !only[i]) continue;
      // Pixels known well enough keep their own colour.
      const own = Math.min(1, 2 * fine.weight[i]!);
      if (own >= 1) continue;
      const fx = Math.min(coarse.w - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(coarse.w - 1, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * coarse.w + x0) * 3;
      const b = (y0 * coarse.w + x1) * 3;
      const c0 = (y1 * coarse.w + x0) * 3;
      const d = (y1 * coarse.w + x1) * 3;
      const k = coarse.colour;
      for (let c = 0; c < 3; c++) {
        const top = k[a + c]! + (k[b + c]! - k[a + c]!) * wx;
        const bottom = k[c0 + c]! + (k[d + c]! - k[c0 + c]!) * wx;
        const up = top + (bottom - top) * wy;
        fine.colour[i * 3 + c] = own * fine.colour[i * 3 + c]! + (1 - own) * up;
      }
      fine.weight[i] = 1;
    }
  }
}

/** Whether every pixel has some weight (a plain loop: this runs on every pixel of every level). */
function allKnown(weight: Float32Array): boolean {
  for (let i = 0; i < weight.length; i++) if (!(weight[i]! > 0)) return false;
  return true;
}

/**
 * The smooth fill of an RGB(A) region: `px` holds `channels` bytes a pixel, `known` marks
 * the pixels to keep. Returns RGB floats (3 a pixel) for every pixel: the known ones
 * unchanged, the others interpolated. Isotropic on purpose: a fill that reaches farther
 * along rows than across them carries horizons on, but also drags a tree trunk or a post
 * beside the hole across it as a streak. With `wanted`, only the pixels it marks are filled
 * (the others keep their own colour, known or not): the coarser levels are the same, and
 * the last, full-size expansion is the costliest step.
 */
export function pushPullFill(
  px: Uint8Array,
  w: number,
  h: number,
  channels: number,
  known: Uint8Array,
  wanted?: Uint8Array,
): Float32Array {
  const colour = new Float32Array(w * h * 3);
  const weight = new Float32Array(w * h);
  let any = false;
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) colour[i * 3 + c] = px[i * channels + c]!;
    weight[i] = known[i] ? 1 : 0;
    any ||= known[i] === 1;
  }
  if (!any) return colour.fill(128);
  const levels: Level[] = [{ w, h, colour, weight }];
  for (;;) {
    const top = levels.at(-1)!;
    if (allKnown(top.weight) || (top.w === 1 && top.h === 1)) break;
    levels.push(reduce(top));
  }
  for (let l = levels.length - 2; l >= 0; l--) expandInto(levels[l]!, levels[l + 1]!, l === 0 ? wanted : undefined);
  return levels[0]!.colour;
}
