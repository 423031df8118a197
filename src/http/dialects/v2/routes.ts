/**
 * Higgsfield platform v2: `POST /higgsfield-ai/dop/{tier}[/first-last-frame]` (flat body,
 * optional `?hf_webhook=`), `GET /requests/{id}/status`, `POST /requests/{id}/cancel`.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../../../core/errors.js';
import type { SubmitRequest } from '../../../core/task-service.js';
import type { ModelTier, Task } from '../../../core/task.js';
import { requireApiKey } from '../../auth.js';
import { baseUrlOf } from '../../base-url.js';
import type { HttpContext } from '../../context.js';
import { usePlatformErrors } from '../platform/error-handler.js';
import { DEFAULT_MOTION, NO_PRESET, tierOfV2, V2_TIERS } from '../platform/tiers.js';
import { cameraRequestOf, hasCameraFields } from '../../camera-schemas.js';
import { idempotencyKeyOf } from '../reseller/routes.js';
import { DetailError } from '../v1/schemas.js';
import { presentRequest } from './present.js';
import { DopV2Body, RequestObject, RequestParams, WebhookQuery } from './schemas.js';

const TAGS = ['platform v2'];

/** Shared by the v2 model endpoints and the v2 SDK's flat body on the v1 path. */
export async function submitV2(
  ctx: HttpContext,
  ownerKeyId: string,
  body: DopV2Body,
  model: ModelTier,
  headers: Record<string, string | string[] | undefined>,
  webhookUrl: string | undefined,
  baseUrl: string,
): Promise<Task> {
  const motions = body.motions?.length
    ? body.motions.map((m, i) => ({ ref: m.id, strength: m.strength ?? 1, field: `motions[${i}].id` }))
    : [{ ref: body.motion_id ?? (hasCameraFields(body) ? NO_PRESET : DEFAULT_MOTION), strength: 1, field: 'motion_id' }];
  const submit: SubmitRequest = {
    ownerKeyId,
    dialect: 'v2',
    model,
    motions,
    prompt: body.prompt ?? '',
    enhancePrompt: body.enhance_prompt ?? true,
    images: [
      { value: body.image_url, field: 'image_url' },
      ...(body.end_image_url ? [{ value: body.end_image_url, field: 'end_image_url' }] : []),
    ],
    ...(body.seed != null && { seed: body.seed }),
    ...(body.check_nsfw != null && { checkNsfw: body.check_nsfw }),
    ...(body.duration !== undefined && { duration: body.duration }),
    ...(body.fps !== undefined && { fps: body.fps }),
    ...(body.width !== undefined && { width: body.width }),
    ...(body.height !== undefined && { height: body.height }),
    ...cameraRequestOf(body, ''),
    ...(webhookUrl && { webhook: { url: webhookUrl, baseUrl }, webhookField: 'hf_webhook' }),
    ...idempotencyKeyOf(headers['idempotency-key']),
  };
  return ctx.service.submit(submit);
}

export async function v2Dialect(parent: FastifyInstance, ctx: HttpContext): Promise<void> {
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
            throw new AppError('invalid_request', 'end_image_url: is required on the first-last-frame endpoint', { field: 'end_image_url' });
          }
          const base = baseUrlOf(request, ctx.config.publicBaseUrl);
          const task = await submitV2(ctx, request.ownerKeyId, request.body, tierOfV2(tier), request.headers, request.query.hf_webhook, base);
          return presentRequest(task, base);
        },
      );
    }
  }

  app.get(
    '/requests/:request_id/status',
    { schema: { tags: TAGS, summary: 'Request status', params: RequestParams, response: { 200: RequestObject, '4xx': DetailError } } },
    async (request) => {
      const task = await ctx.service.get(request.ownerKeyId, request.params.request_id);
      return presentRequest(task, baseUrlOf(request, ctx.config.publicBaseUrl));
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
        throw new AppError('invalid_request', `request is ${task.status} and can no longer be canceled`, { status: 400 });
      }
      return reply.code(202).send({ status: task.status, request_id: task.id });
    },
  );
}
