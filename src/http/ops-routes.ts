/** Liveness, readiness and metrics: unauthenticated, for orchestrators and Prometheus. */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../core/ports.js';
import type { Metrics } from './metrics.js';

/** What the ops routes use, and nothing more. */
export interface OpsOptions {
  /** Throws when a dependency (store, queue) is unreachable. */
  checkReady: () => Promise<void>;
  engine: Pick<Engine, 'health'>;
  metrics: Pick<Metrics, 'registry'>;
}

export async function opsRoutes(app: FastifyInstance, ctx: OpsOptions): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Readiness (store and queue reachable)' } },
    async (request, reply) => {
      try {
        await ctx.checkReady();
        // The relay's health is shown, not gated on: local renders work without the cloud.
        const relay = ctx.engine.health?.();
        return {
          status: 'ready',
          ...(relay && {
            relay: {
              engine: relay.engine,
              upstream_ok: relay.lastCallOk ?? null,
              ...(relay.lastError !== undefined && { last_error: relay.lastError }),
              requests_in_flight: relay.inFlight,
              upstream_errors: relay.errorsByCode,
              credits_refused: relay.creditsRefused,
              concurrency_waits: relay.concurrencyWaits,
            },
          }),
        };
      } catch (err) {
        request.log.warn({ err }, 'not ready');
        return reply.code(503).send({ status: 'unavailable', detail: 'a dependency is unreachable' });
      }
    },
  );

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.header('Content-Type', ctx.metrics.registry.contentType).send(body);
  });
}
