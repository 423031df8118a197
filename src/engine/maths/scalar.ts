/** Scalar maths shared across the engine. */

/** Smooth Hermite step of x between edges a and b. */
export function smoothstep(a: number, b: number, x: number): number {
  const u = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return u * u * (3 - 2 * u);
}
