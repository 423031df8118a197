/**
 * Uploads as the official SDKs do them: `POST /files/generate-upload-url` → a presigned
 * `upload_url` and a `public_url`; a bare `PUT` of the bytes (only Content-Type, no auth)
 * stores them; `public_url` then works as an image input without any outbound fetch.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKeyRing } from '../../../auth/api-keys.js';
import { AppError } from '../../../core/errors.js';
import type { MediaStore } from '../../../core/ports.js';
import { probeImage } from '../../../inputs/image-probe.js';
import { UPLOAD_TYPES, type UploadTokens } from '../../../uploads/upload-tokens.js';
import { requireApiKey } from '../../auth.js';
import { baseUrlOf } from '../../base-url.js';
import { usePlatformErrors } from './error-handler.js';

const TAGS = ['uploads'];

/** What the upload routes use, and nothing more. */
export interface UploadOptions {
  keys: ApiKeyRing;
  uploads: Pick<UploadTokens, 'issue' | 'verifyPut'>;
  media: Pick<MediaStore, 'putBuffer'>;
  publicBaseUrl: string | undefined;
  maxImageBytes: number;
  maxImagePixels: number;
}

/** The upload URLs are the platform's (`/files/*`) and answer in its error shape. */
export const UPLOAD_PREFIXES = ['/files/'] as const;

export async function uploadRoutes(parent: FastifyInstance, ctx: UploadOptions): Promise<void> {
  // Authenticated: hand out the slot.
  await parent.register(async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    usePlatformErrors(app);
    requireApiKey(app, ctx.keys);
    app.post(
      '/files/generate-upload-url',
      {
        schema: {
          tags: TAGS,
          summary: 'Get a presigned upload URL (PUT the bytes there, then use public_url as an image)',
          body: Type.Object({
            content_type: Type.Unsafe<string>({ type: 'string', enum: Object.keys(UPLOAD_TYPES) }),
          }),
          response: {
            200: Type.Object({
              upload_url: Type.String(),
              public_url: Type.String(),
              content_type: Type.String(),
              upload_headers: Type.Record(Type.String(), Type.String()),
              expires_at: Type.String(),
            }),
          },
        },
      },
      async (request) => {
        const contentType = request.body.content_type === 'image/jpg' ? 'image/jpeg' : request.body.content_type;
        const slot = ctx.uploads.issue(request.ownerKeyId, contentType, Date.now());
        const base = baseUrlOf(request, ctx.publicBaseUrl);
        const query = new URLSearchParams({ expires: String(slot.expires), type: contentType, sig: slot.signature });
        return {
          upload_url: `${base}/files/upload/${slot.key}?${query}`,
          public_url: `${base}/media/${slot.key}`,
          content_type: contentType,
          upload_headers: { 'Content-Type': contentType },
          expires_at: new Date(slot.expires).toISOString(),
        };
      },
    );
  });

  // Unauthenticated: the URL itself is the credential.
  await parent.register(async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    usePlatformErrors(app);
    app.addContentTypeParser(
      [...Object.keys(UPLOAD_TYPES), 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: ctx.maxImageBytes },
      (_request, body, done) => done(null, body),
    );
    app.put(
      '/files/upload/uploads/:folder/:file',
      {
        schema: {
          tags: TAGS,
          summary: 'Upload the bytes to a presigned URL',
          params: Type.Object({
            folder: Type.String({ pattern: '^[0-9a-f]{32}$' }),
            file: Type.String({ pattern: '^image\\.(jpg|png|webp|gif)$' }),
          }),
          querystring: Type.Object({
            expires: Type.String({ pattern: '^[0-9]{1,15}$' }),
            type: Type.String(),
            sig: Type.String(),
          }),
        },
      },
      async (request, reply) => {
        const { folder, file } = request.params;
        const { expires, type, sig } = request.query;
        const key = `uploads/${folder}/${file}`;
        const verdict = ctx.uploads.verifyPut(key, Number(expires), type, sig, Date.now());
        if (verdict !== 'ok') {
          throw new AppError(
            'forbidden',
            verdict === 'expired' ? 'upload URL expired' : 'upload URL signature is invalid',
          );
        }
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          throw new AppError('invalid_request', 'body: the image bytes are missing', { field: 'body' });
        }
        const probe = await probeImage(body, 'body', { maxBytes: ctx.maxImageBytes, maxPixels: ctx.maxImagePixels });
        if (probe.contentType !== type) {
          throw new AppError(
            'image_invalid',
            `body: the bytes are ${probe.contentType}, not the ${type} this URL was issued for`,
            {
              field: 'body',
            },
          );
        }
        await ctx.media.putBuffer(key, body, type);
        return reply.code(200).send();
      },
    );
  });
}
