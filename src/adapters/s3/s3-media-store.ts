/**
 * The S3-compatible media store: each key is an object in one bucket (AWS S3, MinIO,
 * Cloudflare R2, Ceph RGW...), under an optional prefix.
 */
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError } from '../../core/errors.js';
import type { MediaStore } from '../../core/ports.js';
import type { MediaRef } from '../../core/task.js';
import { parseMediaKey } from '../fs/media-key.js';

export interface S3MediaStoreOptions {
  bucket: string;
  /** '' or a prefix ending in '/'; every key is stored as `<prefix><key>`. */
  prefix: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  region?: string;
  /** Extra client settings (tests pass static credentials here); merged last. */
  client?: Partial<S3ClientConfig>;
  /** Multipart part size for `putFile` (bytes, at least 5 MiB, S3's minimum). */
  partSize?: number;
}

/** Files at or above this go up in parts; below it one PUT is cheaper. */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;

/**
 * {@link MediaStore} on an S3-compatible bucket.
 *
 * - Writes are whole-object PUTs (or a multipart upload completed in one call), which S3
 *   makes visible atomically: a reader sees the old object, the new one, or none.
 * - `putFile` streams the file in parts through `@aws-sdk/lib-storage` (at most
 *   `queueSize × partSize` = 32 MiB in memory, whatever the file's size), then removes the
 *   local file, as the filesystem store's move does.
 * - The content type is the object's own `Content-Type`, so no sidecar is needed.
 * - A store that cannot be reached, or answers 5xx, 403 or "no such bucket", is an
 *   AppError `service_unavailable` (HTTP 503, retryable): the API answers 503 and a
 *   worker retries the task later instead of failing it.
 */
export class S3MediaStore implements MediaStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #partSize: number;

  constructor(options: S3MediaStoreOptions) {
    this.#bucket = options.bucket;
    this.#prefix = options.prefix;
    this.#partSize = Math.max(5 * 1024 * 1024, options.partSize ?? DEFAULT_PART_SIZE);
    this.#client = new S3Client({
      // Credentials: the SDK's standard chain (env, shared files, SSO, web identity, IMDS).
      region: options.region ?? 'us-east-1',
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      forcePathStyle: options.forcePathStyle ?? false,
      // Checksums only where S3 requires them: many S3-compatible stores (older MinIO,
      // Ceph, s3rver) refuse the aws-chunked trailer encoding the SDK now uses by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A store that is down should fail a request in seconds, not hang it for minutes.
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 60_000 },
      ...options.client,
    });
  }

  /** Streams `filePath` up (multipart when large) and removes it once the object exists. */
  async putFile(key: string, filePath: string, contentType: string): Promise<MediaRef> {
    const objectKey = this.#objectKey(key);
    const source = await stat(filePath);
    if (!source.isFile()) throw new AppError('invalid_request', `putFile: ${filePath} is not a file`);
    await this.#call(`put ${key}`, async () => {
      if (source.size < this.#partSize) {
        // One PUT with a known length; the stream is read once, never held whole.
        await this.#client.send(
          new PutObjectCommand({
            Bucket: this.#bucket,
            Key: objectKey,
            Body: createReadStream(filePath),
            ContentLength: source.size,
            ContentType: contentType,
          }),
        );
        return;
      }
      const upload = new Upload({
        client: this.#client,
        params: { Bucket: this.#bucket, Key: objectKey, Body: createReadStream(filePath), ContentType: contentType },
        partSize: this.#partSize,
        queueSize: 4,
        // A failed upload aborts itself, so no half-uploaded parts linger (and bill).
        leavePartsOnError: false,
      });
      await upload.done();
    });
    await unlink(filePath);
    return { key, contentType, bytes: source.size };
  }

  async putBuffer(key: string, data: Buffer, contentType: string): Promise<MediaRef> {
    const objectKey = this.#objectKey(key);
    await this.#call(`put ${key}`, () =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: objectKey,
          Body: data,
          ContentLength: data.length,
          ContentType: contentType,
        }),
      ),
    );
    return { key, contentType, bytes: data.length };
  }

  async stat(key: string): Promise<{ bytes: number; contentType: string } | undefined> {
    const objectKey = this.#objectKey(key);
    const head = await this.#call(
      `stat ${key}`,
      () => this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey })),
      {
        missing: () => undefined,
      },
    );
    if (!head) return undefined;
    return { bytes: head.ContentLength ?? 0, contentType: head.ContentType ?? 'application/octet-stream' };
  }

  /**
   * Streams the object, or the inclusive byte range `start..end` of it (one ranged GET).
   * An absent key makes the stream fail with AppError `not_found`; an invalid key or
   * range throws at once. Nothing is requested until the stream is first read.
   */
  createReadStream(key: string, range?: { start: number; end: number }): Readable {
    const objectKey = this.#objectKey(key);
    if (
      range &&
      !(
        Number.isSafeInteger(range.start) &&
        Number.isSafeInteger(range.end) &&
        0 <= range.start &&
        range.start <= range.end
      )
    ) {
      throw new AppError('invalid_request', `range: invalid byte range ${range.start}-${range.end}`, {
        field: 'range',
      });
    }
    const get = () =>
      this.#call(
        `read ${key}`,
        () =>
          this.#client.send(
            new GetObjectCommand({
              Bucket: this.#bucket,
              Key: objectKey,
              ...(range && { Range: `bytes=${range.start}-${range.end}` }),
            }),
          ),
        { missing: () => notFound(key) },
      );
    async function* chunks(): AsyncGenerator<Buffer> {
      const object = await get();
      const body = object.Body as Readable | undefined;
      if (!body) return;
      // finally: a consumer that stops early (client hung up) must still free the socket.
      try {
        for await (const chunk of body) yield chunk as Buffer;
      } finally {
        body.destroy();
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async read(key: string): Promise<Buffer> {
    const objectKey = this.#objectKey(key);
    return this.#call(
      `read ${key}`,
      async () => {
        const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
        return Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
      },
      { missing: () => notFound(key) },
    );
  }

  /** Deletes every object under the folder `prefix` (`abc` removes `abc/**`, not `abcd/**`). */
  async deletePrefix(prefix: string): Promise<void> {
    const folder = `${this.#prefix}${parseMediaKey(prefix, { prefix: true }).join('/')}/`;
    await this.#call(`delete ${prefix}`, async () => {
      // Each round lists from the start again rather than following a continuation
      // token: the keys of the last page are gone, and some stores (s3rver) fail on a
      // token that names a deleted key. A page holds at most 1000 keys, DeleteObjects' limit.
      for (;;) {
        const page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: folder }));
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
        if (keys.length === 0) return;
        const result = await this.#client.send(
          new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: keys, Quiet: true } }),
        );
        const failed = result.Errors?.[0];
        if (failed)
          throw new AppError(
            'service_unavailable',
            `media store: could not delete ${failed.Key}: ${failed.Code} ${failed.Message ?? ''}`.trim(),
          );
        if (!page.IsTruncated) return;
      }
    });
  }

  /**
   * A short-lived presigned GET URL for a stored object (MEDIA_URLS=presigned). Signing
   * is local (no request); callers check the object exists first.
   */
  async signedUrl(key: string, ttlSeconds: number): Promise<string> {
    const objectKey = this.#objectKey(key);
    return getSignedUrl(this.#client, new GetObjectCommand({ Bucket: this.#bucket, Key: objectKey }), {
      expiresIn: ttlSeconds,
    });
  }

  /** Cheap round trip for /readyz: the bucket answers and lets us in. */
  async ping(): Promise<void> {
    await this.#call('ping', () =>
      this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix, MaxKeys: 1 })),
    );
  }

  close(): void {
    this.#client.destroy();
  }

  #objectKey(key: string): string {
    return this.#prefix + parseMediaKey(key).join('/');
  }

  /** Runs one store call, mapping the SDK's errors onto the catalogue. */
  async #call<T, M = never>(
    what: string,
    action: () => Promise<T>,
    options: { missing?: () => M } = {},
  ): Promise<T | M> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AppError) throw error;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const name = (error as Error).name;
      if (
        options.missing &&
        (status === 404 || name === 'NoSuchKey' || name === 'NotFound') &&
        name !== 'NoSuchBucket'
      ) {
        return options.missing();
      }
      const reason =
        name === 'NoSuchBucket'
          ? `bucket ${this.#bucket} does not exist`
          : status === 403
            ? `access denied to bucket ${this.#bucket} (check the credentials and the bucket policy)`
            : `${name}${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`;
      throw new AppError('service_unavailable', `media store unavailable (${what}): ${reason}`, { cause: error });
    }
  }
}

function notFound(key: string): never {
  throw new AppError('not_found', `media ${key} not found`);
}
