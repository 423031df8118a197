/**
 * Decoding input pictures with sharp: EXIF orientation, sRGB, a pixel limit, transparency
 * flattened on white, and shrink-on-load straight to the resolution the move needs, plus
 * a mip chain for minification. Pixels land in SharedArrayBuffers so worker threads share one copy.
 */
import type { Metadata } from 'sharp';
import sharp from '../../sharp.js';
import { AppError } from '../../core/errors.js';
import { tooSmallReason } from '../../core/image-limits.js';

export interface ImageInfo {
  /** Size after EXIF orientation. */
  width: number;
  height: number;
}

/** One level of a source picture: RGBA8 pixels in shared memory. */
export interface SourceLevel {
  width: number;
  height: number;
  pixels: SharedArrayBuffer;
}

/** A decoded picture: level 0 at `scale` × the full resolution, then halvings. */
export interface DecodedSource {
  /** Level-0 pixels per full-resolution pixel (≤ 1). */
  scale: number;
  levels: SourceLevel[];
}

/**
 * What shows through a picture's transparent areas: white, as a browser, an image viewer
 * or a document page shows a transparent PNG (logos and cut-out product shots are made
 * to sit on white). The video has no alpha channel, so without this the transparent
 * pixels would come out as whatever colour they store — black, most often.
 */
export const SOURCE_BACKGROUND = { r: 255, g: 255, b: 255 } as const;

/**
 * Reads the oriented size of an encoded picture, rejecting undecodable, oversized and
 * too-small ones. Only the header is read, so no pixel limit is needed to read it: the
 * size is compared with `maxPixels` here, and sharp's errors all mean "undecodable".
 */
export async function probeImage(data: Buffer, maxPixels: number, field: string): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new AppError('image_invalid', `${field}: not a decodable image`, { field, cause });
  }
  if (!meta.width || !meta.height) throw new AppError('image_invalid', `${field}: the image has no size`, { field });
  if (meta.width * meta.height > maxPixels) {
    throw new AppError(
      'image_too_large',
      `${field}: ${meta.width}×${meta.height} is over the ${maxPixels}-pixel limit`,
      { field },
    );
  }
  const swap = (meta.orientation ?? 1) >= 5;
  const info = swap ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
  const small = tooSmallReason(info.width, info.height);
  if (small) throw new AppError('image_invalid', `${field}: ${small}`, { field });
  return info;
}

/**
 * A small RGB thumbnail of a decoded picture (for the saliency estimate), resized from its
 * smallest level: the picture is not decoded a second time.
 */
export async function saliencyThumbnail(
  source: DecodedSource,
  longSide = 96,
): Promise<{ data: Buffer; width: number; height: number }> {
  const level = source.levels.at(-1)!;
  const pixels = Buffer.from(level.pixels);
  const { data, info } = await sharp(pixels, { raw: { width: level.width, height: level.height, channels: 4 } })
    .resize(longSide, longSide, { fit: 'inside', kernel: 'cubic' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function toShared(buf: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(buf.length);
  new Uint8Array(sab).set(buf);
  return sab;
}

/**
 * Level 0 (RGBA `pixels` already in shared memory) and up to `count − 1` halvings (Lanczos,
 * alpha-aware in sharp), each in shared memory; stops before a side drops under 16 px.
 */
export async function mipChain(
  pixels: SharedArrayBuffer,
  width: number,
  height: number,
  count: number,
): Promise<SourceLevel[]> {
  const levels: SourceLevel[] = [{ width, height, pixels }];
  let cur: { data: Buffer; width: number; height: number } = { data: Buffer.from(pixels), width, height };
  for (let i = 1; i < count; i++) {
    const w = Math.max(2, Math.round(cur.width / 2));
    const h = Math.max(2, Math.round(cur.height / 2));
    if (w < 16 || h < 16) break;
    const { data, info } = await sharp(cur.data, { raw: { width: cur.width, height: cur.height, channels: 4 } })
      .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    levels.push({ width: info.width, height: info.height, pixels: toShared(data) });
    cur = { data, width: info.width, height: info.height };
  }
  return levels;
}

/**
 * Decodes at `scale` of the full resolution (shrink-on-load does most of the work for
 * JPEG) and builds `levelCount` levels, each half the previous, with a Lanczos filter.
 */
export async function decodeSource(
  data: Buffer,
  info: ImageInfo,
  options: { scale: number; levelCount: number; maxPixels: number; field: string },
): Promise<DecodedSource> {
  if (info.width * info.height > options.maxPixels) {
    const { field } = options;
    throw new AppError(
      'image_too_large',
      `${field}: ${info.width}×${info.height} is over the ${options.maxPixels}-pixel limit`,
      { field },
    );
  }
  const w0 = Math.max(2, Math.round(info.width * options.scale));
  const h0 = Math.max(2, Math.round(info.height * options.scale));
  let levels: SourceLevel[];
  try {
    const { data: px, info: out } = await sharp(data, { limitInputPixels: options.maxPixels })
      .rotate()
      .resize(w0, h0, { fit: 'fill', kernel: 'lanczos3' })
      .toColourspace('srgb')
      .flatten({ background: SOURCE_BACKGROUND })
      .ensureAlpha(1)
      .raw()
      .toBuffer({ resolveWithObject: true });
    levels = await mipChain(toShared(px), out.width, out.height, options.levelCount);
  } catch (cause) {
    // The size was checked above, so libvips' own pixel limit (kept as a guard) cannot be
    // what failed for a truthful header: whatever sharp reports, the file does not decode.
    throw new AppError('image_invalid', `${options.field}: not a decodable image`, { field: options.field, cause });
  }
  return { scale: levels[0]!.width / info.width, levels };
}
