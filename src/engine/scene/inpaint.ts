/**
 * Fills the hole a subject leaves in the background plate (what the camera may see behind
 * it once the layers separate). Push-pull: the known pixels are averaged down a pyramid
 * until every cell has some, and the coarse colours flow back up into the hole only, so
 * the fill continues the surrounding colours smoothly and the known pixels stay exact.
 * Then a little of the surroundings' grain is put back so the fill is not a flat smear.
 */

interface Level {
  w: number;
  h: number;
  /** Premultiplied colour sums (RGB) and coverage (0..1). */
  c: Float32Array;
  a: Float32Array;
}

function down(l: Level): Level {
  const w = Math.max(1, Math.ceil(l.w / 2));
  const h = Math.max(1, Math.ceil(l.h / 2));
  const c = new Float32Array(w * h * 3);
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let n = 0;
      const o = y * w + x;
      for (let dy = 0; dy < 2; dy++) {
        const sy = 2 * y + dy;
        if (sy >= l.h) continue;
        for (let dx = 0; dx < 2; dx++) {
          const sx = 2 * x + dx;
          if (sx >= l.w) continue;
          const i = sy * l.w + sx;
          n++;
          a[o] = a[o]! + l.a[i]!;
          for (let k = 0; k < 3; k++) c[o * 3 + k] = c[o * 3 + k]! + l.c[i * 3 + k]!;
        }
      }
      a[o] = a[o]! / n;
      for (let k = 0; k < 3; k++) c[o * 3 + k] = c[o * 3 + k]! / n;
    }
  }
  return { w, h, c, a };
}

/** Fills `fine` where its coverage is below 1 from the (already filled) coarser level. */
function up(fine: Level, coarse: Level): void {
  for (let y = 0; y < fine.h; y++) {
    const fy = Math.min(coarse.h - 1, Math.max(0, (y + 0.5) / 2 - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(coarse.h - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < fine.w; x++) {
      const o = y * fine.w + x;
      const a = fine.a[o]!;
      if (a >= 0.999) continue;
      const fx = Math.min(coarse.w - 1, Math.max(0, (x + 0.5) / 2 - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(coarse.w - 1, x0 + 1);
      const wx = fx - x0;
      for (let k = 0; k < 3; k++) {
        const at = (xx: number, yy: number): number => coarse.c[(yy * coarse.w + xx) * 3 + k]!;
        const top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * wx;
        const bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * wx;
        const v = top + (bottom - top) * wy;
        fine.c[o * 3 + k] = fine.c[o * 3 + k]! + (1 - a) * v;
      }
      fine.a[o] = 1;
    }
  }
}

/**
 * Fills the pixels of `rgba` (w × h × 4, in place) where `hole` (w × h, 0/1) is set, from
 * the pixels around them. Alpha is set opaque.
 */
export function inpaintHole(rgba: Uint8Array, w: number, h: number, hole: Uint8Array): void {
  const n = w * h;
  const base: Level = { w, h, c: new Float32Array(n * 3), a: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    if (hole[i]) continue;
    base.a[i] = 1;
    for (let k = 0; k < 3; k++) base.c[i * 3 + k] = rgba[i * 4 + k]!;
  }
  const pyramid = [base];
  while (pyramid.length < 24) {
    const top = pyramid[pyramid.length - 1]!;
    if (top.w === 1 && top.h === 1) break;
    let full = true;
    for (let i = 0; i < top.a.length && full; i++) full = top.a[i]! > 0;
    if (full && pyramid.length > 1) break;
    pyramid.push(down(top));
  }
  // The coarsest level: normalise whatever coverage it has (a picture that is all hole stays grey).
  const last = pyramid[pyramid.length - 1]!;
  for (let i = 0; i < last.a.length; i++) {
    const a = last.a[i]!;
    for (let k = 0; k < 3; k++) last.c[i * 3 + k] = a > 0 ? last.c[i * 3 + k]! / a : 128;
    last.a[i] = 1;
  }
  for (let l = pyramid.length - 2; l >= 0; l--) {
    // Cells hold premultiplied averages: partly covered ones take the rest from above.
    up(pyramid[l]!, pyramid[l + 1]!);
  }
  for (let i = 0; i < n; i++) {
    rgba[i * 4 + 3] = 255;
    if (!hole[i]) continue;
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = Math.min(255, Math.max(0, Math.round(base.c[i * 3 + k]!)));
  }
}
