/**
 * Serves stored media (inputs, results) and motion previews with HTTP Range support.
 * Media URLs are capabilities: 128-bit random folder names, handed only to the key that
 * owns the task.
 *
 * The URL a client gets is always `<base>/media/<key>`, whatever the store: it does not
 * expire (webhook bodies and stored job-sets keep working). With MEDIA=s3 and
 * MEDIA_URLS=presigned a GET of it answers 302 to a presigned URL of the object, so the
 * bytes come from the bucket; otherwise stillmotion streams them with Range. Motion
 * previews are stored media too (`previews/<picture-id>/<slug>.webp`) and are answered
 * the same way, under their own public URL.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';
import { AppError } from '../core/errors.js';
import type { MediaStore } from '../core/ports.js';
import { presentNeutralError } from './dialects/index.js';
import type { MotionPreviews } from './motion-previews.js';

/** What the media routes use, and nothing more. */
export interface MediaRouteOptions {
  media: Pick<MediaStore, 'stat' | 'createReadStream' | 'signedUrl'>;
  previews: Pick<MotionPreviews, 'stored'>;
  /** MEDIA=s3 with MEDIA_URLS=presigned answers with redirects. */
  mediaConfig: Config['media'];
}

const KEY_PATTERN = /^(inputs|results|uploads)\/[0-9a-f]{32}\/[A-Za-z0-9._-]{1,64}$/;

/** Parses a single `bytes=` range; undefined for none/multi (serve whole), null for unsatisfiable. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined | null {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined; // multi-range or garbage: RFC 9110 lets us ignore it
  const [, a, b] = match as unknown as [string, string, string];
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return null;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

async function sendRanged(
  request: FastifyRequest,
  reply: FastifyReply,
  size: number,
  contentType: string,
  open: (range?: { start: number; end: number }) => Readable,
  cacheControl: string,
) {
  const range = parseRange(request.headers.range, size);
  if (range === null) {
    return reply.code(416).header('Accept-Ranges', 'bytes').header('Content-Range', `bytes */${size}`).send();
  }
  const head = request.method === 'HEAD';
  // The first chunk is read before any header goes out: a store that fails to open the
  // file (a bucket that went down after the stat) is then a clean error response,
  // not a 200 cut short.
  const body = head ? undefined : await primed(open(range ?? undefined));
  reply.header('Accept-Ranges', 'bytes').header('Content-Type', contentType).header('Cache-Control', cacheControl);
  if (range) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    reply.header('Content-Length', range.end - range.start + 1);
  } else {
    reply.header('Content-Length', size);
  }
  return body ? reply.send(body) : reply.send();
}

/** Reads the stream's first chunk (so an open error throws here), then streams all of it. */
async function primed(stream: Readable): Promise<Readable> {
  const chunks = stream[Symbol.asyncIterator]();
  let first: IteratorResult<unknown>;
  try {
    first = await chunks.next();
  } catch (error) {
    stream.destroy();
    throw error;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (first.done) return;
      yield first.value as Buffer;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value as Buffer;
      }
    } finally {
      // A client that hangs up ends this generator early; the source must close too.
      await chunks.return?.();
    }
  }
  return Readable.from(rest(), { objectMode: false });
}

/**
 * Answers a GET/HEAD of a stored key: a 302 to a presigned URL with MEDIA=s3 and
 * MEDIA_URLS=presigned, else the bytes streamed from the store with Range.
 */
async function sendStored(
  ctx: MediaRouteOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  info: { bytes: number; contentType: string },
  cacheControl: string,
) {
  const m = ctx.mediaConfig;
  if (m.kind === 's3' && m.urls === 'presigned' && ctx.media.signedUrl) {
    // The redirect may be cached a little less long than the signature lives.
    const ttl = m.presignTtlSeconds;
    return reply
      .code(302)
      .header('Location', await ctx.media.signedUrl(key, ttl))
      .header('Cache-Control', `private, max-age=${Math.max(0, Math.floor(ttl / 2))}`)
      .send();
  }
  return sendRanged(
    request,
    reply,
    info.bytes,
    info.contentType,
    (range) => ctx.media.createReadStream(key, range),
    cacheControl,
  );
}

export async function mediaRoutes(app: FastifyInstance, ctx: MediaRouteOptions): Promise<void> {
  const notFound = (reply: FastifyReply) => {
    const { status, body } = presentNeutralError(new AppError('not_found', 'not found'));
    return reply.code(status).send(body);
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/media/*',
    schema: { hide: true },
    handler: async (request, reply) => {
      const key = (request.params as { '*': string })['*'];
      if (!KEY_PATTERN.test(key)) return notFound(reply);
      const info = await ctx.media.stat(key);
      if (!info) return notFound(reply);
      return sendStored(ctx, request, reply, key, info, 'private, max-age=86400, immutable');
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/previews/motions/:file',
    schema: { hide: true },
    handler: async (request, reply) => {
      const file = (request.params as { file: string }).file;
      const match = /^([a-z0-9_-]{1,80})\.webp$/.exec(file);
      if (!match) return notFound(reply);
      const preview = await ctx.previews.stored(match[1] as string);
      if (!preview) return notFound(reply);
      return sendStored(ctx, request, reply, preview.key, preview, 'public, max-age=86400');
    },
  });
}
