import type { FastifyInstance, FastifyRequest } from 'fastify';
import { credentialsFromHeaders, type ApiKeyRing } from '../auth/api-keys.js';
import { AppError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Key id of the authenticated caller; set by `requireApiKey`. */
    ownerKeyId: string;
  }
}

/**
 * Adds an onRequest hook to this plugin's routes that accepts any of the key forms
 * (`Bearer id:secret`, `Key id:secret`, `hf-api-key`/`hf-secret`) and rejects the rest
 * with 401 before the body is even read.
 */
export function requireApiKey(app: FastifyInstance, keys: ApiKeyRing): void {
  if (!app.hasRequestDecorator('ownerKeyId')) app.decorateRequest('ownerKeyId', '');
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const credentials = credentialsFromHeaders(request.headers);
    if (!credentials) {
      throw new AppError(
        'unauthorized',
        'missing API key: send "Authorization: Bearer KEY_ID:KEY_SECRET" (or "Key KEY_ID:KEY_SECRET", or hf-api-key + hf-secret headers)',
      );
    }
    const owner = keys.verify(credentials.id, credentials.secret);
    if (!owner) throw new AppError('unauthorized', 'invalid API credentials');
    request.ownerKeyId = owner;
  });
}
