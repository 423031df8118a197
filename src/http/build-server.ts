/**
 * Builds the Fastify server: strict validation (no type coercion, no silent stripping of
 * unknown fields), one plugin per dialect with its own error shape (unknown routes too,
 * by path prefix), each plugin given only the options it declares, OpenAPI generated
 * from the route schemas.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Fastify } from '../fastify.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { AppError } from '../core/errors.js';
import type { HttpContext } from './context.js';
import { errorShapeOf, resellerDialect, v1Dialect, v2Dialect } from './dialects/index.js';
import { uploadRoutes } from './dialects/platform/upload-routes.js';
import { AJV_OPTIONS } from './body-validator.js';
import { toAppError } from './fastify-errors.js';
import { RequestLogController, isClientDisconnect } from './request-log.js';
import { RequestLogger } from './request-logger.js';
import { mediaRoutes } from './media-routes.js';
import { openApiView } from './openapi-view.js';
import { opsRoutes } from './ops-routes.js';
import { webRoutes } from './web-routes.js';

export async function buildServer(ctx: HttpContext, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    // One line per request (request-log.ts), not Fastify's two.
    logController: new RequestLogController(),
    // The request's child logger is made only when the request logs more than its line.
    childLoggerFactory: RequestLogger.factory,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { ...AJV_OPTIONS } },
    return503OnClosing: true,
  });

  // JSON only (uploads add their own binary parsers): anything else is a clear 415.
  app.removeContentTypeParser('text/plain');

  // A callback hook (no promise per request).
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Correlation-ID', request.id);
    done(null, payload);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'stillmotion',
        version: '0.1.0',
        description:
          'Self-hosted image-to-video camera motion. Speaks three Higgsfield-style dialects: the reseller API ' +
          '(/higgsfield/*), platform v1 (/v1/*, job-sets) and platform v2 (/higgsfield-ai/dop/*, /requests/*). ' +
          'Authenticate with `Authorization: Bearer KEY_ID:KEY_SECRET`, `Authorization: Key KEY_ID:KEY_SECRET`, ' +
          'or the `hf-api-key` + `hf-secret` headers.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'KEY_ID:KEY_SECRET' },
          key: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Key KEY_ID:KEY_SECRET' },
          hfApiKey: { type: 'apiKey', in: 'header', name: 'hf-api-key' },
          hfSecret: { type: 'apiKey', in: 'header', name: 'hf-secret' },
        },
      },
      security: [{ bearer: [] }, { key: [] }, { hfApiKey: [], hfSecret: [] }],
    },
    transform: openApiView,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Errors outside the dialect plugins (ops, media) and unknown routes answer in the shape
  // of the dialect whose prefix the path has (both shapes' fields outside every dialect).
  const pathOf = (url: string) => url.split('?')[0] ?? url;
  app.setErrorHandler((err, request, reply) => {
    const error = toAppError(err);
    if (error.status >= 500 && !isClientDisconnect(err)) request.log.error({ err }, 'request failed');
    const { status, body } = errorShapeOf(pathOf(request.url))(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const { status, body } = errorShapeOf(path)(new AppError('not_found', `no route ${request.method} ${path}`));
    return reply.code(status).send(body);
  });

  const { config, keys, service, catalogue, engine, media, previews, uploads, metrics, checkReady } = ctx;
  const publicBaseUrl = config.publicBaseUrl;
  await app.register(async (scope) => opsRoutes(scope, { checkReady, engine, metrics }));
  await app.register(async (scope) => mediaRoutes(scope, { media, previews, mediaConfig: config.media }));
  await app.register(async (scope) =>
    resellerDialect.routes(scope, { keys, service, catalogue, motions: { engine, previews }, publicBaseUrl }),
  );
  await app.register(async (scope) =>
    v1Dialect.routes(scope, { keys, service, catalogue, engine, previews, publicBaseUrl }),
  );
  await app.register(async (scope) => v2Dialect.routes(scope, { keys, service, publicBaseUrl }));
  await app.register(async (scope) =>
    uploadRoutes(scope, {
      keys,
      uploads,
      media,
      publicBaseUrl,
      maxImageBytes: config.maxImageBytes,
      maxImagePixels: config.maxImagePixels,
    }),
  );
  await app.register(async (scope) => webRoutes(scope, { config }));
  return app;
}
