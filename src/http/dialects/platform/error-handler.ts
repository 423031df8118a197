import type { FastifyInstance } from 'fastify';
import type { AppError } from '../../../core/errors.js';
import { toAppError } from '../../fastify-errors.js';
import { presentPlatformError } from './errors.js';

/** How a dialect renders an error: the status it answers with and the body. */
export type PresentError = (error: AppError) => { status: number; body: unknown };

/** Installs a dialect's error shape on its plugin: whatever a route throws is rendered by `present`. */
export function useErrorShape(app: FastifyInstance, present: PresentError): void {
  app.setErrorHandler((err, request, reply) => {
    const error = toAppError(err);
    if (error.status >= 500) request.log.error({ err }, 'request failed');
    const { status, body } = present(error);
    return reply.code(status).send(body);
  });
}

/** Installs the platform error shape (`{detail}`) on a v1/v2 plugin. */
export function usePlatformErrors(app: FastifyInstance): void {
  useErrorShape(app, presentPlatformError);
}
