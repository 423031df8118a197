/** The reseller dialect (`/higgsfield/*`): OpenAI-style error envelope, feed job-set webhooks. */
import type { Dialect } from '../platform/dialect.js';
import { presentFeed, presentResellerError } from './present.js';
import { resellerRoutes, type ResellerOptions } from './routes.js';

export type { ResellerOptions };

export const resellerDialect: Dialect<ResellerOptions> = {
  name: 'reseller',
  prefixes: ['/higgsfield/'],
  routes: resellerRoutes,
  presentError: presentResellerError,
  // `callback_url` gets the job-set as GET /higgsfield/feed/{id} returns it.
  webhookPayload: (task, base) => ({ body: JSON.stringify(presentFeed(task, base)), headers: {} }),
};
