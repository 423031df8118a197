/**
 * Jitter measurement: tracks the soft dots of the chart through grey frames (Gaussian-
 * weighted centroids around each dot's predicted position) and reports the RMS second
 * difference of their positions in px/frame² (0 = perfectly smooth motion).
 */

export function dotJitter(frames: Uint8Array[], width: number, height: number): { jitter: number; dots: number } {
  const first = frames[0]!;
  // Seed dots at local maxima in the central third (they stay in view through a zoom in).
  const seeds: [number, number][] = [];
  const r = 3;
  for (let y = Math.floor(height / 3); y < (2 * height) / 3; y++) {
    for (let x = Math.floor(width / 3); x < (2 * width) / 3; x++) {
      const v = first[y * width + x]!;
      if (v < 120) continue;
      let isMax = true;
      for (let dy = -r; dy <= r && isMax; dy++)
        for (let dx = -r; dx <= r; dx++)
          if ((dx || dy) && first[(y + dy) * width + x + dx]! > v) {
            isMax = false;
            break;
          }
      if (isMax && !seeds.some(([sx, sy]) => Math.abs(sx - x) <= r && Math.abs(sy - y) <= r)) seeds.push([x, y]);
    }
  }
  // A Gaussian-weighted centroid above the ground, re-centred on its own estimate: the
  // window moves continuously with the estimate (no jumps when it crosses a pixel) and, for
  // a symmetric dot, its fixed point is the dot's centre.
  const win = 6;
  const box = 15;
  const ground = 40;
  const centroid = (f: Uint8Array, px: number, py: number): [number, number] => {
    let ex = px;
    let ey = py;
    for (let iter = 0; iter < 4; iter++) {
      let sx = 0;
      let sy = 0;
      let sw = 0;
      const cx = Math.round(ex);
      const cy = Math.round(ey);
      for (let y = cy - box; y <= cy + box; y++) {
        if (y < 0 || y >= height) continue;
        const wy = Math.exp(-((y - ey) ** 2) / (2 * win * win));
        for (let x = cx - box; x <= cx + box; x++) {
          if (x < 0 || x >= width) continue;
          const v = f[y * width + x]! - ground;
          if (v <= 0) continue;
          const w = v * wy * Math.exp(-((x - ex) ** 2) / (2 * win * win));
          sx += x * w;
          sy += y * w;
          sw += w;
        }
      }
      if (sw === 0) break;
      ex = sx / sw;
      ey = sy / sw;
    }
    return [ex, ey];
  };
  let sum = 0;
  let count = 0;
  for (const seed of seeds) {
    const track: [number, number][] = [];
    let p = centroid(first, seed[0], seed[1]);
    p = centroid(first, p[0], p[1]);
    track.push(p);
    for (let i = 1; i < frames.length; i++) {
      const prev = track[i - 1]!;
      const before = track[i - 2] ?? prev;
      // Predict with the last velocity, then refine twice.
      let q: [number, number] = [2 * prev[0] - before[0], 2 * prev[1] - before[1]];
      q = centroid(frames[i]!, q[0], q[1]);
      q = centroid(frames[i]!, q[0], q[1]);
      track.push(q);
    }
    if (track.some(([x, y]) => x < box || y < box || x > width - box || y > height - box)) continue;
    for (let i = 1; i < track.length - 1; i++) {
      const ax = track[i + 1]![0] - 2 * track[i]![0] + track[i - 1]![0];
      const ay = track[i + 1]![1] - 2 * track[i]![1] + track[i - 1]![1];
      sum += ax * ax + ay * ay;
      count++;
    }
  }
  return { jitter: count ? Math.sqrt(sum / count) : NaN, dots: seeds.length };
}
