/**
 * Signed upload capabilities, stateless: `POST /files/generate-upload-url` hands out a
 * PUT URL whose query carries an expiry, the content type and an HMAC; the folder name
 * binds the upload to the key that asked for it, so only that key can use its public URL.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const UPLOAD_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** Presigned URLs last an hour, as Higgsfield's do. */
export const UPLOAD_TTL_MS = 60 * 60 * 1000;

export interface UploadSlot {
  /** Media key the bytes go to: `uploads/<folder>/image.<ext>`. */
  key: string;
  folder: string;
  contentType: string;
  expires: number;
  signature: string;
}

const PUBLIC_PATH = /\/media\/(uploads\/([0-9a-f]{32})\/image\.(jpg|png|webp|gif))$/;

export class UploadTokens {
  constructor(private readonly secret: Buffer) {}

  private mac(data: string, length: number): string {
    return createHmac('sha256', this.secret).update(data).digest('hex').slice(0, length);
  }

  /** The folder's second half proves which key it was issued to. */
  private ownerTag(ownerKeyId: string, nonce: string): string {
    return this.mac(`owner:${ownerKeyId}:${nonce}`, 16);
  }

  issue(ownerKeyId: string, contentType: string, now: number): UploadSlot {
    const ext = UPLOAD_TYPES[contentType];
    if (!ext) throw new Error(`unsupported upload type ${contentType}`);
    const nonce = randomBytes(8).toString('hex');
    const folder = nonce + this.ownerTag(ownerKeyId, nonce);
    const key = `uploads/${folder}/image.${ext}`;
    const expires = now + UPLOAD_TTL_MS;
    return { key, folder, contentType, expires, signature: this.sign(key, expires, contentType) };
  }

  sign(key: string, expires: number, contentType: string): string {
    return this.mac(`put:${key}:${expires}:${contentType}`, 64);
  }

  /** Checks a PUT URL's signature and expiry. */
  verifyPut(
    key: string,
    expires: number,
    contentType: string,
    signature: string,
    now: number,
  ): 'ok' | 'expired' | 'invalid' {
    const expected = Buffer.from(this.sign(key, expires, contentType));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return now > expires ? 'expired' : 'ok';
  }

  /** When `url` is one of our upload public URLs, its media key and whether `ownerKeyId` owns it. */
  matchPublicUrl(url: string, ownerKeyId: string): { key: string; owned: boolean } | undefined {
    let pathname: string;
    try {
      pathname = new URL(url).pathname;
    } catch {
      return undefined;
    }
    const match = PUBLIC_PATH.exec(pathname);
    if (!match) return undefined;
    const folder = match[2] as string;
    const owned = this.ownerTag(ownerKeyId, folder.slice(0, 16)) === folder.slice(16);
    return { key: match[1] as string, owned };
  }
}
