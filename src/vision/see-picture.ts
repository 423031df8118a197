/**
 * The entry point the engine calls: decode an encoded picture to the analysis size (JPEG
 * shrink-on-load makes that cheap for a 12 MP photo) and look at it (scene-vision.ts).
 * One look per picture per task: the result is cached on the picture's Buffer for as long
 * as the job holds it, so the face aim, the centre of interest and the subject matte of
 * one task share it.
 */
import sharp from 'sharp';
import type { RgbPicture } from './picture.js';
import { seeScene, type SceneVision, type SeeOptions } from './scene-vision.js';

/** Long side of the picture the models look at. */
export const ANALYSIS_SIDE = 1024;

const seen = new WeakMap<Buffer, { key: string; result: Promise<SceneVision> }>();

/** Decodes `image` (EXIF-rotated, sRGB) to packed RGB at ≤ ANALYSIS_SIDE on the long side. */
export async function analysisPicture(image: Buffer, maxPixels: number): Promise<RgbPicture> {
  const { data, info } = await sharp(image, { limitInputPixels: maxPixels })
    .rotate()
    .resize(ANALYSIS_SIDE, ANALYSIS_SIDE, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** What the vision models see in an encoded picture (cached per Buffer and options). */
export function seePicture(image: Buffer, maxPixels: number, options: SeeOptions = {}): Promise<SceneVision> {
  const key = `${options.matte ? 'm' : ''}${options.faces ? 'f' : ''}`;
  const hit = seen.get(image);
  // A cached look that did at least as much serves.
  if (hit && [...key].every((c) => hit.key.includes(c))) return hit.result;
  const wanted = { matte: options.matte || hit?.key.includes('m'), faces: options.faces || hit?.key.includes('f') };
  const result = analysisPicture(image, maxPixels).then((p) => seeScene(p, wanted));
  seen.set(image, { key: `${wanted.matte ? 'm' : ''}${wanted.faces ? 'f' : ''}`, result });
  result.catch(() => seen.delete(image));
  return result;
}
