/**
 * Builds the Fastify server: strict validation (no type coercion, no silent stripping of
 * unknown fields), one plugin per dialect with its own error shape, OpenAPI generated
 * from the route schemas.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import type { HttpContext } from './context.js';
import { AJV_OPTIONS } from './body-validator.js';
import { toAppError } from './fastify-errors.js';
import { mediaRoutes } from './media-routes.js';
import { opsRoutes } from './ops-routes.js';
import { resellerDialect } from './dialects/reseller/routes.js';
import { presentError } from './dialects/reseller/present.js';
import { uploadRoutes } from './dialects/platform/upload-routes.js';
import { v1Dialect } from './dialects/v1/routes.js';
import { v2Dialect } from './dialects/v2/routes.js';
import { webRoutes } from './web-routes.js';
import { DopBody } from './dialects/v1/schemas.js';
import { DopV2Body } from './dialects/v2/schemas.js';

export async function buildServer(ctx: HttpContext, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
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

  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    reply.header('X-Correlation-ID', request.id);
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
        // v1's DoP route reads its body by shape (wrapped `params` or flat), so its route
        // schema is open; the shapes are described here.
        schemas: { DopBody: DopBody as object, DopV2Body: DopV2Body as object },
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'KEY_ID:KEY_SECRET' },
          key: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Key KEY_ID:KEY_SECRET' },
          hfApiKey: { type: 'apiKey', in: 'header', name: 'hf-api-key' },
          hfSecret: { type: 'apiKey', in: 'header', name: 'hf-secret' },
        },
      },
      security: [{ bearer: [] }, { key: [] }, { hfApiKey: [], hfSecret: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Fallback for routes outside the dialect plugins (ops, media).
  app.setErrorHandler((err, request, reply) => {
    const error = toAppError(err);
    if (error.status >= 500) request.log.error({ err }, 'request failed');
    return reply.code(error.status).send(presentError(error));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { message: `no route ${request.method} ${request.url.split('?')[0]}`, type: 'not_found_error', code: 'not_found', param: null },
      detail: 'Not Found',
    }),
  );

  await app.register(async (scope) => opsRoutes(scope, ctx));
  await app.register(async (scope) => mediaRoutes(scope, ctx));
  await app.register(async (scope) => resellerDialect(scope, ctx));
  await app.register(async (scope) => v1Dialect(scope, ctx));
  await app.register(async (scope) => v2Dialect(scope, ctx));
  await app.register(async (scope) => uploadRoutes(scope, ctx));
  await app.register(async (scope) => webRoutes(scope, ctx));
  return app;
}
