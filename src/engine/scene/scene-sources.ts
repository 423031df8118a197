/**
 * A picture's scene for the depth moves: whether a subject separates from the background
 * (estimated on a thumbnail), and, once the picture is decoded at render resolution, its
 * layers — the background plate with the subject's hole filled, and the subject with a
 * soft matte in its alpha — each with its own mip chain, as the painter's sources.
 */
import sharp from '../../sharp.js';
import type { SceneLayout } from '../render/frame-plan.js';
import type { PainterSource } from '../render/frame-painter.js';
import { mipChain, saliencyThumbnail, type DecodedSource } from '../render/source-image.js';
import { dilate, resample, resampleAbove } from './image-filters.js';
import { fillPlate } from './plate-fill.js';
import { mirrorEdges } from './mirror-fill.js';
import { BACKGROUND_DEPTH, PLANE_DEPTH, SUBJECT_DEPTH } from './layer-projection.js';
import { refineMatte } from './matte-refine.js';
import { claimMissedEdge, solveMatting } from './matting.js';
import { estimateSubjectMatte, type SubjectMatte } from './subject-matte.js';
import { matteFromVision, salientSubject } from './vision-matte.js';
import type { SceneVision } from '../../vision/scene-vision.js';
import { seeSceneOffThread } from '../../vision/vision-thread.js';
import { ANALYSIS_SIDE as VISION_SIDE } from '../../vision/see-picture.js';
import type { RgbPicture } from '../../vision/picture.js';
import { timed } from '../render/stage-clock.js';

export interface SceneEstimate {
  layout: SceneLayout;
  /** The subject's matte at thumbnail size; absent when the picture is one plane. */
  matte?: SubjectMatte;
  /**
   * Where the detector saw nothing and the subject was found by its colours instead
   * (vision-matte.ts salientSubject): how sure that estimate is, and its box (normalised).
   */
  salient?: { confidence: number; box: { x: number; y: number; w: number; h: number } };
}

/** Long side of the thumbnail the subject is found on by the colour estimate. */
const ANALYSIS_SIDE = 192;
/** Long side of the thumbnail a vision matte is drawn at (the segmentation's own size). */
export const VISION_MATTE_SIDE = 256;
/** Long side the matte is refined at against the picture's edges before upsampling. */
const MATTE_SIDE = 1024;

/**
 * Estimates a decoded picture's scene. With `vision` (what the models saw in the picture,
 * src/vision/), the subject's matte is the person segmentation or the detected object's box
 * refined (vision-matte.ts). Where the detector saw nothing, the colour estimate's subject
 * is taken only when it stands clearly apart from its surroundings (salientSubject: a lit
 * rocket on a night sky), else the picture is one plane: the colour guess on its own cut
 * out wrong things (a shredded spoon, a torso split at a collar), worse than none. Without
 * `vision` (the models could not run) the colour estimate stands in.
 */
export async function estimateScene(source: DecodedSource, vision?: SceneVision): Promise<SceneEstimate> {
  // In the vision thread, as prepareRender's looks are: never the models on this thread.
  vision ??= await seeSceneOffThread(await pictureOf(source), { matte: true }).catch(() => undefined);
  if (vision) {
    const t = await sceneThumbnail(source, VISION_MATTE_SIDE);
    const matte = matteFromVision(vision, t.data, t.width, t.height);
    const salient = vision.subject === 'none' ? salientSubject(t.data, t.width, t.height) : undefined;
    if (salient)
      return {
        layout: { depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH] },
        matte: salient.matte,
        salient: { confidence: salient.confidence, box: salient.box },
      };
    return matte
      ? { layout: { depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH] }, matte }
      : { layout: { depths: [PLANE_DEPTH] } };
  }
  const t = await sceneThumbnail(source, ANALYSIS_SIDE);
  return sceneFromPixels(t.data, t.width, t.height);
}

type Thumbnail = Awaited<ReturnType<typeof saliencyThumbnail>>;
const thumbnails = new WeakMap<DecodedSource, Map<number, Promise<Thumbnail>>>();

/**
 * A decoded picture's RGB thumbnail at `side` px on the long side (saliencyThumbnail), made
 * once per picture and side: the scene's matte, the horizon and the aim of one task read
 * the same pixels. Made before the layers are built (buildLayers fills level 0 in place).
 */
export function sceneThumbnail(source: DecodedSource, side: number): Promise<Thumbnail> {
  const bySide = thumbnails.get(source) ?? new Map<number, Promise<Thumbnail>>();
  thumbnails.set(source, bySide);
  const known = bySide.get(side);
  if (known) return known;
  const t = saliencyThumbnail(source, side);
  bySide.set(side, t);
  t.catch(() => bySide.delete(side));
  return t;
}

/**
 * A decoded picture at the vision models' analysis size (≤ VISION_SIDE on the long side),
 * resized from level 0: the copy the models look at, without decoding the file again.
 */
export async function pictureOf(source: DecodedSource): Promise<RgbPicture> {
  const l0 = source.levels[0]!;
  const { data, info } = await sharp(Buffer.from(l0.pixels), {
    raw: { width: l0.width, height: l0.height, channels: 4 },
  })
    .resize(VISION_SIDE, VISION_SIDE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * The layout to size the decode by before the scene is known: a subject, a far background
 * and ground that comes as near as it ever does (the widest range of scales a depth move
 * can ask of a picture).
 */
export const PRESUMED_LAYOUT: SceneLayout = {
  depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH],
  ground: { horizon: 0.42, near: 0.8 },
};

/** The scene of packed RGB pixels: two layers when a subject separates, else one plane. */
export function sceneFromPixels(rgb: Uint8Array, width: number, height: number): SceneEstimate {
  const matte = estimateSubjectMatte(rgb, width, height);
  return matte
    ? { layout: { depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH] }, matte }
    : { layout: { depths: [PLANE_DEPTH] } };
}

/**
 * Splits one decoded picture into its background plate and matted subject. Only the
 * subject's neighbourhood is worked on: the matte is refined against the picture's edges
 * there (at ≤ MATTE_SIDE px for the whole picture's scale), and the hole is filled on the
 * rows it spans; everywhere else the plate is the picture and the subject layer is clear.
 */
/** Thumbnail pixels of room around the subject for the background's colour model and the fill's context. */
const CROP_PAD = 6;
/** The thumbnail matte's alpha that counts as subject when finding its box and writing its layer. */
const SUBJECT_ALPHA_MIN = 0.01;
/** Refined alpha that the hole still covers, and the hole's least growth as a share of the picture's long side. */
const HOLE_ALPHA_MIN = 0.02;
const HOLE_GROWTH = 0.003;
/**
 * How far the subject's matte may miss its edge, in pixels of the thumbnail it was drawn on
 * (the refinement looks two of them past the rough outline; a hair tip, a sleeve's dark rim
 * or a finger can lie beyond what it decided): the hole reaches this far past the matte, so
 * the fill is drawn from true background, and what the matte missed there is claimed for
 * the subject (matting.ts claimMissedEdge) instead of staying on the plate as a ghost.
 */
const MISS_REACH = 3;
/** How far the Lanczos filter spreads a mip level's edge past the subject's box (level pixels). */
const MIP_SPREAD = 4;

/** A box in level-0 pixels, x1/y1 exclusive. */
interface CropBox {
  cx0: number;
  cy0: number;
  cx1: number;
  cy1: number;
}

/** The subject's box on the thumbnail matte, padded by CROP_PAD, in level-0 pixels. */
function subjectCrop(matte: SubjectMatte, W: number, H: number): CropBox {
  let bx0 = matte.width;
  let by0 = matte.height;
  let bx1 = -1;
  let by1 = -1;
  for (let y = 0; y < matte.height; y++) {
    for (let x = 0; x < matte.width; x++) {
      if (matte.alpha[y * matte.width + x]! <= SUBJECT_ALPHA_MIN) continue;
      bx0 = Math.min(bx0, x);
      bx1 = Math.max(bx1, x);
      by0 = Math.min(by0, y);
      by1 = Math.max(by1, y);
    }
  }
  const sx = W / matte.width;
  const sy = H / matte.height;
  return {
    cx0: Math.max(0, Math.floor((bx0 - CROP_PAD) * sx)),
    cy0: Math.max(0, Math.floor((by0 - CROP_PAD) * sy)),
    cx1: Math.min(W, Math.ceil((bx1 + 1 + CROP_PAD) * sx)),
    cy1: Math.min(H, Math.ceil((by1 + 1 + CROP_PAD) * sy)),
  };
}

/**
 * The thumbnail matte over the crop, resampled to mw × mh and snapped to the picture's
 * colours and edges there (matte-refine.ts; one thumbnail pixel is `unit` pixels here).
 */
async function refineOnCrop(
  image: Uint8Array,
  W: number,
  H: number,
  matte: SubjectMatte,
  crop: CropBox,
  mw: number,
  mh: number,
): Promise<ReturnType<typeof refineMatte>> {
  const { cx0, cy0, cx1, cy1 } = crop;
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  const sx = W / matte.width;
  const sy = H / matte.height;
  const extract = sharp(image, { raw: { width: W, height: H, channels: 4 } }).extract({
    left: cx0,
    top: cy0,
    width: cw,
    height: ch,
  });
  const guidePx = new Uint8Array(
    await (mw === cw && mh === ch ? extract : extract.resize(mw, mh, { fit: 'fill' })).raw().toBuffer(),
  );
  const tx0 = cx0 / sx;
  const ty0 = cy0 / sy;
  const rough = new Float32Array(mw * mh);
  const a = matte.alpha;
  const tw = matte.width;
  for (let y = 0; y < mh; y++) {
    const fy = Math.min(matte.height - 1, Math.max(0, ty0 + ((y + 0.5) / mh) * (ch / sy) - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(matte.height - 1, y0 + 1);
    for (let x = 0; x < mw; x++) {
      const fx = Math.min(tw - 1, Math.max(0, tx0 + ((x + 0.5) / mw) * (cw / sx) - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(tw - 1, x0 + 1);
      const top = a[y0 * tw + x0]! + (a[y0 * tw + x1]! - a[y0 * tw + x0]!) * (fx - x0);
      const bottom = a[y1 * tw + x0]! + (a[y1 * tw + x1]! - a[y1 * tw + x0]!) * (fx - x0);
      rough[y * mw + x] = top + (bottom - top) * (fy - y0);
    }
  }
  return refineMatte(guidePx, mw, mh, rough, mw / (cw / sx));
}

/**
 * The hole behind the subject, in level-0 pixels, and its box. It reaches `reach` level-0
 * px past the subject's matte, so the fill starts from pixels the subject does not touch
 * (a pixel of the coat the matte missed would otherwise be carried into the fill).
 */
function holeBehind(
  refined: ReturnType<typeof refineMatte>,
  crop: CropBox,
  mw: number,
  mh: number,
  W: number,
  H: number,
  k: number,
  reach: number,
): { hole: Uint8Array; holeBox: { x0: number; y0: number; x1: number; y1: number } } {
  const { cx0, cy0, cx1, cy1 } = crop;
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  const cover = new Float32Array(mw * mh);
  for (let i = 0; i < cover.length; i++) cover[i] = refined.subject[i] || refined.alpha[i]! > HOLE_ALPHA_MIN ? 1 : 0;
  const grown = dilate(cover, mw, mh, Math.ceil(1 + reach * k));
  // The grown cover at level-0 size, as the hole: only where it is over SUBJECT_ALPHA_MIN.
  const inHole = resampleAbove(grown, mw, mh, cw, ch, SUBJECT_ALPHA_MIN);
  const hole = new Uint8Array(W * H);
  const holeBox = { x0: W, y0: H, x1: 0, y1: 0 };
  for (let y = 0; y < ch; y++) {
    const row = y * cw;
    let first = -1;
    let last = -1;
    for (let x = 0; x < cw; x++) {
      if (!inHole[row + x]) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    // The row's hole pixels at once: the mask's row is that stretch of the hole's row.
    hole.set(inHole.subarray(row + first, row + last + 1), (cy0 + y) * W + cx0 + first);
    holeBox.x0 = Math.min(holeBox.x0, cx0 + first);
    holeBox.x1 = Math.max(holeBox.x1, cx0 + last + 1);
    holeBox.y0 = Math.min(holeBox.y0, cy0 + y);
    holeBox.y1 = Math.max(holeBox.y1, cy0 + y + 1);
  }
  return { hole, holeBox };
}

/** The matting equation on the coarser mip levels, each over the subject's box there (matting.ts). */
function matteLevels(
  source: DecodedSource,
  plateLevels: PainterSource['levels'],
  subjectLevels: PainterSource['levels'],
  crop: CropBox,
  W: number,
  H: number,
): void {
  const { cx0, cy0, cx1, cy1 } = crop;
  for (let l = 1; l < subjectLevels.length; l++) {
    const lv = subjectLevels[l]!;
    const kx = lv.width / W;
    const ky = lv.height / H;
    solveMatting({
      width: lv.width,
      picture: new Uint8Array(source.levels[l]!.pixels),
      plate: new Uint8Array(plateLevels[l]!.pixels),
      subject: new Uint8Array(lv.pixels),
      box: {
        x0: Math.max(0, Math.floor(cx0 * kx) - MIP_SPREAD),
        y0: Math.max(0, Math.floor(cy0 * ky) - MIP_SPREAD),
        x1: Math.min(lv.width, Math.ceil(cx1 * kx) + MIP_SPREAD),
        y1: Math.min(lv.height, Math.ceil(cy1 * ky) + MIP_SPREAD),
      },
    });
  }
}

export async function buildLayers(source: DecodedSource, matte: SubjectMatte): Promise<[PainterSource, PainterSource]> {
  const l0 = source.levels[0]!;
  const W = l0.width;
  const H = l0.height;
  // The plate is filled in place: the decoded level 0 becomes the plate's (the picture is
  // not drawn whole again), which saves copying and faulting in a frame-sized buffer or two.
  const image = new Uint8Array(l0.pixels);
  const crop = subjectCrop(matte, W, H);
  const { cx0, cy0, cx1, cy1 } = crop;
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  // Refine the thumbnail matte against the picture's edges at a middle resolution.
  const k = Math.min(1, MATTE_SIDE / Math.max(W, H));
  const mw = Math.max(2, Math.round(cw * k));
  const mh = Math.max(2, Math.round(ch * k));
  const refined = await timed('refine matte', () => refineOnCrop(image, W, H, matte, crop, mw, mh));
  const reach = Math.max(HOLE_GROWTH * Math.max(W, H), (MISS_REACH * W) / matte.width);
  const { hole, holeBox } = timed('hole', () => holeBehind(refined, crop, mw, mh, W, H, k, reach));
  const alphaCrop = timed('hole', () =>
    mw === cw && mh === ch ? refined.alpha : resample(refined.alpha, mw, mh, cw, ch),
  );
  // The picture where the subject is, before the fill overwrites it.
  const seen = new Uint8Array(cw * ch * 4);
  for (let y = 0; y < ch; y++)
    seen.set(image.subarray(((cy0 + y) * W + cx0) * 4, ((cy0 + y) * W + cx1) * 4), y * cw * 4);
  const plate = image;
  if (holeBox.x1 > holeBox.x0) {
    await timed('fill', () => fillPlate(plate, W, H, hole, holeBox));
    timed('mirror', () => mirrorEdges(plate, W, H, hole, holeBox));
  }
  // What the matte missed of the subject's edge rides with it rather than staying on the
  // plate; then the subject's colours (and the plate under its soft edge) from the matting
  // equation, level by level, so that at rest subject over plate is the picture (matting.ts).
  if (holeBox.x1 > holeBox.x0) {
    timed('claim edge', () =>
      claimMissedEdge({
        picture: seen,
        alpha: alphaCrop,
        plate,
        width: W,
        hole,
        crop: { x0: cx0, y0: cy0, w: cw, h: ch },
        reach,
      }),
    );
  }
  const subject = new Uint8Array(new SharedArrayBuffer(W * H * 4));
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const a = alphaCrop[y * cw + x]!;
      if (a >= SUBJECT_ALPHA_MIN) subject[((cy0 + y) * W + cx0 + x) * 4 + 3] = Math.round(a * 255);
    }
  }
  const box = { x0: cx0, y0: cy0, x1: cx1, y1: cy1 };
  timed('matting', () =>
    solveMatting({ width: W, picture: seen, plate, subject, box, pictureOrigin: { x: cx0, y: cy0, width: cw } }),
  );
  const count = source.levels.length;
  const [plateLevels, subjectLevels] = await timed('levels', () =>
    Promise.all([mipChain(l0.pixels, W, H, count), mipChain(subject.buffer, W, H, count)]),
  );
  timed('matting', () => matteLevels(source, plateLevels, subjectLevels, crop, W, H));
  return [
    { scale: source.scale, levels: plateLevels },
    {
      scale: source.scale,
      levels: subjectLevels,
      transparent: true,
      bounds: layerBounds(cx0, cy0, cx1, cy1, W, H, subjectLevels),
    },
  ];
}

/**
 * The subject layer's bounds (level-0 px): its crop grown by the reach of the mip filter at
 * the coarsest level (the Lanczos kernel spreads a level's alpha a few of that level's
 * pixels past the crop, which the painter would otherwise cut off there).
 */
function layerBounds(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  W: number,
  H: number,
  levels: { width: number; height: number }[],
): { x0: number; y0: number; x1: number; y1: number } {
  const last = levels[levels.length - 1]!;
  const mx = Math.ceil((4 * W) / last.width);
  const my = Math.ceil((4 * H) / last.height);
  return { x0: Math.max(0, x0 - mx), y0: Math.max(0, y0 - my), x1: Math.min(W, x1 + mx), y1: Math.min(H, y1 + my) };
}

/** The painter's sources for decoded pictures and their scenes, in the plan's order. */
export async function buildSceneSources(decoded: DecodedSource[], scenes: SceneEstimate[]): Promise<PainterSource[]> {
  const out = await Promise.all(
    decoded.map((d, i) => {
      const matte = scenes[i]?.matte;
      return matte ? buildLayers(d, matte) : Promise.resolve([d]);
    }),
  );
  return out.flat();
}
