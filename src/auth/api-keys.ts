/**
 * API keys: `KEY_ID:KEY_SECRET` pairs. Only a salted hash of each secret is kept;
 * presented secrets are compared in constant time.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface StoredKey {
  id: string;
  salt: string;
  /** hex sha256(salt || secret); secrets are 256-bit random, so a fast hash is enough. */
  hash: string;
}

export interface Credentials {
  id: string;
  secret: string;
}

function hashSecret(salt: string, secret: string): Buffer {
  return createHash('sha256').update(salt).update('\0').update(secret).digest();
}

function toStored({ id, secret }: Credentials): StoredKey {
  const salt = randomBytes(16).toString('hex');
  return { id, salt, hash: hashSecret(salt, secret).toString('hex') };
}

export class ApiKeyRing {
  private readonly keys = new Map<string, StoredKey>();
  /** A fixed dummy so an unknown id costs the same work as a known one. */
  private readonly dummy = toStored({ id: '', secret: randomBytes(32).toString('hex') });

  constructor(keys: StoredKey[]) {
    for (const key of keys) this.keys.set(key.id, key);
  }

  static fromCredentials(list: Credentials[]): ApiKeyRing {
    return new ApiKeyRing(list.map(toStored));
  }

  get size(): number {
    return this.keys.size;
  }

  /** Returns the key id when the pair is valid, else undefined. */
  verify(id: string, secret: string): string | undefined {
    const stored = this.keys.get(id) ?? this.dummy;
    const presented = hashSecret(stored.salt, secret);
    const ok = timingSafeEqual(presented, Buffer.from(stored.hash, 'hex'));
    return ok && stored !== this.dummy ? stored.id : undefined;
  }
}

export interface KeyBootstrap {
  ring: ApiKeyRing;
  /** Set only when a key was created on this start: print it once. */
  created?: Credentials & { file: string };
}

/**
 * Keys from API_KEYS win. Without them, use the key stored in `dataDir/keys.json`,
 * creating one on first start (its plain form goes to `dataDir/api-key.txt`, mode 0600).
 */
export function loadOrCreateKeys(dataDir: string, configured: Credentials[]): KeyBootstrap {
  if (configured.length > 0) return { ring: ApiKeyRing.fromCredentials(configured) };
  mkdirSync(dataDir, { recursive: true });
  const storePath = join(dataDir, 'keys.json');
  if (existsSync(storePath)) {
    const stored = JSON.parse(readFileSync(storePath, 'utf8')) as { keys: StoredKey[] };
    if (stored.keys.length > 0) return { ring: new ApiKeyRing(stored.keys) };
  }
  const credentials = { id: randomUUID(), secret: randomBytes(32).toString('hex') };
  const plainPath = join(dataDir, 'api-key.txt');
  writeFileSync(plainPath, `${credentials.id}:${credentials.secret}\n`, { mode: 0o600 });
  chmodSync(plainPath, 0o600);
  const stored = toStored(credentials);
  const tmp = `${storePath}.tmp`;
  writeFileSync(tmp, JSON.stringify({ keys: [stored] }, null, 2), { mode: 0o600 });
  renameSync(tmp, storePath);
  return { ring: new ApiKeyRing([stored]), created: { ...credentials, file: plainPath } };
}

/**
 * Reads credentials from any of the accepted forms: `Authorization: Bearer id:secret`,
 * `Authorization: Key id:secret`, or the `hf-api-key` + `hf-secret` header pair.
 */
export function credentialsFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): Credentials | undefined {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const authorization = first(headers.authorization)?.trim();
  if (authorization) {
    const match = /^(bearer|key)\s+(.+)$/i.exec(authorization);
    if (match?.[2]) {
      const token = match[2].trim();
      const colon = token.indexOf(':');
      if (colon > 0) return { id: token.slice(0, colon), secret: token.slice(colon + 1) };
    }
  }
  const id = first(headers['hf-api-key'])?.trim();
  const secret = first(headers['hf-secret'])?.trim();
  if (id && secret) return { id, secret };
  return undefined;
}
