/**
 * The sky (or another far, open region) of a picture: smooth, neutral-to-bluish pixels
 * grown from the top edge through small colour steps — an overcast sky over a street, a blue
 * sky with clouds beside a tower, the pale sky left of a façade. Stopped by edges (a
 * roofline, branches) and by texture (walls, leaves, patterned cloth), it is what lies
 * beyond everything else: the scene draws it as its own plane behind the far background
 * (scene-depth.ts), so a picture whose big structure fills most of the frame, with no
 * subject to cut out, still has three planes — sky, structure, ground — that part under a
 * depth move.
 *
 * Found on the scene's thumbnail; described per column as the run of rows the sky covers
 * (top … bottom, fractions of the height), which is how the layers are drawn.
 */

/** The sky's rows in each of equal columns, left to right (fractions of the height; top = bottom: none). */
export interface SkyColumns {
  top: Float32Array;
  bottom: Float32Array;
}

/** A pixel's local contrast (mean absolute step to its neighbours over 3×3, grey levels) must stay under this. */
const SMOOTH = 7;
/** Neighbouring sky pixels differ by at most this (sum of absolute RGB steps). */
const STEP = 18;
/** Darker than this (mean grey) is not sky (a night scene, a shadowed wall). */
const DARKEST = 70;
/**
 * Sky is neutral to blue: red over blue by more than this is not sky (a white façade in the
 * sun, a grey wall, brick, skin; a sunset is missed, and drawn as before).
 */
const WARMEST = 0;
/** Greener than both red and blue by this is not sky (leaves, grass). */
const GREENEST = 12;
/**
 * The sky is followed through textured pixels this much bluer than red (sky seen between
 * branches), though only smooth ones are sky.
 */
const BLUE_THROUGH = 8;
/**
 * A sky bluer than this on average (blue over red) may hang below other things (sky between
 * branches beside a façade); a more neutral one must reach the top edge in at least HUNG_SKY
 * of its columns.
 */
const NEUTRAL_BLUE = 4;
const HUNG_SKY = 0.5;
/** Gaps (birds, a cloud's edge) within a column's sky up to this share of the height are bridged. */
const GAP = 0.04;
/** The sky must reach the top edge over at least this share of the width … */
const MIN_TOP = 0.03;
/** … and cover this share of the picture, but not more than MAX_COVER (a plain backdrop, an empty sky). */
const MIN_COVER = 0.04;
const MAX_COVER = 0.8;

/**
 * The sky of packed RGB pixels (outside `subject`, 0..1, where over one half), or undefined
 * when none reaches the top edge.
 */
export function findSky(
  rgb: Uint8Array,
  width: number,
  height: number,
  subject?: Float32Array,
): SkyColumns | undefined {
  const n = width * height;
  const L = new Float32Array(n);
  for (let i = 0; i < n; i++) L[i] = (rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!) / 3;
  const step = new Float32Array(n);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      step[i] =
        (x + 1 < width ? Math.abs(L[i]! - L[i + 1]!) : 0) + (y + 1 < height ? Math.abs(L[i]! - L[i + width]!) : 0);
    }
  const open = new Uint8Array(n);
  const through = new Uint8Array(n);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (subject && subject[i]! > 0.5) continue;
      let s = 0;
      let c = 0;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++)
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          s += step[yy * width + xx]!;
          c++;
        }
      const r = rgb[i * 3]!;
      const g = rgb[i * 3 + 1]!;
      const b = rgb[i * 3 + 2]!;
      const hue = L[i]! >= DARKEST && !(g - r > GREENEST && g - b > GREENEST);
      if (hue && r - b <= WARMEST && s / c < SMOOTH) open[i] = 1;
      else if (hue && b - r >= BLUE_THROUGH) through[i] = 1;
    }
  // Grown from the open pixels of the top row through small colour steps (and through
  // blue between branches).
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let x = 0; x < width; x++)
    if (open[x] || through[x]) {
      seen[x] = 1;
      queue[tail++] = x;
    }
  if (tail < MIN_TOP * width) return undefined;
  const near = (i: number, j: number): boolean =>
    Math.abs(rgb[i * 3]! - rgb[j * 3]!) +
      Math.abs(rgb[i * 3 + 1]! - rgb[j * 3 + 1]!) +
      Math.abs(rgb[i * 3 + 2]! - rgb[j * 3 + 2]!) <
    STEP;
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    const y = (i - x) / width;
    const next = [
      x > 0 ? i - 1 : -1,
      x + 1 < width ? i + 1 : -1,
      y > 0 ? i - width : -1,
      y + 1 < height ? i + width : -1,
    ];
    for (const j of next)
      if (j >= 0 && !seen[j] && ((open[j] && (near(i, j) || through[i])) || through[j])) {
        seen[j] = 1;
        queue[tail++] = j;
      }
  }
  const sky = new Uint8Array(n);
  let count = 0;
  let blue = 0;
  for (let i = 0; i < n; i++)
    if (seen[i] && open[i]) {
      [sky[i], count] = [1, count + 1];
      blue += rgb[i * 3 + 2]! - rgb[i * 3]!;
    }
  const cover = count / n;
  if (cover < MIN_COVER || cover > MAX_COVER) return undefined;
  // Per column: the first run of sky from the top, gaps up to GAP bridged.
  const gap = Math.max(1, Math.round(GAP * height));
  const top = new Float32Array(width);
  const bottom = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    let y = 0;
    while (y < height && !sky[y * width + x]) y++;
    if (y >= height) continue;
    const start = y;
    let end = y;
    let miss = 0;
    for (; y < height; y++) {
      if (sky[y * width + x]) {
        end = y + 1;
        miss = 0;
      } else if (++miss > gap) break;
    }
    top[x] = start / height;
    bottom[x] = end / height;
  }
  // A neutral sky spans the top of its columns (an overcast sky over everything); one that
  // mostly hangs below something else must be blue to be taken for sky: the flat spots of a
  // grey texture or a concrete wall grow into a neutral web that starts below the top.
  let columns = 0;
  let fromTop = 0;
  for (let x = 0; x < width; x++)
    if (bottom[x]! > top[x]!) {
      columns++;
      if (top[x]! * height < 1) fromTop++;
    }
  if (blue / count < NEUTRAL_BLUE && fromTop < HUNG_SKY * columns) return undefined;
  return { top, bottom };
}

/** A run of neighbouring columns drawn alike: column fractions u0 … u1 and the sky's rows in them. */
export interface SkyRun {
  u0: number;
  u1: number;
  /** The lowest top and highest bottom of the sky over the run (no sky: top = bottom = 0). */
  top: number;
  bottom: number;
}

/** Rows (fraction of the height) the sky's top and bottom may vary by within one run. */
const RUN_TOLERANCE = 0.02;

/**
 * The sky's columns between fractions `u0` and `u1` in runs whose sky rows agree within
 * RUN_TOLERANCE; each run keeps only rows that are sky in all its columns (what is in front
 * of the sky is never drawn at the sky's depth).
 */
export function skyRuns(sky: SkyColumns, u0: number, u1: number): SkyRun[] {
  const n = sky.top.length;
  const c0 = Math.max(0, Math.min(n - 1, Math.floor(u0 * n)));
  const c1 = Math.max(c0 + 1, Math.min(n, Math.ceil(u1 * n)));
  const runs: SkyRun[] = [];
  let start = c0;
  let [tLo, tHi, bLo, bHi] = [sky.top[c0]!, sky.top[c0]!, sky.bottom[c0]!, sky.bottom[c0]!];
  const close = (end: number): void => {
    const top = tHi;
    const bottom = bLo;
    runs.push({
      u0: start === c0 ? u0 : start / n,
      u1: end === c1 ? u1 : end / n,
      ...(bottom > top ? { top, bottom } : { top: 0, bottom: 0 }),
    });
  };
  for (let c = c0 + 1; c < c1; c++) {
    const t = sky.top[c]!;
    const b = sky.bottom[c]!;
    const none = b <= t;
    const runNone = bLo <= tHi && bHi <= tLo;
    const fits = none
      ? runNone
      : !runNone &&
        Math.max(tHi, t) - Math.min(tLo, t) <= RUN_TOLERANCE &&
        Math.max(bHi, b) - Math.min(bLo, b) <= RUN_TOLERANCE;
    if (fits) {
      [tLo, tHi, bLo, bHi] = [Math.min(tLo, t), Math.max(tHi, t), Math.min(bLo, b), Math.max(bHi, b)];
      continue;
    }
    close(c);
    start = c;
    [tLo, tHi, bLo, bHi] = [t, t, b, b];
  }
  close(c1);
  return runs;
}

/** A rectangle of picture fractions: columns u0 … u1, rows v0 … v1. */
export interface PictureRect {
  u0: number;
  u1: number;
  v0: number;
  v1: number;
}

/**
 * The rectangles of columns `u0` … `u1` and rows `v0` … `v1` that are not sky (what stands
 * in front of it), run by run: above and below each run's sky, whole where a run has none.
 */
export function besideSky(sky: SkyColumns, u0: number, u1: number, v0: number, v1: number): PictureRect[] {
  const out: PictureRect[] = [];
  for (const run of skyRuns(sky, u0, u1)) {
    const top = Math.max(v0, Math.min(v1, run.top));
    const bottom = Math.max(v0, Math.min(v1, run.bottom));
    if (bottom <= top) {
      out.push({ u0: run.u0, u1: run.u1, v0, v1 });
      continue;
    }
    if (top > v0) out.push({ u0: run.u0, u1: run.u1, v0, v1: top });
    if (bottom < v1) out.push({ u0: run.u0, u1: run.u1, v0: bottom, v1 });
  }
  return out;
}
