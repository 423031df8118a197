/**
 * Where to aim the moves that go for a face (Eyes In, Mouth In, Earth Zoom Out's close
 * start, face framing): the eyes, mouth or face of the face the vision models chose
 * (src/vision/: BlazeFace with its key points, see scene-vision.ts for which face). With a
 * person but no face the model could see (a back, a face turned away, a head a few pixels
 * tall), the aim is the top of the person's box where the head is. With neither the caller
 * keeps the centre of interest.
 *
 * The older estimate below (skin-coloured blobs in the subject's upper half) stands in
 * only when the models cannot run at all (`estimateFacePoint`), so a render never fails
 * because the tfjs runtime did.
 */
import sharp from '../../sharp.js';
import { estimateSubjectMatte, type SubjectMatte } from '../scene/subject-matte.js';
import type { SceneVision } from '../../vision/scene-vision.js';
import { seePicture } from '../../vision/see-picture.js';
import { SOURCE_BACKGROUND } from '../render/source-image.js';

export type FaceTarget = 'eyes' | 'mouth' | 'face';

/** Where to aim (normalised picture coordinates) and the face's height (share of the picture's). */
export interface FacePoint {
  x: number;
  y: number;
  height: number;
}

/** The smallest share of the searched pixels a face must cover to be believed. */
const MIN_FACE_SHARE = 0.004;
/** Without a subject matte, the largest share skin may cover and still be taken as a face. */
const MAX_UNMATTED_SHARE = 0.6;

/** A classic skin test in YCbCr (Chai & Ngan's ranges), loose enough for most skin tones. */
function isSkin(r: number, g: number, b: number): boolean {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return y > 50 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
}

/**
 * The face among the skin pixels: the largest blob once one-pixel lines are eroded away
 * (where a red coat meets green grass, the thumbnail's blended edge reads as skin, and a
 * face's extent must not run down such an edge), its centroid and height (rows, the
 * erosion added back). With nothing left after erosion (a face a few pixels wide), all
 * skin pixels count.
 */
interface SkinBlob {
  cx: number;
  cy: number;
  faceHeight: number;
  /** The blob's bounding box (rows and columns, inclusive) when it came from a blob. */
  box?: { x0: number; x1: number; y0: number; y1: number };
}

function mainSkinBlob(skin: Uint8Array, width: number, height: number, top: number, limit: number): SkinBlob {
  const core = new Uint8Array(skin.length);
  for (let y = Math.max(1, top); y < Math.min(height - 1, limit); y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      core[i] = skin[i]! & skin[i - 1]! & skin[i + 1]! & skin[i - width]! & skin[i + width]!;
    }
  }
  const label = new Int32Array(skin.length);
  let best = { size: 0, sx: 0, sy: 0, minY: 0, maxY: 0, minX: 0, maxX: 0 };
  const stack: number[] = [];
  for (let start = 0, id = 1; start < core.length; start++) {
    if (!core[start] || label[start]) continue;
    const blob = { size: 0, sx: 0, sy: 0, minY: height, maxY: -1, minX: width, maxX: -1 };
    label[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      blob.size++;
      blob.sx += x;
      blob.sy += y;
      blob.minY = Math.min(blob.minY, y);
      blob.maxY = Math.max(blob.maxY, y);
      blob.minX = Math.min(blob.minX, x);
      blob.maxX = Math.max(blob.maxX, x);
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
        if (j >= 0 && j < core.length && core[j] && !label[j]) {
          label[j] = id;
          stack.push(j);
        }
      }
    }
    if (blob.size > best.size) best = blob;
    id++;
  }
  if (best.size > 0) {
    // The erosion took a pixel off every side; the box gets it back.
    const box = {
      x0: Math.max(0, best.minX - 1),
      x1: Math.min(width - 1, best.maxX + 1),
      y0: Math.max(0, best.minY - 1),
      y1: Math.min(height - 1, best.maxY + 1),
    };
    return { cx: best.sx / best.size, cy: best.sy / best.size, faceHeight: box.y1 - box.y0 + 1, box };
  }
  let sx = 0;
  let sy = 0;
  let count = 0;
  let minY = height;
  let maxY = -1;
  for (let i = 0; i < skin.length; i++) {
    if (!skin[i]) continue;
    const x = i % width;
    const y = (i - x) / width;
    sx += x;
    sy += y;
    count++;
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return { cx: sx / count, cy: sy / count, faceHeight: maxY - minY + 1 };
}

/**
 * The face point in normalised picture coordinates, from packed RGB pixels of a thumbnail
 * and, when a subject separates, its matte at the same size.
 */
export function estimateFacePoint(
  rgb: Uint8Array,
  width: number,
  height: number,
  matte: SubjectMatte | undefined,
  target: FaceTarget,
): FacePoint | undefined {
  const inSubject = (i: number): number => (matte ? matte.alpha[i]! : 1);
  // The subject's vertical extent: faces are looked for in its upper half.
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (inSubject(y * width + x) < 0.5) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (bottom < 0) return undefined;
  const limit = top + Math.ceil((bottom - top + 1) * 0.55);
  const skin = new Uint8Array(width * height);
  let n = 0;
  for (let y = top; y < limit; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (inSubject(i) < 0.5 || !isSkin(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!)) continue;
      skin[i] = 1;
      n++;
    }
  }
  const searched = (limit - top) * width;
  // Without a subject, skin over most of the picture is more likely sand or a warm sky.
  const believable =
    n >= Math.max(4, searched * MIN_FACE_SHARE) && (matte !== undefined || n <= searched * MAX_UNMATTED_SHARE);
  if (!believable) {
    if (!matte) return undefined;
    // No skin: the head is the top of the subject; aim a little below its crown.
    const band = top + Math.max(1, Math.round((bottom - top + 1) * 0.2));
    let hx = 0;
    let hy = 0;
    let hw = 0;
    for (let y = top; y < band; y++) {
      for (let x = 0; x < width; x++) {
        const a = inSubject(y * width + x);
        hx += x * a;
        hy += y * a;
        hw += a;
      }
    }
    // A head is about as tall as that band and a half.
    return hw > 0
      ? { x: (hx / hw + 0.5) / width, y: (hy / hw + 0.5) / height, height: (1.5 * (band - top)) / height }
      : undefined;
  }
  const { cx, cy, faceHeight, box } = mainSkinBlob(skin, width, height, top, limit);
  // Eyes and mouth are darker gaps inside the skin: the rows with the most of them in the
  // face's upper or lower part. Without such gaps (a face a few pixels tall), the skin's
  // centroid sits about at the nose, a little lower when hair hides the forehead.
  const h = faceHeight;
  const feature =
    box && target === 'eyes'
      ? featureRow(skin, width, box, box.y0, box.y0 + Math.round(0.6 * h))
      : box && target === 'mouth'
        ? featureRow(skin, width, box, box.y0 + Math.round(0.55 * h), box.y1)
        : undefined;
  const offset = target === 'eyes' ? -0.1 : target === 'mouth' ? 0.05 : 0;
  const y = feature ?? cy + offset * h;
  return { x: (cx + 0.5) / width, y: (y + 0.5) / height, height: h / height };
}

/**
 * The row (fractional) where holes in the face's skin concentrate between rows `from` and
 * `to`: non-skin pixels of the box that no non-skin path joins to the box's edge (so hair
 * above and a collar below, which reach the edge, are not holes; eyes and a mouth are). The
 * count-weighted mean of the rows with at least half the top count; undefined when no row
 * has 2 such pixels.
 */
function featureRow(
  skin: Uint8Array,
  width: number,
  box: { x0: number; x1: number; y0: number; y1: number },
  from: number,
  to: number,
): number | undefined {
  const bw = box.x1 - box.x0 + 1;
  const bh = box.y1 - box.y0 + 1;
  const open = new Uint8Array(bw * bh);
  const stack: number[] = [];
  const isSkin = (k: number): boolean => skin[(box.y0 + Math.floor(k / bw)) * width + box.x0 + (k % bw)] === 1;
  for (let k = 0; k < bw * bh; k++) {
    const x = k % bw;
    const y = Math.floor(k / bw);
    if ((x === 0 || y === 0 || x === bw - 1 || y === bh - 1) && !isSkin(k)) {
      open[k] = 1;
      stack.push(k);
    }
  }
  while (stack.length > 0) {
    const k = stack.pop()!;
    const x = k % bw;
    for (const j of [x > 0 ? k - 1 : -1, x < bw - 1 ? k + 1 : -1, k - bw, k + bw]) {
      if (j >= 0 && j < open.length && !open[j] && !isSkin(j)) {
        open[j] = 1;
        stack.push(j);
      }
    }
  }
  const counts: [number, number][] = [];
  for (let y = Math.max(from, box.y0); y <= Math.min(to, box.y1); y++) {
    let holes = 0;
    for (let x = 0; x < bw; x++) {
      const k = (y - box.y0) * bw + x;
      if (!open[k] && !isSkin(k)) holes++;
    }
    counts.push([y, holes]);
  }
  const top = Math.max(0, ...counts.map(([, c]) => c));
  if (top < 2) return undefined;
  let sy = 0;
  let sw = 0;
  for (const [y, c] of counts) {
    if (c < top / 2) continue;
    sy += y * c;
    sw += c;
  }
  return sy / sw;
}

/** Long side of the thumbnail the fallback estimate looks on (the subject matte's size). */
const FACE_THUMB_SIDE = 192;

/**
 * The face point from what the vision models saw: the chosen face's eyes (their midpoint),
 * mouth or box centre; its height is the face box's. A person without a visible face gets
 * the head's place at the top of the person's box.
 */
export function facePointFromVision(vision: SceneVision, target: FaceTarget): FacePoint | undefined {
  const face = vision.face && vision.faces[vision.face.index];
  if (face) {
    const [a, b] = face.eyes;
    const at =
      target === 'eyes'
        ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }
        : target === 'mouth'
          ? face.mouth
          : { x: face.box.x + face.box.w / 2, y: face.box.y + face.box.h / 2 };
    return { x: at.x, y: at.y, height: face.box.h };
  }
  if (vision.subject === 'person' && vision.box) {
    const b = vision.box;
    // A head is at most a third of a bust's height and about half to two thirds of the
    // shoulders' width (the box's width), and its centre lies a little over half its
    // height below the box's top (hair and brow above the face).
    const head = Math.min(0.35 * b.h, (0.6 * b.w * vision.width) / vision.height);
    return { x: b.x + b.w / 2, y: b.y + 0.6 * head, height: head };
  }
  return undefined;
}

/**
 * The face point of an encoded picture, or undefined when none is found. It looks at the
 * picture before the render decodes it because a face move's zoom depends on the face's
 * size, and the zoom decides the resolution the picture is decoded at. The look is shared
 * with the rest of the task's preparation (see-picture.ts caches it on the Buffer).
 */
export async function findFace(image: Buffer, target: FaceTarget, maxPixels: number): Promise<FacePoint | undefined> {
  const vision = await seePicture(image, maxPixels, { faces: true }).catch(() => undefined);
  return vision ? facePointFromVision(vision, target) : findFaceByColour(image, target, maxPixels);
}

/** The fallback when the vision runtime is unavailable: the skin-colour estimate. */
export async function findFaceByColour(
  image: Buffer,
  target: FaceTarget,
  maxPixels: number,
): Promise<FacePoint | undefined> {
  const { data, info } = await sharp(image, { limitInputPixels: maxPixels })
    .rotate()
    .resize(FACE_THUMB_SIDE, FACE_THUMB_SIDE, { fit: 'inside' })
    .toColourspace('srgb')
    .flatten({ background: SOURCE_BACKGROUND })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return estimateFacePoint(data, info.width, info.height, estimateSubjectMatte(data, info.width, info.height), target);
}

/** The bounds of a face move's zoom: never less than a clear push, never past what detail allows. */
const CLOSE_UP_ZOOM = { min: 1.25, max: 8 };

/**
 * The zoom at which a face `faceHeight` tall (share of the picture's height) fills `fill`
 * frame heights, for a picture `imageWidth` × `imageHeight` covering a `outWidth` ×
 * `outHeight` frame.
 */
export function closeUpZoom(
  faceHeight: number,
  fill: number,
  g: { imageWidth: number; imageHeight: number; outWidth: number; outHeight: number },
): number {
  const cover = Math.max(g.outWidth / g.imageWidth, g.outHeight / g.imageHeight);
  // The share of the picture's height the frame shows at zoom 1.
  const visible = g.outHeight / (g.imageHeight * cover);
  return Math.min(CLOSE_UP_ZOOM.max, Math.max(CLOSE_UP_ZOOM.min, (fill * visible) / Math.max(1e-3, faceHeight)));
}
