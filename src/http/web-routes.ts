/**
 * Serves the playground page at `/` and its bundled assets at `/assets/*`, from
 * `web/dist` (built by `npm install`'s prepare step; built here on the first request when
 * missing or older than its sources, so `npm start` works even if that step was skipped).
 *
 * The build is small, so it is held in memory. Asset names carry a content hash and are
 * cached for a year; the page itself is revalidated (ETag) so a rebuild shows at once.
 * A Content-Security-Policy keeps the page to this server: no CDN, font or other host.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildWeb, currentBuild, DIST_DIR } from '../../web/build.js';
import { AppError } from '../core/errors.js';
import type { HttpContext } from './context.js';
import { presentNeutralError } from './dialects/index.js';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Media and previews come from this server, or from PUBLIC_BASE_URL's origin when set. */
export function contentSecurityPolicy(publicBaseUrl: string | undefined): string {
  const media = ["'self'", 'data:', 'blob:', ...(publicBaseUrl ? [new URL(publicBaseUrl).origin] : [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${media}`,
    `media-src ${media}`,
    `connect-src ${media}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function loadSite(): Promise<Map<string, Asset>> {
  const manifest = (await currentBuild()) ?? (await buildWeb());
  const site = new Map<string, Asset>();
  for (const file of manifest.files) {
    const body = await readFile(join(DIST_DIR, file));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    site.set(file, { body, etag, type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  }
  return site;
}

export async function webRoutes(app: FastifyInstance, ctx: Pick<HttpContext, 'config'>): Promise<void> {
  const csp = contentSecurityPolicy(ctx.config.publicBaseUrl);
  let loading: Promise<Map<string, Asset>> | undefined;
  // Built or read once per process, on first use, so servers that never serve the page
  // (tests, API-only deployments) pay nothing; a failed build is retried next time.
  const site = () => {
    loading ??= loadSite().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };

  const send = (request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) => {
    reply
      .header('Content-Type', asset.type)
      .header('Cache-Control', cacheControl)
      .header('ETag', asset.etag)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    reply.header('Content-Length', asset.body.length);
    return request.method === 'HEAD' ? reply.send() : reply.send(asset.body);
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/',
    schema: { hide: true },
    handler: async (request, reply) => {
      const page = (await site()).get('index.html');
      if (!page) throw new Error('the web build has no index.html');
      reply.header('Content-Security-Policy', csp);
      return send(request, reply, page, 'no-cache');
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/assets/:file',
    schema: { hide: true },
    handler: async (request, reply) => {
      const { file } = request.params as { file: string };
      const asset = /^[\w.-]{1,120}$/.test(file) ? (await site()).get(`assets/${file}`) : undefined;
      if (!asset) {
        const { status, body } = presentNeutralError(new AppError('not_found', `no asset ${file}`));
        return reply.code(status).send(body);
      }
      return send(request, reply, asset, IMMUTABLE);
    },
  });
}
