/**
 * Wire schemas of Higgsfield's platform v2 (model endpoints and the request queue),
 * as `@higgsfield/client/v2` and the Python SDK use them. Flat bodies; unknown fields
 * are ignored.
 */
import { Type, type Static } from 'typebox';
import { cameraFields } from '../../camera-schemas.js';
import { TASK_STATUSES } from '../../../core/task.js';
import { MotionInput } from '../v1/schemas.js';
import { CHECK_NSFW_DESCRIPTION } from '../reseller/schemas.js';

export const DopV2Body = Type.Object({
  image_url: Type.String({ minLength: 1, description: 'Start frame: http(s) URL, data URI or base64' }),
  end_image_url: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
  prompt: Type.Optional(Type.String({ maxLength: 4000 })),
  motions: Type.Optional(Type.Union([Type.Array(MotionInput, { minItems: 1, maxItems: 2 }), Type.Null()])),
  motion_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  seed: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
  enhance_prompt: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  check_nsfw: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: CHECK_NSFW_DESCRIPTION })),
  duration: Type.Optional(Type.Number({ minimum: 2, maximum: 10 })),
  fps: Type.Optional(Type.Integer({ minimum: 12, maximum: 60 })),
  width: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  height: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  ...cameraFields(),
});
export type DopV2Body = Static<typeof DopV2Body>;

export const WebhookQuery = Type.Object({
  hf_webhook: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
});

export const RequestObject = Type.Object({
  status: Type.Unsafe<(typeof TASK_STATUSES)[number]>({ type: 'string', enum: [...TASK_STATUSES] }),
  request_id: Type.String(),
  status_url: Type.String(),
  cancel_url: Type.String(),
  video: Type.Optional(Type.Object({ url: Type.String() })),
  error: Type.Optional(Type.String({ description: 'Why it failed, or for nsfw the content check scores' })),
  progress: Type.Optional(Type.Number()),
});

export const RequestParams = Type.Object({ request_id: Type.String({ minLength: 1, maxLength: 100 }) });
