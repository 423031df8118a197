import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A per-installation secret for signing capability URLs (uploads). Kept in
 * `DATA_DIR/server-secret` (mode 0600); every node of a cluster must share the file.
 */
export function loadOrCreateServerSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'server-secret');
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, secret.toString('hex'), { mode: 0o600 });
  renameSync(tmp, path);
  // Another node may have won the race; the file on disk is the truth.
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
}
