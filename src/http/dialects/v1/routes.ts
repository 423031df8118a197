/**
 * Higgsfield platform v1: `POST /v1/image2video/dop` → JobSet, `GET /v1/job-sets/{id}`,
 * `GET /v1/motions`. The v2 SDK also posts a flat body to the v1 path; that body gets
 * the v2 request object back (see api-dialects.md §2.10).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiKeyRing } from '../../../auth/api-keys.js';
import type { MotionCatalogue } from '../../../catalogue/motion-catalogue.js';
import type { Engine } from '../../../core/ports.js';
import type { SubmitRequest, TaskService } from '../../../core/task-service.js';
import { requireApiKey } from '../../auth.js';
import { baseUrlOf } from '../../base-url.js';
import { cameraRequestOf, hasCameraFields } from '../../camera-schemas.js';
import type { MotionPreviews } from '../../motion-previews.js';
import { usePlatformErrors } from '../platform/error-handler.js';
import { presentRequest } from '../platform/present.js';
import { DetailError, WebhookQuery } from '../platform/schemas.js';
import { flatSubmitRequest, idempotencyKeyOf } from '../platform/submit.js';
import { DEFAULT_MOTION, NO_PRESET, tierOfV1Model } from '../platform/tiers.js';
import { DopRequestBody, DopResponse, JobSet, JobSetParams, MotionSummary, type DopParams } from './schemas.js';
import { presentJobSet } from './present.js';

const TAGS = ['platform v1'];

/** What the v1 routes use, and nothing more. */
export interface V1Options {
  keys: ApiKeyRing;
  service: Pick<TaskService, 'submit' | 'get'>;
  catalogue: Pick<MotionCatalogue, 'distinctByName'>;
  engine: Pick<Engine, 'canRender'>;
  previews: Pick<MotionPreviews, 'describe'>;
  publicBaseUrl: string | undefined;
}

export async function v1Routes(parent: FastifyInstance, ctx: V1Options): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  usePlatformErrors(app);
  requireApiKey(app, ctx.keys);

  app.post(
    '/v1/image2video/dop',
    {
      schema: {
        tags: TAGS,
        summary: 'Create an image-to-video job-set (DoP)',
        description:
          'Body `{params, webhook?}` → JobSet. A flat v2-style body (no `params`) gets the v2 request object too.',
        body: DopRequestBody,
        querystring: WebhookQuery,
        response: { 200: DopResponse, '4xx': DetailError },
      },
    },
    async (request) => {
      const body = request.body;
      const base = baseUrlOf(request, ctx.publicBaseUrl);
      if ('params' in body) {
        const webhook = body.webhook
          ? { url: body.webhook.url, secret: body.webhook.secret, field: 'webhook.url' }
          : undefined;
        const task = await ctx.service.submit(
          v1Submit(request.ownerKeyId, body.params, 'params.', webhook, base, request.headers),
        );
        return presentJobSet(task, base);
      }
      // The v2 SDK's `subscribe('/v1/image2video/dop', {input})` posts the params flat and
      // polls /requests/{request_id}/status, so it gets the v2 request object (plus the
      // JobSet keys, which cost nothing). Its input uses v1 names (`input_images`); a
      // flat body with v2 names (`image_url`) is accepted too.
      const hfWebhook = request.query.hf_webhook;
      const submit =
        'input_images' in body
          ? v1Submit(
              request.ownerKeyId,
              body,
              '',
              hfWebhook ? { url: hfWebhook, field: 'hf_webhook' } : undefined,
              base,
              request.headers,
            )
          : flatSubmitRequest(request.ownerKeyId, body, 'standard', request.headers, hfWebhook, base);
      const task = await ctx.service.submit(submit);
      return { ...presentJobSet(task, base), ...presentRequest(task, base) };
    },
  );

  app.get(
    '/v1/job-sets/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Poll a job-set',
        params: JobSetParams,
        response: { 200: JobSet, '4xx': DetailError },
      },
    },
    async (request) => {
      const task = await ctx.service.get(request.ownerKeyId, request.params.id);
      return presentJobSet(task, baseUrlOf(request, ctx.publicBaseUrl));
    },
  );

  app.get(
    '/v1/motions',
    {
      schema: {
        tags: TAGS,
        summary: 'Motion presets (one per name)',
        response: { 200: Type.Array(MotionSummary), '4xx': DetailError },
      },
    },
    async (request) => {
      const base = baseUrlOf(request, ctx.publicBaseUrl);
      return ctx.catalogue.distinctByName().map((m) => ({
        id: m.id,
        name: m.name,
        description: m.description,
        preview_url: ctx.previews.describe(m, base).url,
        start_end_frame: m.startEndFrame ?? true,
        renderable: ctx.engine.canRender(m.name).renderable,
      }));
    },
  );
}

/** A v1 DoP request (wrapped in `params` or flat) as the task core's submit request. */
function v1Submit(
  ownerKeyId: string,
  p: DopParams,
  prefix: string,
  webhook: { url: string; secret?: string; field: string } | undefined,
  base: string,
  headers: Record<string, string | string[] | undefined>,
): SubmitRequest {
  // No motion: the DoP default, or nothing but the camera control when there is some.
  const motions = p.motions?.length
    ? p.motions
    : [{ id: hasCameraFields(p) ? NO_PRESET : DEFAULT_MOTION, strength: 1 }];
  const end = p.input_images_end?.[0];
  return {
    ownerKeyId,
    dialect: 'v1',
    model: tierOfV1Model(p.model),
    motions: motions.map((m, i) => ({ ref: m.id, strength: m.strength ?? 1, field: `${prefix}motions[${i}].id` })),
    prompt: p.prompt,
    enhancePrompt: p.enhance_prompt ?? true,
    images: [
      { value: p.input_images[0]!.image_url, field: `${prefix}input_images[0].image_url` },
      ...(end ? [{ value: end.image_url, field: `${prefix}input_images_end[0].image_url` }] : []),
    ],
    ...(p.seed != null && { seed: p.seed }),
    ...(p.check_nsfw != null && { checkNsfw: p.check_nsfw }),
    ...(p.width !== undefined && { width: p.width }),
    ...(p.height !== undefined && { height: p.height }),
    ...(p.duration !== undefined && { duration: p.duration }),
    ...(p.fps !== undefined && { fps: p.fps }),
    ...cameraRequestOf(p, prefix),
    ...(webhook && {
      webhook: { url: webhook.url, ...(webhook.secret !== undefined && { secret: webhook.secret }), baseUrl: base },
      webhookField: webhook.field,
    }),
    ...idempotencyKeyOf(headers['idempotency-key']),
  };
}
