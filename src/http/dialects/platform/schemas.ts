/**
 * Wire schemas more than one dialect uses: the check_nsfw wording and result files (every
 * dialect), and what platform v1 and v2 share — motion inputs, the flat DoP body, the
 * request object, `?hf_webhook=` and the `{detail}` error body.
 */
import { Type, type Static } from 'typebox';
import { TASK_STATUSES } from '../../../core/task.js';
import { cameraFields } from '../../camera-schemas.js';

export const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description && { description }) });

/** One wording of `check_nsfw` for every dialect's schema. */
export const CHECK_NSFW_DESCRIPTION =
  'Check the input image(s) for explicit content before rendering: true ends a hit as status "nsfw" (scores in the error); ' +
  'false skips the check unless the server blocks (NSFW_CHECK=block); absent follows the server (NSFW_CHECK). See docs/content-check.md.';

export const ResultFile = Type.Object({ type: Type.String(), url: Type.String() });
/** `presentResults`: null until the task completed. */
export const Results = Type.Union([
  Type.Object({ raw: ResultFile, min: ResultFile, poster: Type.Optional(ResultFile) }),
  Type.Null(),
]);

export const MotionInput = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'Motion id (GET /v1/motions), or a name or slug' }),
  strength: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'default 1' })),
});

/** The flat DoP body of v2's model endpoints (also accepted on v1's path). */
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

/** `presentRequest`. */
export const RequestObject = Type.Object({
  status: StringEnum(TASK_STATUSES),
  request_id: Type.String(),
  status_url: Type.String(),
  cancel_url: Type.String(),
  video: Type.Optional(Type.Object({ url: Type.String() })),
  error: Type.Optional(Type.String({ description: 'Why it failed, or for nsfw the content check scores' })),
  progress: Type.Optional(Type.Number()),
});

/** `presentPlatformError`: a string, or FastAPI's list of `{type, loc, msg}`. */
export const DetailError = Type.Object({ detail: Type.Unknown() });
