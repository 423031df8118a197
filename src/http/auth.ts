import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { credentialsFromHeaders, type ApiKeyRing } from '../auth/api-keys.js';
import { AppError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Key id of the authenticated caller; set by `requireApiKey`. */
    ownerKeyId: string;
  }
}

/** How long a verified key is trusted without hashing its secret again. */
export const VERIFIED_KEY_TTL_MS = 30_000;
/** At most this many verified keys are remembered (the oldest is dropped first). */
const MAX_VERIFIED = 1024;

/**
 * Remembers, for a short while, key ids whose secret just verified, with the secret as
 * presented. A later request with the same id is accepted when its secret equals the one
 * remembered, compared in constant time, so the ring's salted hash is not recomputed on
 * every request. Only successes are remembered: a wrong secret always takes the full check
 * (and never replaces a remembered one), an expired entry is checked again.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, { secret: Buffer; owner: string; until: number }>();

  constructor(
    private readonly ring: ApiKeyRing,
    private readonly ttlMs = VERIFIED_KEY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key id when the pair is valid, else undefined. */
  verify(id: string, secret: string): string | undefined {
    const presented = Buffer.from(secret);
    const hit = this.entries.get(id);
    const t = this.now();
    if (hit && hit.until > t && hit.secret.length === presented.length && timingSafeEqual(hit.secret, presented))
      return hit.owner;
    const owner = this.ring.verify(id, secret);
    if (owner) {
      this.entries.delete(id);
      if (this.entries.size >= MAX_VERIFIED) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { secret: presented, owner, until: t + this.ttlMs });
    }
    return owner;
  }
}

/**
 * Adds an onRequest hook to this plugin's routes that accepts any of the key forms
 * (`Bearer id:secret`, `Key id:secret`, `hf-api-key`/`hf-secret`) and rejects the rest
 * with 401 before the body is even read.
 */
export function requireApiKey(app: FastifyInstance, keys: ApiKeyRing): void {
  if (!app.hasRequestDecorator('ownerKeyId')) app.decorateRequest('ownerKeyId', '');
  const verified = cacheFor(keys);
  // A callback hook, not an async one: no promise and no extra microtask per request.
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    const credentials = credentialsFromHeaders(request.headers);
    if (!credentials) {
      done(
        new AppError(
          'unauthorized',
          'missing API key: send "Authorization: Bearer KEY_ID:KEY_SECRET" (or "Key KEY_ID:KEY_SECRET", or hf-api-key + hf-secret headers)',
        ),
      );
      return;
    }
    const owner = verified.verify(credentials.id, credentials.secret);
    if (!owner) {
      done(new AppError('unauthorized', 'invalid API credentials'));
      return;
    }
    request.ownerKeyId = owner;
    done();
  });
}

/** One cache per ring, shared by the dialect plugins that check the same keys. */
const caches = new WeakMap<ApiKeyRing, VerifiedKeyCache>();
function cacheFor(ring: ApiKeyRing): VerifiedKeyCache {
  let cache = caches.get(ring);
  if (!cache) caches.set(ring, (cache = new VerifiedKeyCache(ring)));
  return cache;
}
