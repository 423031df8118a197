/**
 * A cheap saliency estimate: where the picture's centre of interest is. It scores each
 * thumbnail pixel by how much its colour stands out from the picture's average and how
 * much local detail it has, weighted by a soft centre prior (subjects are rarely at the
 * very edge), takes the score-weighted centroid of the strongest pixels and moves from
 * there to the densest salient region nearby (so a subject wins over a detailed ground).
 */

/** Mean-shift window (σ) as a fraction of the thumbnail's long side. */
const MODE_WINDOW = 0.12;

/** Centre of interest in normalised picture coordinates (0..1 on each axis). */
export interface Saliency {
  x: number;
  y: number;
}

/** Estimates the centre of interest from packed RGB pixels. Pure and deterministic. */
export function estimateSaliency(rgb: Uint8Array, width: number, height: number): Saliency {
  const n = width * height;
  if (n === 0) return { x: 0.5, y: 0.5 };
  const lum = new Float32Array(n);
  let mr = 0;
  let mg = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3]!;
    const g = rgb[i * 3 + 1]!;
    const b = rgb[i * 3 + 2]!;
    mr += r;
    mg += g;
    mb += b;
    lum[i] = 0.299 * r + 0.587 * g + 0.114 * b;
  }
  mr /= n;
  mg /= n;
  mb /= n;
  const score = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const colour = Math.hypot(rgb[i * 3]! - mr, rgb[i * 3 + 1]! - mg, rgb[i * 3 + 2]! - mb);
      const gx = x > 0 && x < width - 1 ? lum[i + 1]! - lum[i - 1]! : 0;
      const gy = y > 0 && y < height - 1 ? lum[i + width]! - lum[i - width]! : 0;
      const detail = Math.min(60, Math.hypot(gx, gy));
      const nx = x / (width - 1 || 1) - 0.5;
      const ny = y / (height - 1 || 1) - 0.5;
      const prior = Math.exp(-(nx * nx + ny * ny) / (2 * 0.3 * 0.3));
      score[i] = (colour + 0.7 * detail) * (0.35 + 0.65 * prior);
    }
  }
  // Keep the top 15 % so a large, flat background does not drag the centroid to the middle.
  const sorted = Float32Array.from(score).sort();
  const threshold = sorted[Math.floor(n * 0.85)]!;
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const s = score[i]! - threshold;
    if (s <= 0) continue;
    sx += (i % width) * s;
    sy += Math.floor(i / width) * s;
    sw += s;
  }
  if (sw === 0) return { x: 0.5, y: 0.5 };
  // The centroid of everything salient can fall between a subject and a detailed ground;
  // move from it to the densest salient region nearby (mean shift, Gaussian window).
  let mx = sx / sw;
  let my = sy / sw;
  const sigma = MODE_WINDOW * Math.max(width, height);
  for (let iter = 0; iter < 12; iter++) {
    let ax = 0;
    let ay = 0;
    let aw = 0;
    for (let i = 0; i < n; i++) {
      const s = score[i]! - threshold;
      if (s <= 0) continue;
      const x = i % width;
      const y = (i - x) / width;
      const w = s * Math.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2 * sigma * sigma));
      ax += x * w;
      ay += y * w;
      aw += w;
    }
    if (aw === 0) break;
    const [px, py] = [mx, my];
    mx = ax / aw;
    my = ay / aw;
    if (Math.hypot(mx - px, my - py) < 0.05) break;
  }
  return { x: (mx + 0.5) / width, y: (my + 0.5) / height };
}

/**
 * How far a 2-D move leans from the picture's centre toward the saliency estimate. The
 * estimate is a guess from colour and detail (bright lamps under a rocket, a wallpaper's
 * pattern around a plant win over the thing itself), and a 2.6× crash zoom that commits to
 * it all the way ends off the subject whenever it is off; photographers put the subject
 * near the middle, so half the lean keeps the guess's direction and halves its cost.
 */
export const SALIENCY_LEAN = 0.5;

/** The point a 2-D move aims at from a saliency estimate: part way from the centre to it. */
export function saliencyAim(s: Saliency): Saliency {
  return { x: 0.5 + SALIENCY_LEAN * (s.x - 0.5), y: 0.5 + SALIENCY_LEAN * (s.y - 0.5) };
}
