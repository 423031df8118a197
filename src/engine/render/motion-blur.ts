/**
 * How many sub-frame samples a frame's motion blur needs: none while the picture travels
 * less than a couple of pixels within the shutter (a slow zoom is drawn once per frame),
 * then enough that neighbouring samples lie about a pixel apart, so the blur is a smooth
 * streak rather than stepped ghost copies. Where the tier's cap leaves gaps, the painter
 * smooths the accumulated samples by about the gap (`smear`) so no copy stands out.
 */

/** Travel (output px within one shutter opening) up to which one sample is drawn. */
export const BLUR_START_PX = 2.5;
/** Target distance between neighbouring sub-frame samples, output px. */
export const SAMPLE_SPACING_PX = 1.25;
/** Gaps between samples up to this many px need no smoothing (bilinear covers them). */
const SMEAR_FROM_PX = 1.75;

export interface BlurSampling {
  /** Sub-frame samples to draw (1 = no motion blur). */
  count: number;
  /** Gaussian σ (output px) to smooth the averaged samples with; 0 = none. */
  smear: number;
}

/**
 * The sampling for a frame whose picture travels `travel` output px within the shutter.
 * The smoothing blurs the whole frame, so with layers it follows the slowest one
 * (`slowest`, default `travel`): a subject the camera holds stays sharp while the samples
 * of a fast background still average into a streak.
 */
export function blurSampling(travel: number, maxSamples: number, slowest = travel): BlurSampling {
  if (!(travel > BLUR_START_PX) || maxSamples <= 1) return { count: 1, smear: 0 };
  const count = Math.max(2, Math.min(maxSamples, Math.ceil(travel / SAMPLE_SPACING_PX)));
  const gap = Math.min(travel, slowest) / count;
  return { count, smear: gap > SMEAR_FROM_PX ? 0.45 * gap : 0 };
}
