/**
 * Jitter measurement: tracks the soft dots of the chart through grey frames (intensity-
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
      for (let dy = -r; dy <= r && isMax; dy++) for (let dx = -r; dx <= r; dx++) if ((dx || dy) && first[(y + dy) * width + x + dx]! > v) { isMax = false; break; }
      if (isMax && !seeds.some(([sx, sy]) => Math.abs(sx - x) <= r && Math.abs(sy - y) <= r)) seeds.push([x, y]);
    }
  }
  const win = 6;
  const centroid = (f: Uint8Array, px: number, py: number): [number, number] => {
    let sx = 0;
    let sy = 0;
    let sw = 0;
    const cx = Math.round(px);
    const cy = Math.round(py);
    for (let y = cy - win; y <= cy + win; y++) {
      for (let x = cx - win; x <= cx + win; x++) {
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const w = Math.max(0, f[y * width + x]! - 60);
        sx += x * w;
        sy += y * w;
        sw += w;
      }
    }
    return sw > 0 ? [sx / sw, sy / sw] : [px, py];
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
    if (track.some(([x, y]) => x < win || y < win || x > width - win || y > height - win)) continue;
    for (let i = 1; i < track.length - 1; i++) {
      const ax = track[i + 1]![0] - 2 * track[i]![0] + track[i - 1]![0];
      const ay = track[i + 1]![1] - 2 * track[i]![1] + track[i - 1]![1];
      sum += ax * ax + ay * ay;
      count++;
    }
  }
  return { jitter: count ? Math.sqrt(sum / count) : NaN, dots: seeds.length };
}
