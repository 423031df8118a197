/**
 * Image loading that knows our own upload URLs: a `public_url` from
 * /files/generate-upload-url is read straight from the media store (no outbound fetch,
 * so it works even when private addresses are blocked), and only by the key it was
 * issued to. Everything else goes through the guarded remote loader.
 */
import { AppError } from '../core/errors.js';
import type { MediaStore } from '../core/ports.js';
import type { LoadImage } from '../core/task-service.js';
import { probeImage } from '../inputs/image-probe.js';
import type { UploadTokens } from './upload-tokens.js';

export function uploadAwareLoader(
  remote: (value: string, field: string) => ReturnType<LoadImage>,
  uploads: UploadTokens,
  media: MediaStore,
  limits: { maxBytes: number; maxPixels: number },
): LoadImage {
  return async (value, field, ownerKeyId) => {
    const upload = /^https?:\/\//i.test(value) ? uploads.matchPublicUrl(value, ownerKeyId) : undefined;
    if (!upload) return remote(value, field);
    if (!upload.owned)
      throw new AppError('image_fetch_failed', `${field}: this upload belongs to another API key`, { field });
    const stat = await media.stat(upload.key);
    if (!stat)
      throw new AppError(
        'image_fetch_failed',
        `${field}: nothing was uploaded to this URL yet (PUT the bytes to upload_url first)`,
        { field },
      );
    const body = await media.read(upload.key);
    const probe = await probeImage(body, field, limits);
    return { body, contentType: probe.contentType, width: probe.width, height: probe.height, sourceUrl: value };
  };
}
