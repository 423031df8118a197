/**
 * The smallest picture stillmotion renders from: each side at least this many pixels.
 *
 * A camera move needs picture detail to move over; below 16 px (the floor of the
 * engine's mip chain, and a quarter of the smallest output side) a 1×1 or 4×4 image
 * renders as a flat or blocky colour field whatever the motion, which is a wrong input
 * rather than a result. Checked at submit time (inputs/image-probe.ts) and again by the
 * engine (engine/render/source-image.ts), so the CLI refuses it too.
 */
export const MIN_IMAGE_SIDE = 16;

/** The reason a picture of this (displayed) size is too small, or undefined when it is not. */
export function tooSmallReason(width: number, height: number): string | undefined {
  if (width >= MIN_IMAGE_SIDE && height >= MIN_IMAGE_SIDE) return undefined;
  return `the image is ${width}×${height}; each side must be at least ${MIN_IMAGE_SIDE} pixels to render a camera move`;
}

/**
 * The largest picture, in pixels, the local engine decodes unless told otherwise
 * (MAX_IMAGE_PIXELS for the service; the CLI uses this).
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 50_000_000;
