/**
 * Fills the hole a subject leaves in the background plate (what the camera may see behind
 * it once the layers separate), so that it reads as more of the same background without
 * repeating anything recognisable from beside it.
 *
 * - Low frequencies: a push-pull fill (push-pull.ts) — a smooth membrane that meets the
 *   surroundings without a seam: colour and brightness gradients (a sky, a lit wall) run on
 *   behind the subject, structures fade out rather than being copied or stretched.
 * - Fine grain: the surroundings' high-pass brightness detail (grass, foliage, film grain,
 *   noise) borrowed in small feathered tiles from random clear places of about the same
 *   rows, picked and toned to the texture strength just outside the hole there and
 *   clamped, so texture carries on but an edge (a tree's outline, a ridge) does not come
 *   along as a ghost; rows whose surroundings are mostly smooth (a sky) get none. A
 *   smooth fill alone would read as a blurred patch in a textured scene.
 * - Texture: over both, up to TEXTURE_REACH into the hole, blocks copied from the known
 *   background around it (patch-fill.ts), so a crowd or foliage behind the subject carries
 *   on rather than reading as a flat blob; it fades into the membrane deeper in.
 *
 * Deterministic; works on the hole's neighbourhood only: O(pixels of that box).
 */
import { mulberry32 } from '../maths/prng.js';
import { boxMean, distanceTo } from './image-filters.js';
import { patchFill } from './patch-fill.js';
import { pushPullFill } from './push-pull.js';
import { rowFill } from './row-fill.js';
import { timed } from '../render/stage-clock.js';

export interface Box {
  x0: number;
  y0: number;
  /** Exclusive. */
  x1: number;
  y1: number;
}

/**
 * How deep into the hole (a share of the picture's long side) the copied texture reaches
 * (patch-fill.ts); deeper, the membrane and grain alone. A depth move reveals a strip along
 * the subject's edge a few per cent of the frame wide (mirror-fill.ts's MIRROR_DEPTH), so
 * the deep inside is rarely seen, and copying there costs time and gathers a collage.
 */
const TEXTURE_REACH = 0.07;
/** How much of the fill's low frequencies come from the row fill (the rest: push-pull). */
const ROW_SHARE = 0.8;
/** Half the side of a grain tile (tiles overlap by half and are feathered). */
const TILE = 12;
/**
 * Borrowed detail is clamped to this many times the surroundings' median absolute level
 * (the median, so a few strong edges there do not raise it): grass blades and noise pass
 * mostly, a stray strong edge (a tree's outline) only faintly.
 */
const GRAIN_CLAMP = 3;
/** Texture strength histogram: half-level bins up to 32 levels. */
const HIST_BINS = 64;
/** Tries to find clear sources for a tile before it goes without grain. */
const TRIES = 32;
/** Clear sources compared per tile (by texture strength). */
const CANDIDATES = 6;

function holeBox(hole: Uint8Array, w: number, h: number): Box | undefined {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!hole[y * w + x]) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Fills the pixels of `rgba` (w × h × 4, in place) where `hole` (w × h, 0/1) is set, from
 * the pixels around them; `box` bounds the hole (found when absent). Filled pixels are opaque.
 */
export function inpaintHole(rgba: Uint8Array, w: number, h: number, hole: Uint8Array, box?: Box): void {
  const b = box ?? holeBox(hole, w, h);
  if (!b) return;
  // The neighbourhood worked on: enough around the hole for the pyramid's context and for
  // grain sources.
  const margin = Math.max(4 * TILE, Math.round(0.15 * Math.max(b.x1 - b.x0, b.y1 - b.y0)));
  const rx0 = Math.max(0, b.x0 - margin);
  const ry0 = Math.max(0, b.y0 - margin);
  const region: Region = { x0: rx0, y0: ry0, w: Math.min(w, b.x1 + margin) - rx0, h: Math.min(h, b.y1 + margin) - ry0 };
  const { w: rw, h: rh } = region;
  // (The steps are functions of their own, each one loop that V8 optimises once.)
  const { px, known, inHole } = cropRegion(rgba, hole, w, region);
  const low = timed('fill membrane', () => pushPullFill(px, rw, rh, 4, known));
  // Mostly the row fill (horizontal bands carry on), on the membrane (which also joins
  // what is above and below, and covers rows with nothing beside them).
  const rows = timed('fill membrane', () => rowFill(px, rw, rh, 4, inHole, 3));
  blendRows(low, rows.fill, rows.weight);
  // Each pixel's distance to the hole: where grain and texture may be taken from.
  const clearance = distanceTo(inHole, rw, rh);
  const grain = timed('fill grain', () => borrowGrain(px, rw, rh, inHole, clearance));
  applyGrain(rgba, w, region, inHole, low, grain);
  const tex = new Uint8Array(rw * rh * 4);
  // Copied texture over that, in the band a move reveals (patch-fill.ts).
  const done = timed('patch fill', () => patchFill(px, tex, rw, rh, inHole, clearance, TEXTURE_REACH * Math.max(w, h)));
  blendTexture(rgba, w, region, done, tex);
}

/** The neighbourhood worked on, in the picture's pixels. */
interface Region {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/** The region's pixels, and which of them are known and which in the hole. */
function cropRegion(
  rgba: Uint8Array,
  hole: Uint8Array,
  w: number,
  r: Region,
): { px: Uint8Array; known: Uint8Array; inHole: Uint8Array } {
  const px = new Uint8Array(r.w * r.h * 4);
  const known = new Uint8Array(r.w * r.h);
  const inHole = new Uint8Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) {
    px.set(rgba.subarray(((r.y0 + y) * w + r.x0) * 4, ((r.y0 + y) * w + r.x0 + r.w) * 4), y * r.w * 4);
    for (let x = 0; x < r.w; x++) {
      inHole[y * r.w + x] = hole[(r.y0 + y) * w + r.x0 + x]!;
      known[y * r.w + x] = 1 - inHole[y * r.w + x]!;
    }
  }
  return { px, known, inHole };
}

/** The row fill (4 floats a pixel) over the membrane (3), by its weight × ROW_SHARE, in place. */
function blendRows(low: Float32Array, fill: Float32Array, weight: Float32Array): void {
  for (let i = 0; i < weight.length; i++) {
    const k = ROW_SHARE * weight[i]!;
    if (k === 0) continue;
    for (let c = 0; c < 3; c++) low[i * 3 + c] = k * fill[i * 4 + c]! + (1 - k) * low[i * 3 + c]!;
  }
}

/**
 * The membrane with the grain into the hole's pixels of `rgba`: the grain modulates
 * brightness and keeps the fill's hue (light blades on green grass stay green).
 */
function applyGrain(
  rgba: Uint8Array,
  w: number,
  r: Region,
  inHole: Uint8Array,
  low: Float32Array,
  grain: Float32Array,
): void {
  for (let y = 0; y < r.h; y++) {
    for (let x = 0; x < r.w; x++) {
      const i = y * r.w + x;
      if (!inHole[i]) continue;
      const o = ((r.y0 + y) * w + r.x0 + x) * 4;
      const luma = 0.299 * low[i * 3]! + 0.587 * low[i * 3 + 1]! + 0.114 * low[i * 3 + 2]!;
      const gain = Math.min(3, Math.max(0.3, (luma + grain[i]!) / Math.max(1, luma)));
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.min(255, Math.max(0, Math.round(low[i * 3 + c]! * gain)));
      rgba[o + 3] = 255;
    }
  }
}

/** The copied texture over `rgba` by its weight `done` (patch-fill.ts). */
function blendTexture(rgba: Uint8Array, w: number, r: Region, done: Float32Array, tex: Uint8Array): void {
  for (let y = 0; y < r.h; y++) {
    for (let x = 0; x < r.w; x++) {
      const i = y * r.w + x;
      const k = done[i]!;
      if (k <= 0) continue;
      const o = ((r.y0 + y) * w + r.x0 + x) * 4;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(k * tex[i * 4 + c]! + (1 - k) * rgba[o + c]!);
    }
  }
}

/** High-pass detail of the brightness: each pixel minus the mean of the 5 × 5 around it. */
function highPass(px: Uint8Array, w: number, h: number): Float32Array {
  const luma = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) luma[i] = 0.299 * px[i * 4]! + 0.587 * px[i * 4 + 1]! + 0.114 * px[i * 4 + 2]!;
  const blur = boxMean(luma, w, h, 2);
  for (let i = 0; i < w * h; i++) luma[i] = luma[i]! - blur[i]!;
  return luma;
}

/** Summed-area table (w + 1) × (h + 1) of a single-channel image. */
function summedArea(v: Float32Array, w: number, h: number): Float64Array {
  const t = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += v[y * w + x]!;
      t[(y + 1) * (w + 1) + x + 1] = t[y * (w + 1) + x + 1]! + row;
    }
  }
  return t;
}

/**
 * Fine brightness detail for the hole's pixels (zero elsewhere): overlapping tiles,
 * feathered with sin² windows that sum to one, each copied from a clear place of about the
 * same rows whose texture is about as strong as the hole's surroundings there, toned down
 * and clamped to that strength (so a tree's outline in a smooth stretch does not come
 * along); the sum is rescaled by the windows' energy so the grain keeps its strength
 * where tiles overlap.
 */
function borrowGrain(px: Uint8Array, w: number, h: number, inHole: Uint8Array, clearance: Float32Array): Float32Array {
  // (Each step is a function of its own, without closures made per call: V8 optimises
  // each loop once, where one long function was compiled again at every loop it reached.)
  const detail = highPass(px, w, h);
  const strength = absolute(detail);
  const table = summedArea(strength, w, h);
  const ringHist = ringHistogram(strength, clearance, w, h);
  const { out, energy } = grainTiles(detail, table, ringHist, w, h, inHole, clearance);
  normaliseGrain(out, energy);
  return out;
}

function absolute(v: Float32Array): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.abs(v[i]!);
  return out;
}

/** The mean texture strength over the tile centred on (x, y), from its summed-area table (`w` + 1 wide). */
function tileStrength(table: Float64Array, w: number, x: number, y: number): number {
  return (
    (table[(y + TILE) * (w + 1) + x + TILE]! -
      table[(y - TILE) * (w + 1) + x + TILE]! -
      table[(y + TILE) * (w + 1) + x - TILE]! +
      table[(y - TILE) * (w + 1) + x - TILE]!) /
    (4 * TILE * TILE)
  );
}

/**
 * The texture strength just outside the hole, row by row (a ring a few tiles wide): a
 * histogram of it per row (HIST_BINS a row), for the median (what the texture there mostly
 * is; a few strong edges in a smooth stretch do not count) and the mean.
 */
function ringHistogram(strength: Float32Array, clearance: Float32Array, w: number, h: number): Uint32Array {
  const ringHist = new Uint32Array(h * HIST_BINS);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = clearance[y * w + x]!;
      if (d <= 3 || d > 3 + 3 * TILE) continue;
      const bin = y * HIST_BINS + Math.min(HIST_BINS - 1, Math.round(2 * strength[y * w + x]!));
      ringHist[bin] = ringHist[bin]! + 1;
    }
  }
  return ringHist;
}

/** The ring's texture strength about row `cy` (the rows within two tiles): its median and mean. */
function ringAround(
  ringHist: Uint32Array,
  bandHist: Float64Array,
  h: number,
  cy: number,
): { median: number; mean: number } {
  bandHist.fill(0);
  let n = 0;
  let sum = 0;
  for (let y = Math.max(0, cy - 2 * TILE); y < Math.min(h, cy + 2 * TILE); y++) {
    for (let b = 0; b < HIST_BINS; b++) {
      const c = ringHist[y * HIST_BINS + b]!;
      bandHist[b] = bandHist[b]! + c;
      n += c;
      sum += (c * b) / 2;
    }
  }
  let median = (HIST_BINS - 1) / 2;
  for (let b = 0, seen = 0; b < HIST_BINS; b++) {
    seen += bandHist[b]!;
    if (seen >= 0.5 * n) {
      median = b / 2;
      break;
    }
  }
  return { median, mean: n > 0 ? sum / n : 0 };
}

/** The feathered tiles of borrowed detail (sums, and their windows' energy), over the hole. */
function grainTiles(
  detail: Float32Array,
  table: Float64Array,
  ringHist: Uint32Array,
  w: number,
  h: number,
  inHole: Uint8Array,
  clearance: Float32Array,
): { out: Float32Array; energy: Float32Array } {
  // A source tile must stay clear of the hole (`clearance`) and of the blur that reached into it.
  const minClear = TILE * Math.SQRT2 + 3;
  const bandHist = new Float64Array(HIST_BINS);
  const cells = cellsWithHole(inHole, w, h);
  const out = new Float32Array(w * h);
  const energy = new Float32Array(w * h);
  const rand = mulberry32(0x5eed);
  const feather = new Float32Array(2 * TILE);
  for (let k = 0; k < 2 * TILE; k++) feather[k] = Math.sin((Math.PI * (k + 0.5)) / (2 * TILE)) ** 2;
  for (let cy = 0; cy < h + TILE; cy += TILE) {
    const { median, mean: target } = ringAround(ringHist, bandHist, h, cy);
    // Smooth surroundings (a sky, a wall): the membrane alone is right.
    if (median < 0.5) continue;
    const limit = GRAIN_CLAMP * median;
    for (let cx = 0; cx < w + TILE; cx += TILE) {
      // Only tiles that reach into the hole.
      if (!nearHole(cells, cx / TILE, cy / TILE)) continue;
      // Of a few clear places near these rows, the one whose texture strength is nearest.
      let sx = -1;
      let sy = -1;
      let best = Infinity;
      let found = 0;
      for (let t = 0; t < TRIES && found < CANDIDATES; t++) {
        const x = TILE + Math.floor(rand() * Math.max(1, w - 2 * TILE));
        const y = Math.min(h - TILE - 1, Math.max(TILE, cy + Math.round((rand() - 0.5) * TILE * (1 + t / 4))));
        if (clearance[y * w + x]! < minClear) continue;
        found++;
        const misfit = Math.abs(Math.log((tileStrength(table, w, x, y) + 0.25) / (target + 0.25)));
        if (misfit < best) {
          best = misfit;
          sx = x;
          sy = y;
        }
      }
      if (sx < 0) continue;
      const gain = Math.min(1, target / Math.max(1e-3, tileStrength(table, w, sx, sy)));
      for (let ky = 0; ky < 2 * TILE; ky++) {
        const y = cy - TILE + ky;
        if (y < 0 || y >= h) continue;
        for (let kx = 0; kx < 2 * TILE; kx++) {
          const x = cx - TILE + kx;
          if (x < 0 || x >= w || !inHole[y * w + x]) continue;
          const wt = feather[kx]! * feather[ky]!;
          const j = (sy - TILE + ky) * w + sx - TILE + kx;
          const i = y * w + x;
          out[i] = out[i]! + wt * Math.min(limit, Math.max(-limit, gain * detail[j]!));
          energy[i] = energy[i]! + wt * wt;
        }
      }
    }
  }
  return { out, energy };
}

/** Rescales the summed tiles by their windows' energy, so the grain keeps its strength where tiles overlap. */
function normaliseGrain(out: Float32Array, energy: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    if (energy[i]! <= 0) continue;
    out[i] = out[i]! / Math.sqrt(Math.max(0.25, energy[i]!));
  }
}

/** Which TILE × TILE cells of the picture hold a hole pixel (`w` cells a row). */
interface HoleCells {
  cells: Uint8Array;
  w: number;
  h: number;
}

function cellsWithHole(inHole: Uint8Array, w: number, h: number): HoleCells {
  const cw = Math.ceil(w / TILE);
  const ch = Math.ceil(h / TILE);
  const cells = new Uint8Array(cw * ch);
  for (let y = 0; y < h; y++) {
    const row = Math.floor(y / TILE) * cw;
    for (let x = 0; x < w; x++) if (inHole[y * w + x]) cells[row + Math.floor(x / TILE)] = 1;
  }
  return { cells, w: cw, h: ch };
}

/**
 * Whether a tile centred on the corner of cells (cx, cy) (it covers the four cells around
 * it) reaches into the hole: one look per tile instead of a scan of its pixels.
 */
function nearHole(c: HoleCells, cx: number, cy: number): boolean {
  for (let y = cy - 1; y <= cy; y++) {
    if (y < 0 || y >= c.h) continue;
    for (let x = cx - 1; x <= cx; x++) if (x >= 0 && x < c.w && c.cells[y * c.w + x] === 1) return true;
  }
  return false;
}
