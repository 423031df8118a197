/**
 * Seeded randomness for looks. Everything is keyed by (seed, channel, step) and never by
 * how many frames were painted before, because workers paint frames out of order.
 */
import { hashSeed, mulberry32 } from '../maths/prng.js';

/** A generator for one (seed, channel, step) triple: e.g. one film frame's dust. */
export function randomFor(seed: number, channel: number, step = 0): () => number {
  return mulberry32(hashSeed(hashSeed(seed, channel), step));
}

/** Uniform in [-1, 1). */
export const signed = (rand: () => number): number => rand() * 2 - 1;

/**
 * Seeded instants over [0, span] seconds: a renewal process whose gaps are drawn in
 * [minGap, maxGap] (the first gap too). The same seed always gives the same list.
 */
export function eventTimes(seed: number, channel: number, span: number, minGap: number, maxGap: number): number[] {
  const rand = randomFor(seed, channel);
  const times: number[] = [];
  for (let t = minGap + rand() * (maxGap - minGap); t <= span; t += minGap + rand() * (maxGap - minGap)) times.push(t);
  return times;
}
