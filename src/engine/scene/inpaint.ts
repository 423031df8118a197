/**
 * Fills the hole a subject leaves in the background plate (what the camera may see behind
 * it once the layers separate) with the surrounding texture rather than a smooth smear.
 * Each row of the hole is extended inward from both sides by mirroring the background next
 * to it (ping-pong when the hole is wider than what is beside it), and the two halves meet
 * in a short cross-fade in the middle, which stays hidden behind the subject at modest
 * reveals. Mirroring keeps the background's grain, colour and horizontal structures
 * (horizons, hill lines) running on behind the subject. Rows that are hole from edge to
 * edge take the nearest filled row. Deterministic, O(pixels of the rows it touches).
 */

/** Mirror index `d` steps into the hole from a known run [start, start + len) that ends at the hole. */
function mirrored(d: number, len: number): number {
  const k = d % (2 * len);
  return k < len ? k : 2 * len - 1 - k;
}

/**
 * Fills the pixels of `rgba` (w × h × 4, in place) where `hole` (w × h, 0/1) is set, from
 * the pixels around them, on rows `y0` ≤ y < `y1` (default: all). Alpha is set opaque.
 */
export function inpaintHole(rgba: Uint8Array, w: number, h: number, hole: Uint8Array, y0 = 0, y1 = h): void {
  for (let i = 0; i < w * h; i++) rgba[i * 4 + 3] = 255;
  const filled = new Uint8Array(h).fill(1);
  for (let y = y0; y < y1; y++) {
    const row = y * w;
    let x = 0;
    while (x < w) {
      if (!hole[row + x]) {
        x++;
        continue;
      }
      const a = x;
      while (x < w && hole[row + x]) x++;
      const b = x - 1;
      let l0 = a;
      while (l0 > 0 && !hole[row + l0 - 1]) l0--;
      let r1 = b;
      while (r1 < w - 1 && !hole[row + r1 + 1]) r1++;
      const lenL = a - l0;
      const lenR = r1 - b;
      if (lenL === 0 && lenR === 0) {
        filled[y] = 0;
        continue;
      }
      const mid = (a + b) / 2;
      const seam = Math.max(1.5, Math.min(8, (b - a + 1) / 6));
      for (let p = a; p <= b; p++) {
        const left = lenL > 0 ? row + a - 1 - mirrored(p - a, lenL) : -1;
        const right = lenR > 0 ? row + b + 1 + mirrored(b - p, lenR) : -1;
        const t = left < 0 ? 1 : right < 0 ? 0 : Math.min(1, Math.max(0, (p - mid) / (2 * seam) + 0.5));
        const o = (row + p) * 4;
        for (let c = 0; c < 3; c++) {
          const vl = left < 0 ? 0 : rgba[left * 4 + c]!;
          const vr = right < 0 ? 0 : rgba[right * 4 + c]!;
          rgba[o + c] = Math.round(vl + (vr - vl) * t);
        }
      }
    }
  }
  // Rows with no background at all: the nearest row that has some.
  for (let y = y0; y < y1; y++) {
    if (filled[y]) continue;
    let src = -1;
    for (let d = 1; d < h && src < 0; d++) {
      if (y - d >= 0 && filled[y - d]) src = y - d;
      else if (y + d < h && filled[y + d]) src = y + d;
    }
    if (src < 0) {
      for (let p = 0; p < w; p++) if (hole[y * w + p]) rgba.fill(128, (y * w + p) * 4, (y * w + p) * 4 + 3);
      continue;
    }
    for (let p = 0; p < w; p++) if (hole[y * w + p]) rgba.copyWithin((y * w + p) * 4, (src * w + p) * 4, (src * w + p) * 4 + 3);
  }
}
