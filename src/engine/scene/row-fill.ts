/**
 * A fill that carries the background's horizontal structure across a hole: each row of
 * the hole blends from the colour just left of it to the colour just right of it.
 *
 * Behind a standing subject the background is mostly bands that run sideways — sky
 * gradients, a horizon, hills, a tree line, the ground — so continuing each row across
 * the hole puts a ridge or a horizon where the eye expects it, where an isotropic
 * membrane (push-pull) leaves a soft silhouette-shaped haze. Each side's colour is a
 * per-channel median over a long run of known pixels on five rows, so one odd pixel
 * (a blade of grass, a tree tip) or a narrow upright beside the hole does not become a
 * streak; the result is then smoothed
 * down the columns so neighbouring rows agree.
 */

/**
 * Known pixels each side of a hole's run that vote for that side's colour, per row. Long
 * on purpose: a band that runs sideways keeps its colour over a long run, while a narrow
 * upright thing standing right beside the hole (a trunk, a post) is outvoted instead of
 * being smeared across it.
 */
const SIDE_RUN = 120;
/**
 * Known pixels next to the hole whose colour the fill starts from, so it joins the picture
 * without a seam; it turns into the long run's colour over the first NEAR_TO_FAR pixels.
 */
const SIDE_NEAR = 4;
const NEAR_TO_FAR = 16;
/** Rows above and below that also vote. */
const SIDE_ROWS = 2;
/** Column smoothing radius (rows) of the finished fill. */
const SMOOTH_ROWS = 5;
/**
 * Colour difference (RGB distance) between a row's two sides up to which the row is one
 * band running on behind the hole, and from which it is two things that merely end there
 * (a flag's red stripe on one side, a grey wall on the other): a row fill across those is
 * a ramp from one to the other, a streak of the flag carried into the hole, where the
 * isotropic membrane is the better guess.
 */
const SIDES_AGREE = 40;
const SIDES_APART = 100;

/** Per-channel medians of byte votes kept as histograms (`channels` × 256 counts; count > 0). */
export function medians(hist: Uint32Array, channels: number, count: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < channels; c++) {
    const base = c * 256;
    let v = 0;
    for (let seen = hist[base]!; seen <= count >> 1; ) seen += hist[base + ++v]!;
    out.push(v);
  }
  return out;
}

/**
 * The row fill of `px` (w × h × `channels`) where `hole` is set: `channels` floats per
 * pixel, zero outside the hole, and how far to trust it per pixel (`weight`, 0–1: 1 where
 * the hole's sides are much nearer than its top or bottom, 0 in a row with no known pixel
 * on either side) so the caller can blend it with an isotropic fill. Only the first
 * `colours` channels are filled (the rest stay zero: an RGBA caller that reads RGB).
 */
export function rowFill(
  px: Uint8Array,
  w: number,
  h: number,
  channels: number,
  hole: Uint8Array,
  colours = channels,
): { fill: Float32Array; weight: Float32Array } {
  // (Each step is a function of its own, with no closure made per call: V8 optimises each
  // loop once instead of compiling one long function again at every loop it reaches.)
  const img: Picture = { px, w, h, channels, colours, hole };
  const { fill, weight, dh } = fillRuns(img);
  const smooth = smoothColumns(img, fill, weight, dh);
  trustRows(img, weight, dh);
  return { fill: smooth, weight };
}

/** What the row fill works on: `px` (w × h × `channels`), the first `colours` channels filled where `hole` is set. */
interface Picture {
  px: Uint8Array;
  w: number;
  h: number;
  channels: number;
  colours: number;
  hole: Uint8Array;
}

/**
 * The per-channel medians of up to `run` known pixels from x = `from` stepping `step`, on
 * rows y ± SIDE_ROWS (undefined where none is known); `hist` is the scratch histogram.
 */
function sideMedians(
  img: Picture,
  hist: Uint32Array,
  y: number,
  from: number,
  step: 1 | -1,
  run: number,
): number[] | undefined {
  const { px, w, h, channels, colours, hole } = img;
  hist.fill(0);
  let count = 0;
  for (let yy = Math.max(0, y - SIDE_ROWS); yy <= Math.min(h - 1, y + SIDE_ROWS); yy++) {
    for (let k = 0, x = from; k < run && x >= 0 && x < w; x += step) {
      const i = yy * w + x;
      if (hole[i]) continue;
      for (let c = 0; c < colours; c++) hist[c * 256 + px[i * channels + c]!]!++;
      count++;
      k++;
    }
  }
  return count > 0 ? medians(hist, colours, count) : undefined;
}

/** Each run of hole, row by row, blended from its left side's colour to its right's; with the sideways distance to them. */
function fillRuns(img: Picture): { fill: Float32Array; weight: Float32Array; dh: Float32Array } {
  const { w, h, channels, colours, hole } = img;
  const fill = new Float32Array(w * h * channels);
  const weight = new Float32Array(w * h);
  const dh = new Float32Array(w * h);
  const hist = new Uint32Array(channels * 256);
  for (let y = 0; y < h; y++) {
    for (let a = 0; a < w; ) {
      if (!hole[y * w + a]) {
        a++;
        continue;
      }
      let b = a;
      while (b < w && hole[y * w + b]) b++;
      const left = a > 0 ? sideMedians(img, hist, y, a - 1, -1, SIDE_RUN) : undefined;
      const right = b < w ? sideMedians(img, hist, y, b, 1, SIDE_RUN) : undefined;
      if (left || right) {
        const l = left ?? right!;
        const r = right ?? left!;
        const nearL = left ? sideMedians(img, hist, y, a - 1, -1, SIDE_NEAR)! : l;
        const nearR = right ? sideMedians(img, hist, y, b, 1, SIDE_NEAR)! : r;
        const trust = left && right ? sidesAgree(l, r, colours) : 1;
        for (let x = a; x < b; x++) {
          const t = (x - a + 0.5) / (b - a);
          const i = y * w + x;
          const kl = Math.min(1, (x - a + 1) / NEAR_TO_FAR);
          const kr = Math.min(1, (b - x) / NEAR_TO_FAR);
          for (let c = 0; c < colours; c++) {
            const lc = nearL[c]! + (l[c]! - nearL[c]!) * kl;
            const rc = nearR[c]! + (r[c]! - nearR[c]!) * kr;
            fill[i * channels + c] = lc + (rc - lc) * t;
          }
          // Sideways distance to what voted (a missing side is not a neighbour).
          dh[i] = Math.min(left ? x - a + 1 : Infinity, right ? b - x : Infinity);
          weight[i] = trust;
        }
      }
      a = b;
    }
  }
  return { fill, weight, dh };
}

/** How far a row's two sides are one band (1) rather than two things (0): SIDES_AGREE to SIDES_APART. */
function sidesAgree(l: number[], r: number[], colours: number): number {
  let d2 = 0;
  for (let c = 0; c < colours; c++) d2 += (l[c]! - r[c]!) ** 2;
  return Math.min(1, Math.max(0, (SIDES_APART - Math.sqrt(d2)) / (SIDES_APART - SIDES_AGREE)));
}

/**
 * Neighbouring rows agree: a box down each column over the filled pixels (those with a
 * sideways distance `dh`), of the fill and of its trust (`weight`, in place), so a row
 * trusted between two that are not (a flag's white stripe between red ones) is no streak.
 */
function smoothColumns(img: Picture, fill: Float32Array, weight: Float32Array, dh: Float32Array): Float32Array {
  const { w, h, channels, colours } = img;
  const smooth = new Float32Array(fill.length);
  const trust = Float32Array.from(weight);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!dh[i]) continue;
      const top = Math.max(0, y - SMOOTH_ROWS);
      const bottom = Math.min(h - 1, y + SMOOTH_ROWS);
      let n = 0;
      let t = 0;
      for (let yy = top; yy <= bottom; yy++) {
        if (!dh[yy * w + x]) continue;
        n++;
        t += trust[yy * w + x]!;
      }
      weight[i] = t / n;
      for (let c = 0; c < colours; c++) {
        // Summed in float32 as it is stored, row by row (the result is that sum's).
        let sum = 0;
        for (let yy = top; yy <= bottom; yy++) {
          const j = yy * w + x;
          if (dh[j]) sum = Math.fround(sum + fill[j * channels + c]!);
        }
        smooth[i * channels + c] = sum / n;
      }
    }
  }
  return smooth;
}

/**
 * Trust the row fill where the hole's pixel is nearer its sides than its top or bottom
 * (`weight`, in place): under a head the sky above is the better guess, in the middle of a
 * body the rows are.
 */
function trustRows(img: Picture, weight: Float32Array, dh: Float32Array): void {
  const { w, h, hole } = img;
  for (let x = 0; x < w; x++) {
    for (let a = 0; a < h; ) {
      if (!hole[a * w + x]) {
        a++;
        continue;
      }
      let b = a;
      while (b < h && hole[b * w + x]) b++;
      for (let y = a; y < b; y++) {
        const i = y * w + x;
        if (!weight[i]) continue;
        const dv = Math.min(a > 0 ? y - a + 1 : Infinity, b < h ? b - y : Infinity);
        if (dv !== Infinity) weight[i] = (weight[i]! * dv * dv) / (dv * dv + dh[i]! * dh[i]!);
      }
      a = b;
    }
  }
}
