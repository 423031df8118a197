/**
 * Serves stored media (inputs, results) and motion previews with HTTP Range support.
 * Media URLs are capabilities: 128-bit random folder names, handed only to the key that
 * owns the task.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { HttpContext } from './context.js';

const KEY_PATTERN = /^(inputs|results|uploads)\/[0-9a-f]{32}\/[A-Za-z0-9._-]{1,64}$/;

/** Parses a single `bytes=` range; undefined for none/multi (serve whole), null for unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
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
  reply.header('Accept-Ranges', 'bytes').header('Content-Type', contentType).header('Cache-Control', cacheControl);
  const range = parseRange(request.headers.range, size);
  if (range === null) {
    return reply.code(416).header('Content-Range', `bytes */${size}`).send();
  }
  const head = request.method === 'HEAD';
  if (range) {
    reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    reply.header('Content-Length', range.end - range.start + 1);
    return head ? reply.send() : reply.send(open(range));
  }
  reply.header('Content-Length', size);
  return head ? reply.send() : reply.send(open());
}

export async function mediaRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  const notFound = (reply: FastifyReply) =>
    reply.code(404).send({ error: { message: 'not found', type: 'not_found_error', code: 'not_found', param: null }, detail: 'Not Found' });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/media/*',
    schema: { hide: true },
    handler: async (request, reply) => {
      const key = (request.params as { '*': string })['*'];
      if (!KEY_PATTERN.test(key)) return notFound(reply);
      const info = await ctx.media.stat(key);
      if (!info) return notFound(reply);
      return sendRanged(request, reply, info.bytes, info.contentType, (range) => ctx.media.createReadStream(key, range), 'private, max-age=86400, immutable');
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
      const path = await ctx.previews.file(match[1] as string);
      if (!path) return notFound(reply);
      const { size } = await stat(path);
      return sendRanged(request, reply, size, 'image/webp', (range) => createReadStream(path, range), 'public, max-age=86400');
    },
  });
}
