/**
 * Decides whether bytes are an image we accept, and how big it is, without ever decoding
 * more than the limits allow.
 *
 * Order matters, cheapest and safest first: the byte cap; a magic-number sniff so that
 * only the decoders we mean to expose (JPEG, PNG, WebP, GIF, AVIF, TIFF) ever see the
 * bytes — never SVG, PDF or libvips' other loaders; the header (`metadata()`), whose
 * width × height is refused above `maxPixels` before any pixel is decoded (a 600 KB PNG
 * can declare 14000×14000, ~700 MB raw), and below 16 px a side (too small to move a
 * camera over, see core/image-limits.ts); and last a real decode of the first frame, so a
 * truncated or corrupt file fails now, at submit time, and not in a worker minutes later.
 * A large picture is shrunk to 64 px while it is decoded (JPEG's shrink-on-load reads less);
 * a small one (≤ {@link FULL_DECODE_PIXELS}) is decoded as it is, without the resampling
 * stage, which on such a picture costs more than the decode itself (~2 ms against ~1 ms
 * of CPU for a 96 px JPEG). Either way every byte of the first frame is decoded.
 */
import sharp, { type Metadata } from 'sharp';
import { AppError } from '../core/errors.js';
import { tooSmallReason } from '../core/image-limits.js';
import { formatBytes } from './format-bytes.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff';

export interface ProbeLimits {
  /** Largest accepted file, bytes. */
  maxBytes: number;
  /** Largest accepted image, width × height of the (first) frame. */
  maxPixels: number;
}

export interface ImageProbe {
  format: ImageFormat;
  contentType: string;
  /** Width as displayed, i.e. after applying the EXIF orientation. */
  width: number;
  /** Height as displayed, i.e. after applying the EXIF orientation. */
  height: number;
  /** EXIF orientation 1–8 (1 when absent). The bytes are not rotated: decode with `autoOrient`. */
  orientation: number;
  /** Frames or pages in the file; only the first is used. */
  pages: number;
  /** Things worth telling the client, e.g. that only the first frame of an animation is used. */
  notes: string[];
}

const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

const ACCEPTED = 'JPEG, PNG, WebP, GIF, AVIF or TIFF';

/** Checks `body` (the request field `field`) against the limits; throws `image_*` errors naming the field. */
export async function probeImage(body: Buffer, field: string, limits: ProbeLimits): Promise<ImageProbe> {
  if (body.length > limits.maxBytes) {
    throw new AppError(
      'image_too_large',
      `${field}: the image is larger than the ${formatBytes(limits.maxBytes)} limit`,
      { field },
    );
  }
  if (body.length === 0) throw invalidImage(field, 'the image is empty');
  if (sniff(body) === undefined) throw invalidImage(field, `not an image we accept (expected ${ACCEPTED})`);

  let meta: Metadata;
  try {
    meta = await sharp(body, { failOn: 'error' }).metadata();
  } catch (error) {
    throw invalidImage(field, 'the image header is unreadable (corrupt or truncated file)', error);
  }
  const format = acceptedFormat(meta);
  if (format === undefined) {
    throw invalidImage(
      field,
      `unsupported image format ${meta.format}${meta.compression ? ` (${meta.compression})` : ''}; expected ${ACCEPTED}`,
    );
  }
  const { width, height } = meta;
  if (!width || !height) throw invalidImage(field, 'the image declares no size');
  if (width * height > limits.maxPixels) {
    throw new AppError(
      'image_too_large',
      `${field}: the image is ${width}×${height} (${(width * height).toLocaleString('en-US')} pixels); ` +
        `the limit is ${limits.maxPixels.toLocaleString('en-US')} pixels`,
      { field },
    );
  }

  const orientation = meta.orientation ?? 1;
  const swapped = orientation >= 5 && orientation <= 8;
  const small = swapped ? tooSmallReason(height, width) : tooSmallReason(width, height);
  if (small) throw invalidImage(field, small);

  await decodeFirstFrame(body, field, limits.maxPixels, width * height);

  const pages = meta.pages ?? 1;
  const notes = pages > 1 ? [`${field}: the image has ${pages} frames; only the first is used`] : [];
  return {
    format,
    contentType: CONTENT_TYPES[format],
    width: swapped ? height : width,
    height: swapped ? width : height,
    orientation,
    pages,
    notes,
  };
}

/**
 * Up to this many pixels the first frame is decoded whole; above, shrunk while decoding.
 * Where the two cost the same (measured: 256² is cheaper whole, 512² shrunk, for JPEG and PNG).
 */
export const FULL_DECODE_PIXELS = 320 * 320;

/** A real, cheap decode of the first frame, under libvips' own pixel limit too. */
async function decodeFirstFrame(body: Buffer, field: string, maxPixels: number, pixels: number): Promise<void> {
  try {
    const decoder = sharp(body, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true, pages: 1 });
    await (pixels <= FULL_DECODE_PIXELS ? decoder : decoder.resize(64, 64, { fit: 'inside' })).raw().toBuffer();
  } catch (error) {
    throw invalidImage(field, 'the image could not be decoded (corrupt or truncated file)', error);
  }
}

function acceptedFormat(meta: Metadata): ImageFormat | undefined {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return meta.format;
    case 'heif':
      // libvips calls AVIF "heif"; HEIC (HEVC) is not decodable with the prebuilt sharp.
      return meta.compression === 'av1' ? 'avif' : undefined;
    default:
      return undefined;
  }
}

/** The container a file's first bytes announce, for the formats we accept; `undefined` otherwise. */
function sniff(body: Buffer): 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'isobmff' | undefined {
  const starts = (bytes: number[], offset = 0) => bytes.every((byte, i) => body[offset + i] === byte);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (starts([0x66, 0x74, 0x79, 0x70], 4)) return 'isobmff'; // AVIF (checked again by libvips)
  return undefined;
}

function invalidImage(field: string, message: string, cause?: unknown): AppError {
  return new AppError('image_invalid', `${field}: ${message}`, { field, cause });
}
