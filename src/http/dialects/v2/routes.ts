/**
 * Higgsfield platform v2: `POST /higgsfield-ai/dop/{tier}[/first-last-frame]` (flat body,
 * optional `?hf_webhook=`), `GET /requests/{id}/status`, `POST /requests/{id}/cancel`.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKeyRing } from '../../../auth/api-keys.js';
import { AppError } from '../../../core/errors.js';
import type { TaskService } from '../../../core/task-service.js';
import { requireApiKey } from '../../auth.js';
import { baseUrlOf } from '../../base-url.js';
import { usePlatformErrors } from '../platform/error-handler.js';
import { presentRequest } from '../platform/present.js';
import { DetailError, DopV2Body, RequestObject, WebhookQuery } from '../platform/schemas.js';
import { flatSubmitRequest } from '../platform/submit.js';
import { tierOfV2, V2_TIERS } from '../platform/tiers.js';
import { RequestParams } from './schemas.js';

const TAGS = ['platform v2'];

/** What the v2 routes use, and nothing more. */
export interface V2Options {
  keys: ApiKeyRing;
  service: Pick<TaskService, 'submit' | 'get' | 'cancel'>;
  publicBaseUrl: string | undefined;
}

export async function v2Routes(parent: FastifyInstance, ctx: V2Options): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  usePlatformErrors(app);
  requireApiKey(app, ctx.keys);

  for (const tier of V2_TIERS) {
    for (const suffix of ['', '/first-last-frame']) {
      app.post(
        `/higgsfield-ai/dop/${tier}${suffix}`,
        {
          schema: {
            tags: TAGS,
            summary: `Submit to DoP ${tier}${suffix ? ' (start and end frame)' : ''}`,
            body: DopV2Body,
            querystring: WebhookQuery,
            response: { 200: RequestObject, '4xx': DetailError },
          },
        },
        async (request) => {
          if (suffix && !request.body.end_image_url) {
            throw new AppError('invalid_request', 'end_image_url: is required on the first-last-frame endpoint', {
              field: 'end_image_url',
            });
          }
          const base = baseUrlOf(request, ctx.publicBaseUrl);
          const task = await ctx.service.submit(
            flatSubmitRequest(
              request.ownerKeyId,
              request.body,
              tierOfV2(tier),
              request.headers,
              request.query.hf_webhook,
              base,
            ),
          );
          return presentRequest(task, base);
        },
      );
    }
  }

  app.get(
    '/requests/:request_id/status',
    {
      schema: {
        tags: TAGS,
        summary: 'Request status',
        params: RequestParams,
        response: { 200: RequestObject, '4xx': DetailError },
      },
    },
    async (request) => {
      const task = await ctx.service.get(request.ownerKeyId, request.params.request_id);
      return presentRequest(task, baseUrlOf(request, ctx.publicBaseUrl));
    },
  );

  app.post(
    '/requests/:request_id/cancel',
    {
      schema: {
        tags: TAGS,
        summary: 'Cancel a queued request: 202 while queued, 400 once it started or finished',
        params: RequestParams,
        body: Type.Optional(Type.Unknown()),
        response: { 202: Type.Object({ status: Type.String(), request_id: Type.String() }), '4xx': DetailError },
      },
    },
    async (request, reply) => {
      const { task, canceled } = await ctx.service.cancel(request.ownerKeyId, request.params.request_id);
      if (!canceled) {
        throw new AppError('invalid_request', `request is ${task.status} and can no longer be canceled`, {
          status: 400,
        });
      }
      return reply.code(202).send({ status: task.status, request_id: task.id });
    },
  );
}
