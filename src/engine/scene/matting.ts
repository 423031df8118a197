/**
 * The subject's colours from the matting equation I = αF + (1 − α)B, solved so that the
 * subject layer over the plate gives back the picture exactly at rest, at every mip level:
 *
 * - where the subject is clear (α = 0) the plate is the picture (the fill only lives
 *   under the subject, so at rest it never shows);
 * - where it is opaque, its colour is the picture's;
 * - between, F = (I − (1 − α)B) / α. Where that leaves 0..255 (a fill much darker or
 *   brighter than the true background behind a soft edge), F is clamped and the plate's
 *   pixel is moved to the value that still solves the equation, instead of the composite
 *   drifting from the picture (a lilac fringe inside a white cup's rim was exactly this:
 *   a clamped F over a brown fill).
 *
 * Each mip level is solved on its own (I from the picture's level, B from the plate's,
 * α from the subject's downsampled alpha): compositing does not commute with
 * downsampling, so solving level 0 and downsampling F left a fringe at coarser levels.
 */

/** Level pixels (RGBA, `width` wide) and the box (level px, exclusive ends) to solve in. */
export interface MattingLevel {
  width: number;
  /** The picture. */
  picture: Uint8Array;
  /** The background plate; edited where the subject is clear or F would leave the range. */
  plate: Uint8Array;
  /** The subject: its alpha is read, its colours written. */
  subject: Uint8Array;
  box: { x0: number; y0: number; x1: number; y1: number };
  /** Offset of `picture`'s (0, 0) in the level, when it is a crop of the level. */
  pictureOrigin?: { x: number; y: number; width: number };
}

/** Solves one level in place. */
export function solveMatting(level: MattingLevel): void {
  const { width: W, picture: I, plate: B, subject: S, box } = level;
  const po = level.pictureOrigin;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const o = (y * W + x) * 4;
      const p = po ? ((y - po.y) * po.width + (x - po.x)) * 4 : o;
      const a8 = S[o + 3]!;
      if (a8 === 0) {
        B[o] = I[p]!;
        B[o + 1] = I[p + 1]!;
        B[o + 2] = I[p + 2]!;
        continue;
      }
      if (a8 === 255) {
        S[o] = I[p]!;
        S[o + 1] = I[p + 1]!;
        S[o + 2] = I[p + 2]!;
        continue;
      }
      const a = a8 / 255;
      for (let c = 0; c < 3; c++) {
        const i = I[p + c]!;
        let b = B[o + c]!;
        let f = (i - (1 - a) * b) / a;
        if (f > 255 || f < 0) {
          // Keep F in range and move the plate so that αF + (1 − α)B is still I.
          f = f > 255 ? 255 : 0;
          b = Math.min(255, Math.max(0, Math.round((i - a * f) / (1 - a))));
          B[o + c] = b;
          f = (i - (1 - a) * b) / a;
        }
        S[o + c] = Math.min(255, Math.max(0, Math.round(f)));
      }
    }
  }
}
