/**
 * The one entry point for a client's image string: classify it (image-input.ts), fetch it
 * through the guard when it is a URL (safe-fetch.ts), and check it (image-probe.ts). What
 * comes out is bytes that are known to decode, within the byte and pixel limits, with the
 * displayed size and a content type taken from the bytes (never from the sender's word).
 */
import sharp from '../sharp.js';
import { AppError } from '../core/errors.js';
import { parseImageInput } from './image-input.js';
import { probeImage, type ImageFormat } from './image-probe.js';
import { createSafeFetcher, type FetchBytes, type SafeFetcherOptions } from './safe-fetch.js';

export interface ImageLoaderOptions {
  /** ALLOW_PRIVATE_URLS: lift the private-address block for URL fetches. */
  allowPrivate: boolean;
  /** Wall-clock cap on one URL fetch (all redirects and the body). */
  timeoutMs: number;
  /** Largest accepted image file, bytes (fetched or decoded from base64). */
  maxBytes: number;
  /** Largest accepted image, pixels (width × height). */
  maxPixels: number;
  /** Redirects followed for a URL; default 3. */
  maxRedirects?: number;
  /** Replaces the guarded fetcher (a test seam); otherwise one is built from the options above. */
  fetchBytes?: FetchBytes;
  /** Passed to the guarded fetcher (test seams: lookup, isAllowedAddress, connect). */
  fetcher?: Pick<SafeFetcherOptions, 'lookup' | 'isAllowedAddress' | 'connect'>;
}

export interface LoadedImage {
  /** The image file; for a multi-frame input, the first frame re-encoded as PNG. */
  body: Buffer;
  contentType: string;
  format: ImageFormat;
  /** Displayed size (EXIF orientation applied). */
  width: number;
  height: number;
  /** EXIF orientation of `body` (1 = none): decode with sharp's `autoOrient()`/`rotate()`. */
  orientation: number;
  /** The URL the image was fetched from (after redirects), when it came from a URL. */
  sourceUrl?: string;
  /** Things worth telling the client (e.g. "only the first frame is used"). */
  notes: string[];
}

/** Turns a client's image string into checked bytes, or throws an `AppError` naming `field`. */
export type LoadImage = (value: string, field: string) => Promise<LoadedImage>;

export function createImageLoader(options: ImageLoaderOptions): LoadImage {
  const fetchBytes =
    options.fetchBytes ??
    createSafeFetcher({
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      ...(options.maxRedirects !== undefined && { maxRedirects: options.maxRedirects }),
      ...options.fetcher,
    });
  const limits = { maxBytes: options.maxBytes, maxPixels: options.maxPixels };

  return async (value, field) => {
    if (typeof value !== 'string') {
      throw new AppError('invalid_request', `${field}: must be a string`, { field });
    }
    const input = parseImageInput(value, field);
    let body: Buffer;
    let sourceUrl: string | undefined;
    if (input.kind === 'url') {
      const fetched = await fetchBytes(input.url, field);
      body = fetched.body;
      sourceUrl = fetched.finalUrl;
    } else {
      body = input.body;
    }
    const probe = await probeImage(body, field, limits);
    const loaded: LoadedImage = {
      body,
      contentType: probe.contentType,
      format: probe.format,
      width: probe.width,
      height: probe.height,
      orientation: probe.orientation,
      notes: probe.notes,
      ...(sourceUrl !== undefined && { sourceUrl }),
    };
    return probe.pages > 1 ? await firstFrameOnly(loaded, field, options.maxPixels) : loaded;
  };
}

/**
 * Keeps only the first frame, so everything downstream sees one still picture whatever
 * decoder it uses. The orientation is applied while at it, since the EXIF goes away.
 */
async function firstFrameOnly(image: LoadedImage, field: string, maxPixels: number): Promise<LoadedImage> {
  let body: Buffer;
  try {
    body = await sharp(image.body, { pages: 1, limitInputPixels: maxPixels, failOn: 'error' })
      .autoOrient()
      .png()
      .toBuffer();
  } catch (error) {
    throw new AppError('image_invalid', `${field}: the first frame could not be decoded`, { field, cause: error });
  }
  return { ...image, body, contentType: 'image/png', format: 'png', orientation: 1 };
}
