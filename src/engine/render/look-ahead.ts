/**
 * Which looks by the vision models a render starts before it decodes its pictures, and a
 * way to start them before the engine's modules are even loaded (the CLI).
 *
 * This module loads only the vision client (sharp, the vision thread) and the motion
 * definitions, so that a one-shot process can hand its picture to the vision thread while
 * it is still importing the rest of the engine: the look is the longest step before the
 * first frame, and otherwise waits for that import, the probe and the analysis copy's
 * decode. A look started here is the one prepareRender asks for (seePicture keeps it on the
 * picture's Buffer), so no picture is looked at twice.
 */
import type { RenderJob } from '../../core/ports.js';
import type { RgbPicture } from '../../vision/picture.js';
import type { SceneVision } from '../../vision/scene-vision.js';
import { seePicture } from '../../vision/see-picture.js';
import { findMotionDefinition } from '../motion/motion-definitions.js';

/** A JPEG (libvips decodes it at 1/2, 1/4 or 1/8 scale directly). */
export function shrinksOnLoad(image: Buffer): boolean {
  return image.length > 3 && image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
}

/**
 * Whether the pictures are looked at before they are decoded for the render. A face move
 * waits for its look (the face's size sets the zoom, which sets the decode's resolution),
 * two pictures are matched on their looks, and a JPEG's analysis copy is cheap to decode on
 * its own (shrink-on-load, ~40 ms for 12 MP). Other formats decode every pixel for it
 * (~0.4–0.7 s for a 12 MP PNG): a single one is looked at in a copy of the render's decode.
 */
export function looksFirst(images: Buffer[], faceMove: boolean): boolean {
  return faceMove || images.length > 1 || images.some(shrinksOnLoad);
}

/**
 * One look per picture (the first one searched for faces on a face move); a look that fails
 * resolves to undefined (the colour estimates stand in). `copies[i]` makes picture i's
 * analysis copy from pixels already decoded instead of decoding the file again.
 */
export function startLooks(
  images: Buffer[],
  faceMove: boolean,
  maxPixels: number,
  copies?: ((() => Promise<RgbPicture>) | undefined)[],
): Promise<(SceneVision | undefined)[]> {
  return Promise.all(
    images.map((img, i) =>
      seePicture(img, maxPixels, { faces: i === 0 && faceMove }, copies?.[i]).catch(() => undefined),
    ),
  );
}

/** Whether any of the job's motions aims at a face (an unknown motion aims at nothing). */
export function isFaceMove(job: Pick<RenderJob, 'motions'>): boolean {
  return job.motions.some((m) => findMotionDefinition(m.name)?.aim !== undefined);
}

/**
 * Starts the looks prepareRender will start first for this job, where it starts any before
 * decoding, and returns them (they never reject); undefined where it starts none.
 * `maxPixels` must be the engine's limit (the analysis copy's decode refuses larger
 * pictures, as the engine's probe then does).
 */
export function lookAhead(
  job: Pick<RenderJob, 'images' | 'motions'>,
  maxPixels: number,
): Promise<(SceneVision | undefined)[]> | undefined {
  const images = job.images.slice(0, 2);
  const faceMove = isFaceMove(job);
  return images.length > 0 && looksFirst(images, faceMove) ? startLooks(images, faceMove, maxPixels) : undefined;
}
