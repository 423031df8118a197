/**
 * The reseller dialect: `POST /higgsfield/generate`, `GET|POST /higgsfield/feed/{id}`,
 * `GET /higgsfield/tpl/motions`. It only translates between the wire and the task core.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiKeyRing } from '../../../auth/api-keys.js';
import type { MotionCatalogue } from '../../../catalogue/motion-catalogue.js';
import type { TaskService } from '../../../core/task-service.js';
import { requireApiKey } from '../../auth.js';
import { baseUrlOf } from '../../base-url.js';
import { SerialisedBodies } from '../../serialised-bodies.js';
import { presentMotion, presentMotionDetail, type MotionRecordSources } from '../../motion-records.js';
import { useErrorShape } from '../platform/error-handler.js';
import { idempotencyKeyOf } from '../platform/submit.js';
import { presentFeed, presentResellerError } from './present.js';
import {
  ErrorResponse,
  FeedBody,
  FeedResponse,
  GenerateBody,
  GenerateResponse,
  MotionRecord,
  MotionsQuery,
  TaskIdParams,
  TaskListQuery,
} from './schemas.js';
import { Type } from 'typebox';
import { AppError } from '../../../core/errors.js';
import { cameraRequestOf, hasCameraFields } from '../../camera-schemas.js';
import { NO_PRESET } from '../platform/tiers.js';

const TAGS = ['reseller (/higgsfield)'];

/** What the reseller routes use, and nothing more. */
export interface ResellerOptions {
  keys: ApiKeyRing;
  service: Pick<TaskService, 'submit' | 'get' | 'list'>;
  catalogue: Pick<MotionCatalogue, 'search' | 'resolve' | 'motions'>;
  /** Engine verdicts and preview media of the motion records. */
  motions: MotionRecordSources;
  publicBaseUrl: string | undefined;
}

export async function resellerRoutes(parent: FastifyInstance, ctx: ResellerOptions): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  useErrorShape(app, presentResellerError);
  requireApiKey(app, ctx.keys);

  app.post(
    '/higgsfield/generate',
    {
      schema: {
        tags: TAGS,
        summary: 'Create an image-to-video task',
        body: GenerateBody,
        response: { 200: GenerateResponse, '4xx': ErrorResponse },
      },
    },
    async (request) => {
      const b = request.body;
      if (b.motion_id === undefined && !hasCameraFields(b)) {
        throw new AppError(
          'invalid_request',
          'motion_id: is required (or send camera, camera_control or camera_path)',
          { field: 'motion_id' },
        );
      }
      const task = await ctx.service.submit({
        ownerKeyId: request.ownerKeyId,
        dialect: 'reseller',
        model: b.model,
        motions: [{ ref: b.motion_id ?? NO_PRESET, strength: 1, field: 'motion_id' }],
        ...cameraRequestOf(b, ''),
        prompt: b.prompt,
        enhancePrompt: b.enhance_prompt ?? true,
        images: b.image.map((value, i) => ({ value, field: `image[${i}]` })),
        ...(b.seed !== undefined && { seed: b.seed }),
        ...(b.width !== undefined && { width: b.width }),
        ...(b.height !== undefined && { height: b.height }),
        ...(b.duration !== undefined && { duration: b.duration }),
        ...(b.fps !== undefined && { fps: b.fps }),
        ...(b.check_nsfw !== undefined && { checkNsfw: b.check_nsfw }),
        ...(b.callback_url !== undefined && {
          webhook: { url: b.callback_url, baseUrl: baseUrlOf(request, ctx.publicBaseUrl) },
          webhookField: 'callback_url',
        }),
        ...idempotencyKeyOf(request.headers['idempotency-key']),
      });
      return { id: task.id };
    },
  );

  const feedSchema = {
    tags: TAGS,
    summary: 'The task as a job-set (status, progress, results)',
    params: TaskIdParams,
    response: { 200: FeedResponse, '4xx': ErrorResponse },
  };
  // Polled: an unchanged task answers the body serialised for it last time.
  const feeds = new SerialisedBodies(presentFeed);
  app.get('/higgsfield/feed/:task_id', { schema: feedSchema }, async (request, reply) => {
    const task = await ctx.service.get(request.ownerKeyId, request.params.task_id);
    return feeds.send(reply, task, baseUrlOf(request, ctx.publicBaseUrl));
  });
  app.post(
    '/higgsfield/feed/:task_id',
    { schema: { ...feedSchema, body: Type.Optional(FeedBody) } },
    async (request, reply) => {
      // The body repeats {task_id}; the path is authoritative.
      const task = await ctx.service.get(request.ownerKeyId, request.params.task_id);
      return feeds.send(reply, task, baseUrlOf(request, ctx.publicBaseUrl));
    },
  );

  app.get(
    '/higgsfield/tasks',
    {
      schema: {
        tags: TAGS,
        summary: "Extension: the key's recent tasks, newest first (job-set format)",
        querystring: TaskListQuery,
        response: {
          200: Type.Object({ tasks: Type.Array(FeedResponse), next_before: Type.Union([Type.Number(), Type.Null()]) }),
          '4xx': ErrorResponse,
        },
      },
    },
    async (request) => {
      const limit = request.query.limit === undefined ? 20 : Math.min(100, Math.max(1, Number(request.query.limit)));
      const before = request.query.before === undefined ? undefined : Math.round(Number(request.query.before) * 1000);
      const tasks = await ctx.service.list(request.ownerKeyId, limit, before);
      const base = baseUrlOf(request, ctx.publicBaseUrl);
      const last = tasks.length === limit ? tasks[tasks.length - 1] : undefined;
      return { tasks: tasks.map((t) => presentFeed(t, base)), next_before: last ? last.createdAt / 1000 : null };
    },
  );

  app.get(
    '/higgsfield/tpl/motions',
    {
      schema: {
        tags: TAGS,
        summary: 'The motion catalogue',
        querystring: MotionsQuery,
        response: { 200: Type.Array(MotionRecord), '4xx': ErrorResponse },
      },
    },
    async (request) => {
      const { size, search, category } = request.query;
      const limit = size === undefined ? 30 : Math.min(1000, Math.max(1, Number(size)));
      const base = baseUrlOf(request, ctx.publicBaseUrl);
      let motions = ctx.catalogue.search(search, ctx.catalogue.motions.length);
      if (category) motions = motions.filter((m) => m.categories.includes(category));
      return motions.slice(0, limit).map((m) => presentMotion(m, ctx.motions, base));
    },
  );

  app.get(
    '/higgsfield/tpl/motions/:motion_id',
    {
      schema: {
        tags: TAGS,
        summary: 'Extension: one motion, with its camera path in the camera_path format (params.camera_path)',
        params: Type.Object({
          motion_id: Type.String({ minLength: 1, maxLength: 200, description: 'Catalogue id, name or slug.' }),
        }),
        response: { 200: MotionRecord, '4xx': ErrorResponse },
      },
    },
    async (request) => {
      const motion = ctx.catalogue.resolve(request.params.motion_id);
      if (!motion)
        throw new AppError('not_found', `motion ${request.params.motion_id} not found`, { field: 'motion_id' });
      return presentMotionDetail(motion, ctx.motions, baseUrlOf(request, ctx.publicBaseUrl));
    },
  );
}
