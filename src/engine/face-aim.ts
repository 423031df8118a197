/**
 * Where to aim the moves that go for a face (Eyes In, Mouth In, Earth Zoom Out's close
 * start): a cheap estimate, no face detector. Within the subject (its matte when one
 * separates, else the whole picture), skin-coloured pixels in the subject's upper half are
 * taken as the face; the eyes sit a little above the face's centre and the mouth below it.
 * With no skin-coloured region the head is taken as the top of the subject. Without a
 * subject either, the caller keeps the saliency point.
 */
import { estimateSubjectMatte, type SubjectMatte } from './scene/subject-matte.js';
import { saliencyThumbnail, type DecodedSource } from './source-image.js';

export type FaceTarget = 'eyes' | 'mouth' | 'face';

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
 * The face point in normalised picture coordinates, from packed RGB pixels of a thumbnail
 * and, when a subject separates, its matte at the same size.
 */
export function estimateFacePoint(
  rgb: Uint8Array,
  width: number,
  height: number,
  matte: SubjectMatte | undefined,
  target: FaceTarget,
): { x: number; y: number } | undefined {
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
  let sx = 0;
  let sy = 0;
  let n = 0;
  let minY = height;
  let maxY = -1;
  for (let y = top; y < limit; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (inSubject(i) < 0.5 || !isSkin(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!)) continue;
      sx += x;
      sy += y;
      n++;
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const searched = (limit - top) * width;
  // Without a subject, skin over most of the picture is more likely sand or a warm sky.
  const believable = n >= Math.max(4, searched * MIN_FACE_SHARE) && (matte !== undefined || n <= searched * MAX_UNMATTED_SHARE);
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
    return hw > 0 ? { x: (hx / hw + 0.5) / width, y: (hy / hw + 0.5) / height } : undefined;
  }
  const cx = sx / n;
  const cy = sy / n;
  const faceHeight = maxY - minY + 1;
  // Skin's centroid sits about at the nose (a little lower when hair hides the forehead).
  const offset = target === 'eyes' ? -0.1 : target === 'mouth' ? 0.05 : 0;
  return { x: (cx + 0.5) / width, y: (cy + offset * faceHeight + 0.5) / height };
}

/** Long side of the thumbnail the face is looked for on (the subject matte's size). */
const FACE_THUMB_SIDE = 192;

/** The face point of a decoded picture, or undefined when none is found. */
export async function aimAtFace(source: DecodedSource, target: FaceTarget): Promise<{ x: number; y: number } | undefined> {
  const t = await saliencyThumbnail(source, FACE_THUMB_SIDE);
  return estimateFacePoint(t.data, t.width, t.height, estimateSubjectMatte(t.data, t.width, t.height), target);
}
