/**
 * The picture the gallery's motion previews are rendered from: a real photograph when one
 * has been fetched into the data folder (`npm run previews:photo`, from Debian's
 * python3-skimage: scikit-image's "coffee", CC0 by Rachel Michetti), else the drawn sample
 * scene. No photograph ships in git or in an npm dependency (none with a clean licence was
 * found), and nothing is downloaded at install or start: the fetch is an explicit step.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from '../../sharp.js';
import { makeSampleImage } from './sample-image.js';

/** Where `npm run previews:photo` puts the photograph, under the data folder. */
export const PREVIEW_PHOTO_FILE = join('preview-photo', 'coffee.png');

export interface PreviewPicture {
  /** Names the cache folder, so previews drawn from another picture are never served. */
  id: 'photo-coffee' | 'sample-scene';
  image: Buffer;
  /** Where the picture came from, for the log and the README. */
  source: string;
}

/**
 * The preview picture for a data folder: the fetched photograph when it is there and
 * decodes, else the sample scene (with `reason` saying why, for a log line).
 */
export async function loadPreviewPicture(dataDir: string): Promise<PreviewPicture & { reason?: string }> {
  const path = join(dataDir, PREVIEW_PHOTO_FILE);
  try {
    const image = await readFile(path);
    const meta = await sharp(image).metadata();
    if (!meta.width || !meta.height) throw new Error('no size');
    return {
      id: 'photo-coffee',
      image,
      source: `${path} (scikit-image "coffee", CC0, Rachel Michetti; Debian python3-skimage)`,
    };
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      id: 'sample-scene',
      image: await makeSampleImage(),
      source: 'the drawn sample scene',
      reason: missing
        ? `no photograph at ${path} (run npm run previews:photo)`
        : `${path} does not decode: ${(err as Error).message}`,
    };
  }
}
