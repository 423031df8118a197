/**
 * Fast per-pixel writes: the frame as 32-bit RGBA words (one read, one write a pixel) and a
 * clamp table instead of clamped byte stores, which measured several times slower.
 */

/** Offset of zero in CLAMP: index `value + CLAMP_ZERO` for any value in (-1024, 1024). */
export const CLAMP_ZERO = 1024;
export const CLAMP = Uint8Array.from({ length: 2048 }, (_, i) => Math.max(0, Math.min(255, i - CLAMP_ZERO)));

/** The RGBA bytes as little-endian words (R in the low byte); a copy when misaligned. */
export function rgbaWords(px: Uint8Array): { words: Uint32Array; commit(): void } {
  if (px.byteOffset % 4 === 0)
    return { words: new Uint32Array(px.buffer, px.byteOffset, px.byteLength >> 2), commit: () => {} };
  const copy = new Uint8Array(px);
  return { words: new Uint32Array(copy.buffer), commit: () => px.set(copy) };
}
