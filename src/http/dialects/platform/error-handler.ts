import type { FastifyInstance } from 'fastify';
import { toAppError } from '../../fastify-errors.js';
import { presentPlatformError } from './errors.js';

/** Installs the platform error shape on a dialect plugin. */
export function usePlatformErrors(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const error = toAppError(err);
    if (error.status >= 500) request.log.error({ err }, 'request failed');
    const { status, body } = presentPlatformError(error);
    return reply.code(status).send(body);
  });
}
