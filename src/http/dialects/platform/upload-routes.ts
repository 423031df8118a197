/**
 * Uploads as the official SDKs do them: `POST /files/generate-upload-url` → a presigned
 * `upload_url` and a `public_url`; a bare `PUT` of the bytes (only Content-Type, no auth)
 * stores them; `public_url` then works as an image input without any outbound fetch.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../../core/errors.js';
import { probeImage } from '../../../inputs/image-probe.js';
import { UPLOAD_TYPES } from '../../../uploads/upload-tokens.js';
import { requireApiKey } from '../../auth.js';
import { baseUrlOf } from '../../base-url.js';
import type { HttpContext } from '../../context.js';
import { usePlatformErrors } from './error-handler.js';

const TAGS = ['uploads'];

export async function uploadRoutes(parent: FastifyInstance, ctx: HttpContext): Promise<void> {
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
        const base = baseUrlOf(request, ctx.config.publicBaseUrl);
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
      { parseAs: 'buffer', bodyLimit: ctx.config.maxImageBytes },
      (_request, body, done) => done(null, body),
    );
    app.put(
      '/files/upload/uploads/:folder/:file',
      {
        schema: {
          tags: TAGS,
          summary: 'Upload the bytes to a presigned URL',
          params: Type.Object({ folder: Type.String({ pattern: '^[0-9a-f]{32}$' }), file: Type.String({ pattern: '^image\\.(jpg|png|webp|gif)$' }) }),
          querystring: Type.Object({ expires: Type.String({ pattern: '^[0-9]{1,15}$' }), type: Type.String(), sig: Type.String() }),
        },
      },
      async (request, reply) => {
        const { folder, file } = request.params;
        const { expires, type, sig } = request.query;
        const key = `uploads/${folder}/${file}`;
        const verdict = ctx.uploads.verifyPut(key, Number(expires), type, sig, Date.now());
        if (verdict !== 'ok') {
          throw new AppError('forbidden', verdict === 'expired' ? 'upload URL expired' : 'upload URL signature is invalid');
        }
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) {
          throw new AppError('invalid_request', 'body: the image bytes are missing', { field: 'body' });
        }
        const probe = await probeImage(body, 'body', { maxBytes: ctx.config.maxImageBytes, maxPixels: ctx.config.maxImagePixels });
        if (probe.contentType !== type) {
          throw new AppError('image_invalid', `body: the bytes are ${probe.contentType}, not the ${type} this URL was issued for`, {
            field: 'body',
          });
        }
        await ctx.media.putBuffer(key, body, type);
        return reply.code(200).send();
      },
    );
  });
}
