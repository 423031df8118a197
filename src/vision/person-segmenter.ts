/**
 * Person segmentation with MediaPipe Selfie Segmentation (Apache-2.0; the tfjs conversion
 * carried in models/): a 256 × 256 letterboxed input (0..1), one sigmoid channel out, the
 * probability that a pixel belongs to a person. Run on the region around the people found
 * by the detector so that a whole figure in a wide shot still gets most of the input.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { graphModel } from './model-store.js';
import { letterbox, type Box, type RgbPicture } from './picture.js';
import { tfReady } from './tf-runtime.js';

const INPUT = 256;

/** A person probability map over a region of the picture. */
export interface PersonMask {
  /** The picture region the mask covers (picture pixels). */
  region: Box;
  width: number;
  height: number;
  /** Probability 0..1 per mask pixel, row-major over `region`. */
  alpha: Float32Array;
}

/** Segments the people in `region` (the whole picture by default). */
export async function segmentPeople(
  picture: RgbPicture,
  region: Box = { x: 0, y: 0, w: picture.width, h: picture.height },
): Promise<PersonMask> {
  const tf = await tfReady();
  const model = await graphModel('selfie');
  const { input, map } = letterbox(tf, picture, region, INPUT);
  const x = tf.tidy(() => tf.div(input, 255));
  input.dispose();
  const out = model.execute(x) as Tensor;
  x.dispose();
  const prob = (await out.data()) as Float32Array;
  out.dispose();
  // Crop the letterbox margins away: the mask covers exactly the region (clamped to the picture).
  const rx = Math.max(0, Math.floor(region.x));
  const ry = Math.max(0, Math.floor(region.y));
  const rw = Math.max(1, Math.min(picture.width - rx, Math.ceil(region.w)));
  const rh = Math.max(1, Math.min(picture.height - ry, Math.ceil(region.h)));
  const u0 = (rx - map.x0) / map.scale;
  const v0 = (ry - map.y0) / map.scale;
  const width = Math.max(1, Math.round(rw / map.scale));
  const height = Math.max(1, Math.round(rh / map.scale));
  const alpha = new Float32Array(width * height);
  for (let v = 0; v < height; v++) {
    const sv = Math.min(INPUT - 1, Math.max(0, Math.round(v0 + v)));
    for (let u = 0; u < width; u++) {
      const su = Math.min(INPUT - 1, Math.max(0, Math.round(u0 + u)));
      alpha[v * width + u] = prob[sv * INPUT + su]!;
    }
  }
  return { region: { x: rx, y: ry, w: rw, h: rh }, width, height, alpha };
}
