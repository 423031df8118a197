/**
 * The entry point the engine calls: decode an encoded picture to the analysis size (JPEG
 * shrink-on-load makes that cheap for a 12 MP photo) and look at it (scene-vision.ts).
 * One look per picture per task: the result is cached on the picture's Buffer for as long
 * as the job holds it, so the face aim, the centre of interest and the subject matte of
 * one task share it. The models run in the vision thread (vision-thread.ts), not on the
 * caller's event loop.
 */
import sharp from '../sharp.js';
import type { RgbPicture } from './picture.js';
import type { SceneVision, SeeOptions } from './scene-vision.js';
import { seeSceneOffThread, segmentSubjectOffThread } from './vision-thread.js';

/** Long side of the picture the models look at. */
export const ANALYSIS_SIDE = 1024;
/**
 * What transparent areas are flattened on: white, as the video shows them (source-image.ts
 * SOURCE_BACKGROUND), so the models see the picture the video shows.
 */
export const VISION_BACKGROUND = { r: 255, g: 255, b: 255 } as const;

const seen = new WeakMap<
  Buffer,
  { faces: boolean; look: Promise<{ picture: RgbPicture; vision: SceneVision }>; matted?: Promise<SceneVision> }
>();

/** Decodes `image` (EXIF-rotated, sRGB, flattened on white) to packed RGB at ≤ ANALYSIS_SIDE on the long side. */
export async function analysisPicture(image: Buffer, maxPixels: number): Promise<RgbPicture> {
  const { data, info } = await sharp(image, { limitInputPixels: maxPixels })
    .rotate()
    .resize(ANALYSIS_SIDE, ANALYSIS_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .flatten({ background: VISION_BACKGROUND })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * What the vision models see in an encoded picture. Cached per Buffer: a later call that
 * asks for the matte only adds the segmentation; one that asks for faces where the first
 * look skipped them (no person, no face move) looks again. `copyOf`, when given, makes the
 * analysis copy instead of decoding `image` again (from pixels the caller already decoded).
 */
export async function seePicture(
  image: Buffer,
  maxPixels: number,
  options: SeeOptions = {},
  copyOf?: () => Promise<RgbPicture>,
): Promise<SceneVision> {
  let hit = seen.get(image);
  if (!hit || (options.faces && !hit.faces)) {
    const faces = Boolean(options.faces);
    const copy = copyOf ? copyOf() : analysisPicture(image, maxPixels);
    const look = copy.then(async (picture) => ({
      picture,
      vision: await seeSceneOffThread(picture, { faces }),
    }));
    hit = { faces, look };
    seen.set(image, hit);
    look.catch(() => seen.delete(image));
  }
  const { picture, vision } = await hit.look;
  if (!options.matte || vision.subject !== 'person') return vision;
  hit.matted ??= segmentSubjectOffThread(picture, vision);
  return hit.matted;
}
