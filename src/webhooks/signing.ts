/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, the scheme Replicate and
 * Svix use): every delivery carries `webhook-id`, `webhook-timestamp` (epoch seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with this
 * installation's `whsec_…` secret. Receivers verify with any Standard Webhooks library.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_SECRET_FILE = 'webhook-signing-secret';

/**
 * The per-installation signing secret, `whsec_<base64 of 32 random bytes>`, kept in
 * `DATA_DIR/webhook-signing-secret` (mode 0600) and created on first use. Every API node
 * of a cluster must share the file (as `server-secret`), so receivers hold one secret.
 */
export function loadOrCreateSigningSecret(dataDir: string): string {
  const path = join(dataDir, SIGNING_SECRET_FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `whsec_${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  }
  // Another node may have won the race; the file on disk is the truth.
  const secret = readFileSync(path, 'utf8').trim();
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw new Error(`${path} does not hold a whsec_… secret`);
  return secret;
}

/** `v1,<base64 HMAC-SHA256>` over `${id}.${timestamp}.${body}` with the secret's key bytes. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}
