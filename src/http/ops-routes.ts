/** Liveness, readiness and metrics: unauthenticated, for orchestrators and Prometheus. */
import type { FastifyInstance } from 'fastify';
import type { HttpContext } from './context.js';

export async function opsRoutes(app: FastifyInstance, ctx: HttpContext): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['operations'], summary: 'Readiness (store and queue reachable)' } }, async (request, reply) => {
    try {
      await ctx.checkReady();
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'not ready');
      return reply.code(503).send({ status: 'unavailable', detail: 'a dependency is unreachable' });
    }
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.header('Content-Type', ctx.metrics.registry.contentType).send(body);
  });
}
