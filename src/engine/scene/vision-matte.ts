/**
 * The subject matte from what the vision models found (src/vision/), at thumbnail size,
 * for buildLayers to refine against the picture (matte-refine.ts) like any other matte.
 *
 * - A person: the segmentation model's probability, over the region it was run on; none
 *   for a person the detector is unsure of with no face in its box (doubtfulPerson).
 * - An object filling over 80 % of the picture: none (nothing beside it to separate),
 *   unless the detector is sure of it and its box leaves a strip of background on some
 *   side (a cat's head close up beside a wall); its matte must then leave that strip clear.
 * - An object: the detector gives a box, not a shape. First an iterated graph cut
 *   (box-cut.ts: colour mixtures and an edge-aware smoothness term, min-cut) on the box
 *   grown by half its size, kept when it holds the box's middle. Otherwise the
 *   boundary-connectivity matte
 *   (subject-matte.ts) is run on a crop of the box with a margin, where its premise holds
 *   (the crop's edges are background, the subject is enclosed); kept when its blob lies in
 *   the box. Otherwise a colour model inside the box (the box's core is the subject's
 *   colours, a ring outside the box the background's) decides, smoothed and reduced to the
 *   blob at the box's centre.
 */
import type { SceneVision } from '../../vision/scene-vision.js';
import { colourClusters, nearestCluster, opponentFeatures } from './colour-clusters.js';
import { dilate, guidedFilter, resample } from './image-filters.js';
import { BOX_MARGIN, cutObject } from './box-cut.js';
import { analyseSubject, type SubjectMatte } from './subject-matte.js';

/** Margin of the crop around an object's box, as a share of the box's size per side. */
const CROP_MARGIN = 0.3;

/** The matte of the vision's subject on packed RGB pixels `w` × `h` of the same picture. */
export function matteFromVision(vision: SceneVision, rgb: Uint8Array, w: number, h: number): SubjectMatte | undefined {
  if (vision.subject === 'none' || !vision.box) return undefined;
  if (doubtfulPerson(vision)) return undefined;
  const alpha =
    vision.subject === 'person' && vision.personMask ? personAlpha(vision, w, h) : objectAlpha(vision, rgb, w, h);
  if (!alpha) return undefined;
  let mass = 0;
  for (let i = 0; i < alpha.length; i++) mass += alpha[i]!;
  // A matte of a few pixels is no layer worth drawing.
  if (mass < 0.002 * w * h) return undefined;
  return { width: w, height: h, alpha };
}

/** Below this the detector's "person" needs a face in its box to be cut out as one. */
const SURE_PERSON = 0.4;

/**
 * A person the detector is unsure of (score under SURE_PERSON) with no face found in its
 * box, where the box is large enough that a face would show: more often an animal's face
 * or a coat on a chair than a person seen from behind. The segmentation, run on it, cuts
 * blobs out of whatever is there (a baboon's nose and cheeks); one plane is better.
 */
export function doubtfulPerson(vision: SceneVision): boolean {
  if (vision.subject !== 'person' || vision.confidence >= SURE_PERSON || !vision.box) return false;
  const b = vision.box;
  if (b.w * b.h < 0.05) return false;
  return !vision.faces.some((f) => {
    const cx = f.box.x + f.box.w / 2;
    const cy = f.box.y + f.box.h / 2;
    return cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h;
  });
}

function personAlpha(vision: SceneVision, w: number, h: number): Float32Array {
  const m = vision.personMask!;
  const alpha = new Float32Array(w * h);
  const kx = vision.width / w;
  const ky = vision.height / h;
  for (let y = 0; y < h; y++) {
    const py = (y + 0.5) * ky;
    const v = Math.floor(((py - m.region.y) / m.region.h) * m.height);
    if (v < 0 || v >= m.height) continue;
    for (let x = 0; x < w; x++) {
      const px = (x + 0.5) * kx;
      const u = Math.floor(((px - m.region.x) / m.region.w) * m.width);
      if (u < 0 || u >= m.width) continue;
      // The model's probability is soft over a few pixels; steepen it so the refiner's
      // band (around alpha = 0.5) sits on the model's own edge.
      const p = m.alpha[v * m.width + u]!;
      alpha[y * w + x] = Math.min(1, Math.max(0, (p - 0.3) / 0.4));
    }
  }
  return alpha;
}

/** A box over this share of the picture is a big subject (a close-up), believed only as BIG_SUBJECT_* allow. */
const BIG_BOX = 0.8;
/** A big subject is cut out when the detector is this sure of it and its box leaves a strip this wide (share of the side). */
const BIG_SUBJECT_SCORE = 0.5;
const BIG_SUBJECT_STRIP = 0.06;
/** Share of that strip the big subject's matte may cover, and of the picture, for the matte to be trusted. */
const BIG_STRIP_COVER = 0.25;
const BIG_MATTE_SHARE = 0.92;

/**
 * Whether a big box (a cat's head close up) still leaves background to part it from: the
 * detector is sure of it and the box stops short of the picture's edge on some side by a
 * strip (the wall beside the cat), which is the far plane. A box that runs to every edge
 * is the whole scene.
 */
function leavesBackground(vision: SceneVision, box: [number, number, number, number], w: number, h: number): boolean {
  if (vision.confidence < BIG_SUBJECT_SCORE) return false;
  return freeStrips(box, w, h).length > 0;
}

/** The strips (pixel boxes, x1/y1 exclusive) between a box and the picture's edges at least BIG_SUBJECT_STRIP wide. */
function freeStrips(
  [bx0, by0, bx1, by1]: [number, number, number, number],
  w: number,
  h: number,
): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  if (bx0 >= BIG_SUBJECT_STRIP * w) out.push([0, 0, bx0, h]);
  if (w - bx1 >= BIG_SUBJECT_STRIP * w) out.push([bx1, 0, w, h]);
  if (by0 >= BIG_SUBJECT_STRIP * h) out.push([0, 0, w, by0]);
  if (h - by1 >= BIG_SUBJECT_STRIP * h) out.push([0, by1, w, h]);
  return out;
}

/**
 * A big subject's matte is trusted when it leaves its free strips background (it found
 * the edge between the thing and what is behind it, not the picture's) and does not cover
 * nearly the whole picture.
 */
function bigMatteHolds(alpha: Float32Array, box: [number, number, number, number], w: number, h: number): boolean {
  let all = 0;
  for (let i = 0; i < alpha.length; i++) if (alpha[i]! >= 0.5) all++;
  if (all > BIG_MATTE_SHARE * w * h) return false;
  let covered = 0;
  let area = 0;
  for (const [x0, y0, x1, y1] of freeStrips(box, w, h))
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        area++;
        if (alpha[y * w + x]! >= 0.5) covered++;
      }
  return area > 0 && covered <= BIG_STRIP_COVER * area;
}

/**
 * The subject's box in pixels of a w × h picture, or undefined when it is too small or
 * fills the picture (over BIG_BOX of it, unless `allowBig` and it leaves background beside it).
 */
function objectPixelBox(
  vision: SceneVision,
  w: number,
  h: number,
  allowBig = false,
): [number, number, number, number] | undefined {
  const b = vision.box;
  if (!b) return undefined;
  const bx0 = Math.max(0, Math.floor(b.x * w));
  const by0 = Math.max(0, Math.floor(b.y * h));
  const bx1 = Math.min(w, Math.ceil((b.x + b.w) * w));
  const by1 = Math.min(h, Math.ceil((b.y + b.h) * h));
  if (bx1 - bx0 < 4 || by1 - by0 < 4) return undefined;
  // A thing that fills the picture leaves no background beside it to separate from: one
  // plane, not a cut-out of most of the picture; a close-up that leaves a strip of wall
  // beside it (a cat's head) is cut out for the depth moves (objectAlpha checks the matte).
  if (
    (bx1 - bx0) * (by1 - by0) > BIG_BOX * w * h &&
    !(allowBig && leavesBackground(vision, [bx0, by0, bx1, by1], w, h))
  )
    return undefined;
  return [bx0, by0, bx1, by1];
}

/**
 * The graph cut of a look's object on a thumbnail, kept per thumbnail's pixels and look:
 * the depth moves' matte and the aim (objectExtent) of one task share one cut.
 */
const cuts = new WeakMap<Uint8Array, WeakMap<SceneVision, { alpha: Float32Array | undefined }>>();

function objectCut(
  vision: SceneVision,
  rgb: Uint8Array,
  w: number,
  h: number,
  allowBig = false,
): Float32Array | undefined {
  const box = objectPixelBox(vision, w, h, allowBig);
  if (!box) return undefined;
  const byLook = cuts.get(rgb) ?? new WeakMap<SceneVision, { alpha: Float32Array | undefined }>();
  cuts.set(rgb, byLook);
  const hit = byLook.get(vision) ?? { alpha: boxCutAlpha(rgb, w, h, ...box) };
  byLook.set(vision, hit);
  return hit.alpha;
}

/**
 * The extent (normalised box) of the detected object: its box and what the graph cut
 * around it finds, or undefined when the cut does not hold (see boxCutAlpha) or there is
 * no object to cut. The detector's box can hold a part of the thing (a cup without its
 * saucer): the cut around it takes the whole, and the aimed moves go for that.
 */
export function objectExtent(
  vision: SceneVision,
  rgb: Uint8Array,
  w: number,
  h: number,
): { x: number; y: number; w: number; h: number } | undefined {
  const alpha = vision.subject === 'object' ? objectCut(vision, rgb, w, h) : undefined;
  if (!alpha) return undefined;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (alpha[y * w + x]! < 0.5) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  if (x1 < 0) return undefined;
  // Grown by the cut, never shrunk: the cut that misses a part the detector boxed (on
  // coffee it flips between cup-and-saucer and the cup's rim alone as the box moves by 1 %)
  // leaves the box.
  const b = vision.box!;
  const ex0 = Math.min(b.x, x0 / w);
  const ey0 = Math.min(b.y, y0 / h);
  const ex1 = Math.max(b.x + b.w, (x1 + 1) / w);
  const ey1 = Math.max(b.y + b.h, (y1 + 1) / h);
  return { x: ex0, y: ey0, w: ex1 - ex0, h: ey1 - ey0 };
}

function objectAlpha(vision: SceneVision, rgb: Uint8Array, w: number, h: number): Float32Array | undefined {
  const box = objectPixelBox(vision, w, h, true);
  if (!box) return undefined;
  const [bx0, by0, bx1, by1] = box;
  const big = (bx1 - bx0) * (by1 - by0) > BIG_BOX * w * h;
  const alpha = objectShape(vision, rgb, w, h, box);
  return alpha && (!big || bigMatteHolds(alpha, box, w, h)) ? alpha : undefined;
}

function objectShape(
  vision: SceneVision,
  rgb: Uint8Array,
  w: number,
  h: number,
  box: [number, number, number, number],
): Float32Array | undefined {
  const [bx0, by0, bx1, by1] = box;
  const cut = objectCut(vision, rgb, w, h, true);
  if (cut) return cut;
  const cx0 = Math.max(0, Math.floor(bx0 - CROP_MARGIN * (bx1 - bx0)));
  const cy0 = Math.max(0, Math.floor(by0 - CROP_MARGIN * (by1 - by0)));
  const cx1 = Math.min(w, Math.ceil(bx1 + CROP_MARGIN * (bx1 - bx0)));
  const cy1 = Math.min(h, Math.ceil(by1 + CROP_MARGIN * (by1 - by0)));
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  const crop = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) crop.set(rgb.subarray(((cy0 + y) * w + cx0) * 3, ((cy0 + y) * w + cx1) * 3), y * cw * 3);
  const alpha = new Float32Array(w * h);
  const found = analyseSubject(crop, cw, ch).matte;
  if (found) {
    let inBox = 0;
    let all = 0;
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const a = found.alpha[y * cw + x]!;
        all += a;
        const X = cx0 + x;
        const Y = cy0 + y;
        if (X >= bx0 && X < bx1 && Y >= by0 && Y < by1) inBox += a;
      }
    }
    // The blob is the detected thing when it lies in the box and fills a fair part of it.
    if (all > 0 && inBox / all > 0.85 && inBox > 0.25 * (bx1 - bx0) * (by1 - by0)) {
      for (let y = 0; y < ch; y++)
        for (let x = 0; x < cw; x++) alpha[(cy0 + y) * w + cx0 + x] = found.alpha[y * cw + x]!;
      return alpha;
    }
  }
  return colourModelInBox(rgb, w, h, { bx0, by0, bx1, by1, cx0, cy0, cx1, cy1 }, alpha);
}

/** Share of the box's middle (its central half in each direction) the cut must hold. */
const MIDDLE_HELD = 0.75;

/**
 * The graph cut's object (box-cut.ts) as a matte (0/1, soft where sampled back up), or undefined when it does not
 * hold the box's middle: in a cluttered room the cut can settle on shelves behind a
 * motorcycle and lose the bike's body; the detector's box is centred on the thing.
 */
function boxCutAlpha(
  rgb: Uint8Array,
  w: number,
  h: number,
  bx0: number,
  by0: number,
  bx1: number,
  by1: number,
): Float32Array | undefined {
  const cx0 = Math.max(0, Math.floor(bx0 - BOX_MARGIN * (bx1 - bx0)));
  const cy0 = Math.max(0, Math.floor(by0 - BOX_MARGIN * (by1 - by0)));
  const cx1 = Math.min(w, Math.ceil(bx1 + BOX_MARGIN * (bx1 - bx0)));
  const cy1 = Math.min(h, Math.ceil(by1 + BOX_MARGIN * (by1 - by0)));
  const cw = cx1 - cx0;
  const cut = cutAtMost(rgb, w, { x0: bx0, y0: by0, x1: bx1, y1: by1 }, { x0: cx0, y0: cy0, x1: cx1, y1: cy1 });
  if (!cut) return undefined;
  let held = 0;
  let middle = 0;
  for (let y = Math.floor(by0 + 0.25 * (by1 - by0)); y < by1 - 0.25 * (by1 - by0); y++)
    for (let x = Math.floor(bx0 + 0.25 * (bx1 - bx0)); x < bx1 - 0.25 * (bx1 - bx0); x++) {
      held += cut[(y - cy0) * cw + x - cx0]!;
      middle++;
    }
  if (middle === 0 || held < MIDDLE_HELD * middle) return undefined;
  const alpha = new Float32Array(w * h);
  for (let y = cy0; y < cy1; y++) for (let x = cx0; x < cx1; x++) alpha[y * w + x] = cut[(y - cy0) * cw + x - cx0]!;
  return alpha;
}

/**
 * Most pixels the graph cut works on. It costs ~20 ms per 1,000 pixels here (four rounds
 * of colour models and a min-cut: coffee's 220 × 166 crop took 400–760 ms warm on a quiet
 * 2-core machine, 200–400 ms at this size); the outline it finds is refined at full
 * resolution afterwards, so the coarser grid loses little.
 */
const MAX_CUT_PIXELS = 10_000;

/**
 * The cut over `crop` (in picture pixels), run on an area-averaged copy of the crop when it
 * is larger than MAX_CUT_PIXELS and sampled back bilinearly: object share 0..1 per crop pixel.
 */
function cutAtMost(
  rgb: Uint8Array,
  w: number,
  box: { x0: number; y0: number; x1: number; y1: number },
  crop: { x0: number; y0: number; x1: number; y1: number },
): Float32Array | undefined {
  const cw = crop.x1 - crop.x0;
  const ch = crop.y1 - crop.y0;
  const f = Math.min(1, Math.sqrt(MAX_CUT_PIXELS / (cw * ch)));
  const sw = Math.max(8, Math.round(cw * f));
  const sh = Math.max(8, Math.round(ch * f));
  const small = new Uint8Array(sw * sh * 3);
  for (let y = 0; y < sh; y++) {
    const y0 = crop.y0 + Math.floor((y * ch) / sh);
    const y1 = Math.max(y0 + 1, crop.y0 + Math.floor(((y + 1) * ch) / sh));
    for (let x = 0; x < sw; x++) {
      const x0 = crop.x0 + Math.floor((x * cw) / sw);
      const x1 = Math.max(x0 + 1, crop.x0 + Math.floor(((x + 1) * cw) / sw));
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += rgb[(yy * w + xx) * 3 + c]!;
        small[(y * sw + x) * 3 + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  const sx = sw / cw;
  const sy = sh / ch;
  const sbox = {
    x0: Math.floor((box.x0 - crop.x0) * sx),
    y0: Math.floor((box.y0 - crop.y0) * sy),
    x1: Math.ceil((box.x1 - crop.x0) * sx),
    y1: Math.ceil((box.y1 - crop.y0) * sy),
  };
  const cut = cutObject(small, sw, sh, sbox, { x0: 0, y0: 0, x1: sw, y1: sh });
  return cut && resample(Float32Array.from(cut), sw, sh, cw, ch);
}

/** Subject vs background colours inside the box; the blob that holds the box's centre. */
function colourModelInBox(
  rgb: Uint8Array,
  w: number,
  h: number,
  r: { bx0: number; by0: number; bx1: number; by1: number; cx0: number; cy0: number; cx1: number; cy1: number },
  alpha: Float32Array,
): Float32Array | undefined {
  const n = w * h;
  const f = opponentFeatures(rgb, n, 3);
  const bw = r.bx1 - r.bx0;
  const bh = r.by1 - r.by0;
  const core: number[] = [];
  const ring: number[] = [];
  for (let y = r.cy0; y < r.cy1; y++) {
    for (let x = r.cx0; x < r.cx1; x++) {
      const inBox = x >= r.bx0 && x < r.bx1 && y >= r.by0 && y < r.by1;
      if (!inBox) ring.push(y * w + x);
      else if (Math.abs(x + 0.5 - (r.bx0 + bw / 2)) < bw * 0.25 && Math.abs(y + 0.5 - (r.by0 + bh / 2)) < bh * 0.25)
        core.push(y * w + x);
    }
  }
  // A box that fills the crop (a subject cut by the picture's edges) has little ring: the
  // box's own border stands in for the background.
  if (ring.length < 24) {
    for (let x = r.bx0; x < r.bx1; x++) ring.push(r.by0 * w + x, (r.by1 - 1) * w + x);
    for (let y = r.by0; y < r.by1; y++) ring.push(y * w + r.bx0, y * w + r.bx1 - 1);
  }
  if (core.length < 12 || ring.length < 12) return undefined;
  const K = 8;
  const fg = colourClusters(f, core, K);
  const bg = colourClusters(f, ring, K);
  const p = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = (r.by0 + y) * w + r.bx0 + x;
      const d = nearestCluster(f, i, bg, K).distance - nearestCluster(f, i, fg, K).distance;
      // A weak prior for the box's middle (the detector's box is centred on the thing).
      const nx = (x + 0.5) / bw - 0.5;
      const ny = (y + 0.5) / bh - 0.5;
      const prior = 0.5 - 1.2 * (nx * nx + ny * ny);
      p[y * bw + x] = 1 / (1 + Math.exp(-(d / 8 + prior)));
    }
  }
  const grey = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++) grey[y * bw + x] = f[((r.by0 + y) * w + r.bx0 + x) * 3]! / 255;
  const smooth = guidedFilter(grey, p, bw, bh, 2, 0.01);
  // The blob holding the box's centre (4-connected, smooth > 0.5).
  const keep = new Uint8Array(bw * bh);
  const seedX = Math.floor(bw / 2);
  const seedY = Math.floor(bh / 2);
  let seed = -1;
  for (let rad = 0; rad < Math.min(bw, bh) / 4 && seed < 0; rad++) {
    for (let dy = -rad; dy <= rad && seed < 0; dy++)
      for (let dx = -rad; dx <= rad && seed < 0; dx++) {
        const j = (seedY + dy) * bw + seedX + dx;
        if (smooth[j]! > 0.5) seed = j;
      }
  }
  if (seed < 0) return undefined;
  const stack = [seed];
  keep[seed] = 1;
  while (stack.length) {
    const j = stack.pop()!;
    const x = j % bw;
    for (const k of [x > 0 ? j - 1 : -1, x < bw - 1 ? j + 1 : -1, j - bw, j + bw]) {
      if (k >= 0 && k < keep.length && !keep[k] && smooth[k]! > 0.5) {
        keep[k] = 1;
        stack.push(k);
      }
    }
  }
  for (let y = 0; y < bh; y++)
    for (let x = 0; x < bw; x++)
      alpha[(r.by0 + y) * w + r.bx0 + x] = keep[y * bw + x]
        ? Math.min(1, Math.max(0, smooth[y * bw + x]! * 1.5 - 0.25))
        : 0;
  return alpha;
}

/** A subject the detector did not see, found by its colours (salientSubject). */
export interface SalientSubject {
  matte: SubjectMatte;
  /** How clearly it stands out from what is around it, 0..1 (SALIENT_* below). */
  confidence: number;
  /** Its box, normalised. */
  box: { x: number; y: number; w: number; h: number };
}

/** The ring around the salient blob whose colours it must stand apart from, as a share of the long side. */
const SALIENT_RING = 0.04;
/** Colour clusters of the ring and of the blob. */
const SALIENT_CLUSTERS = 6;
/**
 * The blob's colours must lie this many times farther from the ring's colours than the
 * ring's own spread (the median distances to the ring's clusters), and fill this much of
 * its box. Measured on the 17 bench photos (bench/scene-labels.json): a lit rocket on a
 * night sky 7.0; the wrong blobs the colour estimate finds inside subjects and scenes (a
 * cat's nose in its fur, a squirrel's ear, a lamp-lit patch under an orange, a roof) 1.4–4.7.
 */
const SALIENT_DISTINCT = 5.5;
const SALIENT_FULL = 7.5;
const SALIENT_FILL = 0.5;

/**
 * The fallback where the detector saw nothing: the colour estimate's subject
 * (subject-matte.ts: compact, enclosed by a clear outline, touching neither the top nor the
 * sides), kept only when it stands out from what surrounds it: its colours far from those
 * of a ring around it, relative to how much the ring itself varies, and solid in its box.
 * Its parts-of-things (a nose in fur, a shadow on a table) are refused: the ring around
 * them is the rest of the thing, in colours close to theirs.
 */
export function salientSubject(rgb: Uint8Array, w: number, h: number): SalientSubject | undefined {
  const found = analyseSubject(rgb, w, h).matte;
  if (!found) return undefined;
  const n = w * h;
  const blob = new Float32Array(n);
  for (let i = 0; i < n; i++) blob[i] = found.alpha[i]! >= 0.5 ? 1 : 0;
  const grown = dilate(blob, w, h, Math.max(3, Math.round(SALIENT_RING * Math.max(w, h))));
  const inner: number[] = [];
  const ring: number[] = [];
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (blob[i]) {
        inner.push(i);
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      } else if (grown[i]! > 0) ring.push(i);
    }
  if (inner.length < SALIENT_CLUSTERS || ring.length < SALIENT_CLUSTERS) return undefined;
  if (inner.length < SALIENT_FILL * (x1 - x0 + 1) * (y1 - y0 + 1)) return undefined;
  const f = opponentFeatures(rgb, n, 3);
  const ringColours = colourClusters(f, ring, SALIENT_CLUSTERS);
  const median = (idx: number[]): number => {
    const d = idx.map((i) => nearestCluster(f, i, ringColours, SALIENT_CLUSTERS).distance).sort((a, b) => a - b);
    return d[Math.floor(d.length / 2)]!;
  };
  const distinct = median(inner) / Math.max(1, median(ring));
  if (distinct < SALIENT_DISTINCT) return undefined;
  const confidence = Math.min(1, 0.5 + (0.5 * (distinct - SALIENT_DISTINCT)) / (SALIENT_FULL - SALIENT_DISTINCT));
  return {
    matte: found,
    confidence: Math.round(confidence * 1000) / 1000,
    box: { x: x0 / w, y: y0 / h, w: (x1 + 1 - x0) / w, h: (y1 + 1 - y0) / h },
  };
}
