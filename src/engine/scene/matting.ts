/**
 * The subject's colours from the matting equation I = αF + (1 − α)B, solved so that the
 * subject layer over the plate gives back the picture exactly at rest, at every mip level:
 *
 * - where the subject is clear (α = 0) the plate is the picture (the fill only lives
 *   under the subject, so at rest it never shows);
 * - where it is opaque, its colour is the picture's;
 * - between, F = (I − (1 − α)B) / α. Where that leaves 0..255 (a fill much darker or
 *   brighter than the true background behind a soft edge), F is clamped and the plate's
 *   pixel is moved to the value that still solves the equation, instead of the composite
 *   drifting from the picture (a lilac fringe inside a white cup's rim was exactly this:
 *   a clamped F over a brown fill).
 *
 * Each mip level is solved on its own (I from the picture's level, B from the plate's,
 * α from the subject's downsampled alpha): compositing does not commute with
 * downsampling, so solving level 0 and downsampling F left a fringe at coarser levels.
 *
 * The first rule has a cost: a pixel of the subject that its matte missed (a hair tip, the
 * dark rim of a sleeve, a thumbnail pixel of a hand) has α = 0, so it is put back on the
 * plate however far the hole was grown, and once the camera moves it shows beside the
 * subject as a ghost of its edge. Rest exactness only asks that αF + (1 − α)B be the
 * picture; it does not ask that the plate be the picture wherever the matte said "clear".
 * So before solving, `claimMissedEdge` reads the picture once more where the hole was grown
 * past the matte (the filled plate there is an estimate of the true background B, and the
 * subject's colour just inside its edge, carried outward, of F): within a band along the
 * decided outline as wide as the matte's likely misses, a pixel whose colour lies towards F
 * from B is given the α of its place between them, and at least the least α that any F in
 * range would need over that B (so F does not clamp and the plate keeps the fill: a claim
 * below it left the edge's colour on the plate in channel-clamped specks, yellow ones
 * beside an astronaut's hair), and the subject layer carries it. Pixels that look like the
 * background keep α = 0 and are the picture on the plate, as before (they are the true
 * background, better than any fill). Either way, at rest the composite is the picture.
 * (Claiming also what lay far from B in any direction caught a dark rim of another hue,
 * but took a flag's gold pole and an orange rim along the chin for the subject too; the
 * least-α bound already catches most of such a rim once a little of it is claimed.
 * Raising every soft edge's α to that bound in solveMatting, claimed or not, looked no
 * better and would carry soft edges that look like background with the subject; those
 * keep the plate-moving rule above.)
 */
import { distanceTo } from './image-filters.js';
import { pushPullFill } from './push-pull.js';

/** Level pixels (RGBA, `width` wide) and the box (level px, exclusive ends) to solve in. */
export interface MattingLevel {
  width: number;
  /** The picture. */
  picture: Uint8Array;
  /** The background plate; edited where the subject is clear or F would leave the range. */
  plate: Uint8Array;
  /** The subject: its alpha is read, its colours written. */
  subject: Uint8Array;
  box: { x0: number; y0: number; x1: number; y1: number };
  /** Offset of `picture`'s (0, 0) in the level, when it is a crop of the level. */
  pictureOrigin?: { x: number; y: number; width: number };
}

/** Solves one level in place. */
export function solveMatting(level: MattingLevel): void {
  const { width: W, picture: I, plate: B, subject: S, box } = level;
  const po = level.pictureOrigin;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const o = (y * W + x) * 4;
      const p = po ? ((y - po.y) * po.width + (x - po.x)) * 4 : o;
      const a8 = S[o + 3]!;
      if (a8 === 0) {
        B[o] = I[p]!;
        B[o + 1] = I[p + 1]!;
        B[o + 2] = I[p + 2]!;
        continue;
      }
      if (a8 === 255) {
        S[o] = I[p]!;
        S[o + 1] = I[p + 1]!;
        S[o + 2] = I[p + 2]!;
        continue;
      }
      const a = a8 / 255;
      for (let c = 0; c < 3; c++) {
        const i = I[p + c]!;
        let b = B[o + c]!;
        let f = (i - (1 - a) * b) / a;
        if (f > 255 || f < 0) {
          // Keep F in range and move the plate so that αF + (1 − α)B is still I.
          f = f > 255 ? 255 : 0;
          b = Math.min(255, Math.max(0, Math.round((i - a * f) / (1 - a))));
          B[o + c] = b;
          f = (i - (1 - a) * b) / a;
        }
        S[o + c] = Math.min(255, Math.max(0, Math.round(f)));
      }
    }
  }
}

/** Opaque enough for its colour to stand for the subject's, carried out across its edge. */
const OPAQUE = 0.9;
/**
 * A missed pixel's position from B (0) to F (1) at which it starts to count as the
 * subject's, and at which it is wholly claimed: a little past B, not to take the
 * background's own texture (grass, a crowd) in, and well short of F (a missed rim is a mix).
 */
const CLAIM_FROM = 0.25;
const CLAIM_FULL = 0.6;
/** Subject–background colour difference (RGB units) below which the direction towards F means nothing, and above which it fully does. */
const CONTRAST_MIN = 24;
const CONTRAST_FULL = 48;
/** Alpha from which the matte counts a pixel as the subject's (the edge misses are measured from). */
const DECIDED = 0.5;
/**
 * Share of the reach over which the claim fades out, away from the subject (past the reach
 * the plate is the picture, so a claim stopping dead there would cut a hard line across
 * whatever reaches out of it).
 */
const EDGE_FADE = 0.4;

const ramp = (v: number, from: number, to: number): number => Math.min(1, Math.max(0, (v - from) / (to - from)));

/** What `claimMissedEdge` works on: the subject's crop of the picture and its alpha, the filled plate and the hole. */
export interface MissedEdge {
  /** The picture over the crop (RGBA, `crop.w` wide). */
  picture: Uint8Array;
  /** The subject's alpha over the crop, 0..1: raised where the subject's pixels were missed. */
  alpha: Float32Array;
  /** The plate (RGBA, `width` wide), already filled where `hole` is set. */
  plate: Uint8Array;
  width: number;
  /** 0/1, `width` wide. */
  hole: Uint8Array;
  crop: { x0: number; y0: number; w: number; h: number };
  /** How far the hole was grown past the matte (px). */
  reach: number;
}

/**
 * Raises the alpha of the hole's pixels that look like the subject rather than the filled
 * background behind them (see the file's comment), in place.
 */
export function claimMissedEdge(e: MissedEdge): void {
  const { picture: I, alpha, crop } = e;
  const { w, h } = crop;
  // (The steps are functions of their own, one loop each, for V8 to optimise once.)
  const masks = opaqueAndDecided(alpha);
  if (!masks) return;
  // Only a band along the subject's edge: the misses lie there, while the hole's far parts
  // (under a wide soft stretch of matte) are background the fill merely guesses at.
  const toSubject = distanceTo(masks.decided, w, h);
  const inBand = bandOf(e, toSubject);
  // F: the subject's colours carried smoothly out across its edge (nearest ones weigh
  // most), worked out in the band only.
  const F = pushPullFill(I, w, h, 4, masks.opaque, inBand);
  claimBand(e, toSubject, inBand, F);
  claimEnclosedStructure(e);
  seamToPicture(e);
}

/**
 * Below this alpha the subject layer leaves a pixel out (scene-sources.ts's SUBJECT_ALPHA_MIN),
 * so solveMatting puts the picture back on the plate there.
 */
const LEFT_OUT = 0.01;
/**
 * A restored pixel this far (RGB units) from the fill under it votes fully for the seam's
 * offset, and from SEAM_MAX not at all: the fill missing a soft halo or a lit backdrop is
 * a small, smooth offset, while a pixel much farther off is a structure (a missed piece of
 * the subject, a stripe) that must not be smeared into the fill.
 */
const SEAM_FULL = 24;
const SEAM_MAX = 48;
/** The offset's reach into the fill, in units of the hole's growth past the matte. */
const SEAM_REACH = 3;

/**
 * The fill under the subject brought to meet the picture where the plate gives the picture
 * back, in place. The hole reaches past the matte so the fill starts from clean background,
 * but wherever a pixel of that band is left out of the subject (α = 0: most of it),
 * solveMatting puts the picture back there; the fill was made from farther out and differs
 * from the band by whatever lies right along the subject's edge (a lit halo behind a head,
 * a sharpening rim, a backdrop's gradient), so once the subject moves aside the fill showed
 * a ragged pale outline of the subject where the two meet. Here the band's offset from the
 * fill (picture − fill, on the pixels that will be the picture) is averaged over cells
 * about half the growth wide, carried smoothly to the cells without any (push-pull) and
 * added to the filled pixels the subject keeps (α > 0), fading out within SEAM_REACH × the
 * growth. Only the plate under the subject changes, and solveMatting solves F over it, so
 * at rest the composite is still the picture. The offset is smooth by construction, so a
 * coarse grid loses nothing and costs a pass over the crop.
 */
function seamToPicture(e: MissedEdge): void {
  const { picture: I, alpha, plate: B, width: W, hole, crop, reach } = e;
  const { w, h } = crop;
  const cell = Math.max(1, Math.round(reach / 2));
  const gw = Math.ceil(w / cell);
  const gh = Math.ceil(h / cell);
  // Per cell: the votes' weight and their weighted offsets (3 channels).
  const votes = new Float32Array(gw * gh);
  const sums = [new Float32Array(gw * gh), new Float32Array(gw * gh), new Float32Array(gw * gh)];
  let any = false;
  for (let y = 0; y < h; y++) {
    const row = Math.floor(y / cell) * gw;
    for (let x = 0; x < w; x++) {
      const g = row + Math.floor(x / cell);
      const i = y * w + x;
      if (alpha[i]! >= LEFT_OUT || !hole[(crop.y0 + y) * W + crop.x0 + x]) continue;
      const o = ((crop.y0 + y) * W + crop.x0 + x) * 4;
      const r = I[i * 4]! - B[o]!;
      const gr = I[i * 4 + 1]! - B[o + 1]!;
      const b = I[i * 4 + 2]! - B[o + 2]!;
      const k = 1 - ramp(Math.hypot(r, gr, b), SEAM_FULL, SEAM_MAX);
      if (k === 0) continue;
      votes[g]! += k;
      sums[0]![g]! += k * r;
      sums[1]![g]! += k * gr;
      sums[2]![g]! += k * b;
      any = true;
    }
  }
  if (!any) return;
  // Each voted cell's mean offset, carried smoothly out to the cells without votes
  // (push-pull: the nearest votes weigh most), fading to nothing SEAM_REACH × the growth away.
  const px = new Uint8Array(gw * gh * 4);
  const voted = new Uint8Array(gw * gh);
  for (let g = 0; g < gw * gh; g++) {
    const v = votes[g]!;
    if (!(v > 0)) continue;
    voted[g] = 1;
    for (let c = 0; c < 3; c++) px[g * 4 + c] = Math.round(128 + sums[c]![g]! / v);
  }
  const smooth = pushPullFill(px, gw, gh, 4, voted);
  const away = distanceTo(voted, gw, gh);
  const fadeCells = Math.max(1, (SEAM_REACH * reach) / cell);
  const offset = [new Float32Array(gw * gh), new Float32Array(gw * gh), new Float32Array(gw * gh)];
  for (let g = 0; g < gw * gh; g++) {
    const k = Math.max(0, 1 - away[g]! / fadeCells);
    for (let c = 0; c < 3; c++) offset[c]![g] = k * (smooth[g * 3 + c]! - 128);
  }
  addOffset(e, offset, gw, gh, cell);
}

/** The cells' offsets (bilinear between cell centres) added to the kept fill's pixels. */
function addOffset(e: MissedEdge, offset: Float32Array[], gw: number, gh: number, cell: number): void {
  const { alpha, plate: B, width: W, hole, crop } = e;
  const { w, h } = crop;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(gh - 1, Math.max(0, (y + 0.5) / cell - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(gh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const j = (crop.y0 + y) * W + crop.x0 + x;
      if (alpha[i]! < LEFT_OUT || !hole[j]) continue;
      const fx = Math.min(gw - 1, Math.max(0, (x + 0.5) / cell - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(gw - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const o = offset[c]!;
        const top = o[y0 * gw + x0]! + (o[y0 * gw + x1]! - o[y0 * gw + x0]!) * wx;
        const bottom = o[y1 * gw + x0]! + (o[y1 * gw + x1]! - o[y1 * gw + x0]!) * wx;
        const d = top + (bottom - top) * wy;
        if (d !== 0) B[j * 4 + c] = Math.min(255, Math.max(0, Math.round(B[j * 4 + c]! + d)));
      }
    }
  }
}

/**
 * What the hole holds of things that do not reach out of it: pixels left out of the
 * subject (α below LEFT_OUT) whose picture stands off the fill by more than SEAM_MAX (a
 * structure, not the backdrop), grouped 8-connected; a group that touches the subject and
 * lies wholly inside the hole is a piece of the subject's edge the matte missed (a rocket's
 * gantry rail, the pale rim of a collar ring, a tuft of fur), however unlike the subject's
 * colour it is, and becomes the subject's, opaque (in place). Left on the plate it showed,
 * once the subject moved, as the subject's outline drawn on the fill, and the subject
 * lacked it (a notch). A group that leaves the hole goes on into the background (a flag's
 * stripe, a pole behind the shoulder) and stays on the plate.
 */
function claimEnclosedStructure(e: MissedEdge): void {
  const { picture: I, alpha, plate: B, width: W, hole, crop } = e;
  const { w, h } = crop;
  const structure = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const j = (crop.y0 + y) * W + crop.x0 + x;
      if (alpha[i]! >= LEFT_OUT || !hole[j]) continue;
      const d = Math.hypot(I[i * 4]! - B[j * 4]!, I[i * 4 + 1]! - B[j * 4 + 1]!, I[i * 4 + 2]! - B[j * 4 + 2]!);
      if (d > SEAM_MAX) structure[i] = 1;
    }
  }
  const group = new Int32Array(w * h);
  let size = 0;
  for (let s = 0; s < w * h; s++) {
    if (structure[s] !== 1) continue;
    // Flood the group (marking it 2), noting whether it touches the subject or leaves the hole.
    structure[s] = 2;
    group[0] = s;
    size = 1;
    let touches = false;
    let leaves = false;
    for (let k = 0; k < size; k++) {
      const i = group[k]!;
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
            leaves = true;
            continue;
          }
          const n = yy * w + xx;
          if (!hole[(crop.y0 + yy) * W + crop.x0 + xx]) leaves = true;
          else if (alpha[n]! >= LEFT_OUT) touches = true;
          else if (structure[n] === 1) {
            structure[n] = 2;
            group[size++] = n;
          }
        }
      }
    }
    if (touches && !leaves) for (let k = 0; k < size; k++) alpha[group[k]!] = 1;
  }
}

/** The crop's opaque pixels (F's known ones) and decided ones (the outline's inside); undefined when none is opaque. */
function opaqueAndDecided(alpha: Float32Array): { opaque: Uint8Array; decided: Uint8Array } | undefined {
  const n = alpha.length;
  const opaque = new Uint8Array(n);
  const decided = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (alpha[i]! >= OPAQUE) {
      opaque[i] = 1;
      any = true;
    }
    if (alpha[i]! >= DECIDED) decided[i] = 1;
  }
  return any ? { opaque, decided } : undefined;
}

/** The hole's pixels of the crop within the reach of the decided outline, not opaque. */
function bandOf(e: MissedEdge, toSubject: Float32Array): Uint8Array {
  const { alpha, width: W, hole, crop, reach } = e;
  const { w, h } = crop;
  const inBand = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (reach - toSubject[i]! > 0 && alpha[i]! < OPAQUE && hole[(crop.y0 + y) * W + crop.x0 + x]) inBand[i] = 1;
    }
  }
  return inBand;
}

/** Raises the band's alpha where a pixel lies towards F from the plate's B (see the file's comment). */
function claimBand(e: MissedEdge, toSubject: Float32Array, inBand: Uint8Array, F: Float32Array): void {
  const { picture: I, alpha, plate: B, width: W, crop, reach } = e;
  const { w, h } = crop;
  const fade = Math.max(1, EDGE_FADE * reach);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!inBand[i]) continue;
      const near = Math.min(1, (reach - toSubject[i]!) / fade);
      const o = ((crop.y0 + y) * W + crop.x0 + x) * 4;
      let len = 0;
      let dot = 0;
      for (let c = 0; c < 3; c++) {
        const fb = F[i * 3 + c]! - B[o + c]!;
        len += fb * fb;
        dot += (I[i * 4 + c]! - B[o + c]!) * fb;
      }
      const towardsF = len > 0 ? dot / len : 0;
      const claim = ramp(Math.sqrt(len), CONTRAST_MIN, CONTRAST_FULL) * ramp(towardsF, CLAIM_FROM, CLAIM_FULL) * near;
      if (claim === 0) continue;
      // The least α that explains the pixel over this B with F in range.
      let least = 0;
      for (let c = 0; c < 3; c++) {
        const i8 = I[i * 4 + c]!;
        const b = B[o + c]!;
        if (i8 < b) least = Math.max(least, 1 - i8 / b);
        else if (i8 > b) least = Math.max(least, (i8 - b) / (255 - b));
      }
      // At least the least α, even for a weak claim: below it F would clamp and
      // solveMatting would move the plate's pixel back towards the picture, leaving the
      // pixel's edge colour there in channel-clamped specks.
      alpha[i] = Math.max(alpha[i]!, least, claim * Math.min(1, towardsF));
    }
  }
}
