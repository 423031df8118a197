/**
 * Wire schemas of Higgsfield's platform v1 (job-sets): what `@higgsfield/client`'s
 * `HiggsfieldClient` sends and parses. Unknown fields are ignored, as the FastAPI
 * server the SDK was written against does.
 */
import { Type, type Static } from 'typebox';
import { cameraFields } from '../../camera-schemas.js';
import { TASK_STATUSES } from '../../../core/task.js';
import {
  CHECK_NSFW_DESCRIPTION,
  DopV2Body,
  MotionInput,
  RequestObject,
  Results,
  StringEnum,
} from '../platform/schemas.js';
import { V1_MODELS } from '../platform/tiers.js';

export const ImageRef = Type.Object({
  type: Type.Optional(Type.Literal('image_url')),
  image_url: Type.String({
    minLength: 1,
    description: 'http(s) URL (a public_url from /files/generate-upload-url works without an outbound fetch)',
  }),
});

export const DopParams = Type.Object({
  model: StringEnum(V1_MODELS, 'dop-lite | dop-turbo | dop-standard (dop-preview = standard)'),
  prompt: Type.String({ maxLength: 4000 }),
  input_images: Type.Array(ImageRef, { minItems: 1, maxItems: 1 }),
  input_images_end: Type.Optional(Type.Union([Type.Array(ImageRef, { maxItems: 1 }), Type.Null()])),
  motions: Type.Optional(Type.Union([Type.Array(MotionInput, { minItems: 1, maxItems: 2 }), Type.Null()])),
  seed: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
  enhance_prompt: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  check_nsfw: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: CHECK_NSFW_DESCRIPTION })),
  width: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  height: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
  duration: Type.Optional(Type.Number({ minimum: 2, maximum: 10 })),
  fps: Type.Optional(Type.Integer({ minimum: 12, maximum: 60 })),
  ...cameraFields(),
});
export type DopParams = Static<typeof DopParams>;

export const WebhookInput = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000 }),
  secret: Type.String({ minLength: 1, maxLength: 500 }),
});

export const DopBody = Type.Object({
  params: DopParams,
  webhook: Type.Optional(Type.Union([WebhookInput, Type.Null()])),
});
export type DopBody = Static<typeof DopBody>;

/**
 * The body of `POST /v1/image2video/dop`, read by its shape: `{params, webhook?}` (the v1
 * SDK) is a DopBody; a flat body is the v2 SDK's `subscribe('/v1/image2video/dop', {input})`,
 * with v1 names (`input_images`: DopParams) or v2 names (`image_url`: DopV2Body). The
 * `if`/`then`/`else` picks the one schema a body is checked against, so an error names the
 * field of that shape (`params.prompt`, not a list of every shape's complaints).
 */
export const DopRequestBody = Type.Unsafe<DopBody | DopParams | DopV2Body>({
  type: 'object',
  description:
    '`{params, webhook?}` → JobSet. A flat body (v1 names with `input_images`, or v2 names) gets the v2 request object too.',
  if: { required: ['params'] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else (a schema, never a thenable)
  then: DopBody,
  else: {
    if: { required: ['input_images'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else (a schema, never a thenable)
    then: DopParams,
    else: DopV2Body,
  },
});

export const JobSet = Type.Object({
  id: Type.String(),
  type: Type.Literal('image2video'),
  created_at: Type.String({ description: 'ISO-8601' }),
  jobs: Type.Array(
    Type.Object({
      id: Type.String(),
      job_set_type: Type.String(),
      status: StringEnum(TASK_STATUSES),
      results: Results,
      error: Type.Optional(Type.String()),
      progress: Type.Optional(Type.Number()),
    }),
  ),
  input_params: Type.Record(Type.String(), Type.Unknown()),
});

/** What the DoP path answers: a JobSet, plus the request object's keys for a flat body. */
export const DopResponse = Type.Object({ ...JobSet.properties, ...Type.Partial(RequestObject).properties });

export const MotionSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  preview_url: Type.String(),
  start_end_frame: Type.Boolean(),
  renderable: Type.Boolean(),
});

export const JobSetParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
