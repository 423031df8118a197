/**
 * Wire schemas of the reseller dialect (`/higgsfield/*`), exactly as the reference page
 * gives them, plus documented extensions (`duration`, `fps`). Fastify validates requests
 * and serialises nothing from these bodies by hand; OpenAPI is generated from them.
 */
import { Type, type Static } from 'typebox';
import { MODEL_TIERS, TASK_STATUSES } from '../../../core/task.js';
import { CameraPathSchema, cameraFields, FocusSchema } from '../../camera-schemas.js';
import { CHECK_NSFW_DESCRIPTION, Results, StringEnum } from '../platform/schemas.js';

export const MAX_SIZE = 4096;

export const GenerateBody = Type.Object(
  {
    model: StringEnum(
      MODEL_TIERS,
      'Quality/speed tier: lite (~480p, fastest), turbo (~720p), standard (up to 1080p, best).',
    ),
    motion_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'Motion preset: a catalogue id (GET /higgsfield/tpl/motions), a name ("Dolly In") or a slug ("dolly-in"). ' +
          'Required unless the request sends camera, camera_control or camera_path (then the move is only those).',
      }),
    ),
    prompt: Type.String({
      maxLength: 4000,
      description: 'What happens; speed, intensity and direction words modulate the move.',
    }),
    enhance_prompt: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'Let the engine read the prompt (speed, intensity, direction); false uses the preset as is.',
      }),
    ),
    seed: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description: 'Same seed, same video. Chosen and recorded when absent.',
      }),
    ),
    width: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_SIZE,
        description: 'Output width in px; rounded to even and bounded by the tier (see docs/engine.md).',
      }),
    ),
    height: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_SIZE,
        description: 'Output height in px; rounded to even and bounded by the tier (see docs/engine.md).',
      }),
    ),
    image: Type.Array(
      Type.String({ minLength: 1, description: 'http(s) URL, data:image/...;base64, URI, or bare base64.' }),
      { minItems: 1, maxItems: 2, description: 'image[0] is the start frame; image[1] (optional) the end frame.' },
    ),
    ...cameraFields(),
    duration: Type.Optional(
      Type.Number({ minimum: 2, maximum: 10, description: 'Extension: clip length in seconds (default 5).' }),
    ),
    fps: Type.Optional(
      Type.Integer({ minimum: 12, maximum: 60, description: 'Extension: frames per second (default 24).' }),
    ),
    check_nsfw: Type.Optional(Type.Boolean({ description: CHECK_NSFW_DESCRIPTION })),
    callback_url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description:
          'Extension: an http(s) URL that gets a signed POST of the job-set (as /higgsfield/feed/{id} returns it) once the task ' +
          'is completed, failed, nsfw or canceled; retried for up to 2 h until it answers 2xx. See docs/webhooks.md.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type GenerateBody = Static<typeof GenerateBody>;

export const GenerateResponse = Type.Object({
  id: Type.String({ description: 'Task id, used for subsequent status queries' }),
});

export const TaskIdParams = Type.Object({ task_id: Type.String({ minLength: 1, maxLength: 100 }) });

export const FeedBody = Type.Union([
  Type.Object({ task_id: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true }),
  Type.Null(),
]);

const MediaInput = Type.Object({ id: Type.String(), url: Type.String(), type: Type.Literal('media_input') });
/** What the content check found (docs/content-check.md); the same record every dialect shows. */
export const NsfwCheckSchema = Type.Object(
  {
    mode: Type.String({ description: 'flag or block: the policy this task ran under' }),
    threshold: Type.Number(),
    flagged: Type.Boolean({ description: 'The worst image reached the threshold' }),
    score: Type.Number({ description: "The worst image's porn + hentai probability" }),
    images: Type.Array(
      Type.Object({
        index: Type.Integer(),
        score: Type.Number(),
        scores: Type.Object({
          drawing: Type.Number(),
          hentai: Type.Number(),
          neutral: Type.Number(),
          porn: Type.Number(),
          sexy: Type.Number(),
        }),
      }),
    ),
  },
  { description: 'Extension: the content check scores, when it ran.' },
);

const TaskErrorSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  detail: Type.Optional(
    Type.Object(
      { nsfw: Type.Optional(NsfwCheckSchema) },
      { additionalProperties: true, description: 'Particulars: for nsfw, the content check scores.' },
    ),
  ),
});

export const FeedResponse = Type.Object({
  id: Type.String(),
  type: Type.Literal('image2video'),
  project_id: Type.String(),
  created_at: Type.Number({ description: 'Epoch seconds (float)' }),
  status: StringEnum(TASK_STATUSES, 'Mirror of jobs[0].status'),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  error: Type.Union([TaskErrorSchema, Type.Null()]),
  params: Type.Object(
    {
      prompt: Type.String(),
      input_image: MediaInput,
      input_image_end: Type.Optional(MediaInput),
      seed: Type.Integer(),
      motion_id: Type.String(),
      motions: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), strength: Type.Number() })),
      model: Type.String(),
      enhance_prompt: Type.Boolean(),
      width: Type.Union([Type.Integer(), Type.Null()]),
      height: Type.Union([Type.Integer(), Type.Null()]),
      duration: Type.Union([Type.Number(), Type.Null()]),
      fps: Type.Union([Type.Integer(), Type.Null()]),
      camera_path: Type.Optional(
        Type.Union([CameraPathSchema, Type.Null()], {
          description:
            'Extension: the whole move as rendered (null until the render started); send it back as camera_path to re-render.',
        }),
      ),
      focus: Type.Optional(Type.Union([FocusSchema, Type.Null()])),
      loop: Type.Optional(Type.Boolean()),
      enhanced_prompt: Type.Optional(Type.String()),
      modifiers: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      check_nsfw: Type.Optional(Type.Boolean()),
      nsfw_check: Type.Optional(NsfwCheckSchema),
      engine: Type.Optional(Type.String({ description: 'Which engine rendered it: local or higgsfield (once known)' })),
      scene: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            'Extension, once the render started: what the engine understood of the (first) picture — subject (person, object, none), label, confidence, faces, the face aimed at and why, method, layers, depth.',
        }),
      ),
      transition: Type.Optional(
        StringEnum(
          ['iris-in', 'iris-out', 'whip', 'match-cut'],
          'Extension: how a two-picture clip carries image[0] into image[1].',
        ),
      ),
      transition_choice: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            "Extension: why that transition (a match cut: the subjects, each picture's zoom at the cut, the wipe; or why no match cut).",
        }),
      ),
    },
    { additionalProperties: true },
  ),
  jobs: Type.Array(
    Type.Object({
      id: Type.String(),
      status: StringEnum(TASK_STATUSES, 'Job status'),
      results: Results,
      result: Results,
      error: Type.Optional(Type.String()),
    }),
  ),
});

export const MotionsQuery = Type.Object(
  {
    size: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,4}$', description: 'How many templates to return (1–1000, default 30).' }),
    ),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Case-insensitive name filter.' })),
    category: Type.Optional(
      Type.String({ maxLength: 100, description: 'Extension: only motions of this category slug.' }),
    ),
  },
  { additionalProperties: true },
);

export const MotionRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  media: Type.Object({ width: Type.Integer(), height: Type.Integer(), url: Type.String(), type: Type.String() }),
  priority: Type.Union([Type.Integer(), Type.Null()]),
  tags: Type.Array(Type.String()),
  params: Type.Union(
    [
      Type.Null(),
      Type.Object({
        camera_path: CameraPathSchema,
        loop: Type.Boolean({ description: 'Whether loop: true is accepted with this motion.' }),
        loop_refused: Type.Optional(Type.String()),
      }),
    ],
    {
      description:
        "Extension: null in the listing; GET /higgsfield/tpl/motions/{id} gives the preset's camera path (5 s at 24 fps, 16:9, seed 1, no face) in the camera_path format.",
    },
  ),
  categories: Type.Array(Type.String()),
  kind: Type.String({ description: 'camera or effect (our classification)' }),
  description: Type.String(),
  start_end_frame: Type.Union([Type.Boolean(), Type.Null()]),
  renderable: Type.Boolean({ description: 'Whether this server can render the motion.' }),
  renderable_by: Type.Array(Type.String(), { description: 'Engines able to render it.' }),
});

export const ErrorResponse = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    code: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
  }),
});

export const TaskListQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'Page size (1–100, default 20).' })),
    before: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,12}(\\.[0-9]{1,6})?$',
        description: 'Only tasks created before this epoch-seconds time (next_before of the previous page).',
      }),
    ),
  },
  { additionalProperties: false },
);
