/**
 * Seeded randomness. Every random element of a render (shake, micro-motion) comes from here,
 * so one seed always gives the same frames.
 */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes a seed with a channel number so each noise channel is independent. */
export function hashSeed(seed: number, channel: number): number {
  let h = (seed ^ Math.imul(channel + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Smooth 1-D value noise in [-1, 1]: random values on integer lattice points joined by a
 * C2 quintic, summed over `octaves`. A function of time, not of frame count, so shake looks
 * the same at 24 and 60 fps.
 */
export function smoothNoise(seed: number, octaves = 2): (x: number) => number {
  const lattice = 256;
  const tables: Float64Array[] = [];
  for (let o = 0; o < octaves; o++) {
    const rand = mulberry32(hashSeed(seed, o));
    const table = new Float64Array(lattice);
    for (let i = 0; i < lattice; i++) table[i] = rand() * 2 - 1;
    tables.push(table);
  }
  let norm = 0;
  for (let o = 0; o < octaves; o++) norm += 0.5 ** o;
  return (x) => {
    let sum = 0;
    for (let o = 0; o < octaves; o++) {
      const xo = x * 2 ** o + 17.3 * o;
      const i = Math.floor(xo);
      const f = xo - i;
      const u = f * f * f * (f * (f * 6 - 15) + 10);
      const table = tables[o]!;
      const a = table[((i % lattice) + lattice) % lattice]!;
      const b = table[(((i + 1) % lattice) + lattice) % lattice]!;
      sum += (a + (b - a) * u) * 0.5 ** o;
    }
    return sum / norm;
  };
}
