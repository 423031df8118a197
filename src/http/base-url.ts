import type { FastifyRequest } from 'fastify';

/**
 * The absolute base URL clients reach us at: PUBLIC_BASE_URL when configured (behind a
 * proxy), else the scheme and Host of the request itself.
 */
export function baseUrlOf(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured;
  return `${request.protocol}://${request.host}`;
}
