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
import type { Metadata } from 'sharp';
import sharp from '../sharp.js';
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
  const container = sniff(body);
  if (container === undefined) throw invalidImage(field, `not an image we accept (expected ${ACCEPTED})`);

  let meta: Header | undefined = plainHeader(body, container);
  if (meta === undefined) {
    try {
      meta = await sharp(body, { failOn: 'error' }).metadata();
    } catch (error) {
      throw invalidImage(field, 'the image header is unreadable (corrupt or truncated file)', error);
    }
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

/** What the probe reads of a header: libvips' metadata, or the same fields read by {@link plainHeader}. */
type Header = Pick<Metadata, 'format' | 'compression' | 'width' | 'height' | 'orientation' | 'pages'>;

/**
 * The size of a plain PNG or JPEG read straight from its header, as libvips would report
 * it, without a trip through sharp (~0.3 ms of CPU a submit). Plain means nothing the
 * probe would read differently: no EXIF (its orientation), no animation (APNG's acTL),
 * a size in the frame header (not a later DNL). Anything else, and any header that does
 * not parse cleanly, answers `undefined`, and libvips reads the header as before. The
 * size is the one the pixel limit is checked against, and the decode that follows runs
 * under libvips' own limit on the same numbers.
 */
export function plainHeader(body: Buffer, container: ReturnType<typeof sniff>): Header | undefined {
  if (container === 'png') return plainPng(body);
  if (container === 'jpeg') return plainJpeg(body);
  return undefined;
}

function plainPng(body: Buffer): Header | undefined {
  // Signature (8), then IHDR: length 13, type, width, height, ...
  if (body.length < 33 || body.readUInt32BE(8) !== 13 || body.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = body.readUInt32BE(16);
  const height = body.readUInt32BE(20);
  if (width === 0 || height === 0) return undefined;
  // Every chunk up to IEND (their headers only): an animation or EXIF anywhere goes to libvips.
  let pixels = false;
  for (let at = 33; ; ) {
    if (at + 8 > body.length) return undefined;
    const length = body.readUInt32BE(at);
    const type = body.toString('latin1', at + 4, at + 8);
    if (type === 'acTL' || type === 'eXIf') return undefined;
    if (type === 'IDAT') pixels = true;
    if (type === 'IEND') return pixels ? { format: 'png', width, height } : undefined;
    at += 12 + length;
  }
}

function plainJpeg(body: Buffer): Header | undefined {
  // Every segment up to the first scan (where the header libvips reads ends): the frame's
  // size, and no EXIF on either side of it.
  let size: { width: number; height: number } | undefined;
  for (let at = 2; ; ) {
    if (at + 4 > body.length || body[at] !== 0xff) return undefined;
    while (body[at] === 0xff && at < body.length) at++; // fill bytes
    const marker = body[at++]!;
    if (marker === 0xda) return size && { format: 'jpeg', ...size };
    // Only segments with a length may come before the first scan.
    if (marker === 0xd8 || marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return undefined;
    if (at + 2 > body.length) return undefined;
    const length = body.readUInt16BE(at);
    if (length < 2 || at + length > body.length) return undefined;
    if (marker === 0xe1 && body.toString('latin1', at + 2, at + 6) === 'Exif') return undefined;
    const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (frame) {
      if (length < 8 || size) return undefined;
      size = { height: body.readUInt16BE(at + 3), width: body.readUInt16BE(at + 5) };
      if (size.width === 0 || size.height === 0) return undefined;
    }
    at += length;
  }
}

function acceptedFormat(meta: Header): ImageFormat | undefined {
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
