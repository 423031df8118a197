/**
 * Wire schemas of the camera-control extension, shared by every dialect (reseller body,
 * v1 `params`, v2 body): `camera` (six axes), Kling's `camera_control`, `camera_path`,
 * `focus` and `loop`. The schemas bound every number, so a bad one is a 4xx naming its
 * field (`camera.zoom`, `camera_path.keyframes[2].t`) in the dialect's own error shape;
 * `cameraRequestOf` turns them into the task core's CameraRequest.
 */
import { Type, type Static } from 'typebox';
import {
  CAMERA_AXES,
  fromKlingConfig,
  KEYFRAME_BOUNDS,
  MAX_KEYFRAMES,
  PATH_EASINGS,
  type CameraAxes,
  type CameraRequest,
  type PathKeyframe,
} from '../core/camera-request.js';
import { AppError } from '../core/errors.js';

const AXIS_DOC: Record<(typeof CAMERA_AXES)[number], string> = {
  horizontal:
    'Camera travel sideways, + = right: 1 unit = 2 % of the frame width at the subject (nearer things move more).',
  vertical: 'Camera travel, + = up: 1 unit = 2 % of the frame height at the subject.',
  pan: 'Turn, + = right: 1 unit = 1° (50° horizontal field of view: the picture slides 1.07·W·tan 1° ≈ 1.9 % of the width).',
  tilt: 'Turn, + = up: 1 unit = 1°.',
  roll: 'Roll, + = the camera rolls clockwise (the picture turns counter-clockwise): 1 unit = 1°.',
  zoom: 'Zoom, + = in: 1 unit = ×1.05 from the first frame to the last (10 = ×1.63).',
};

const axis = (name: (typeof CAMERA_AXES)[number], doc = AXIS_DOC[name]) =>
  Type.Optional(Type.Number({ minimum: -10, maximum: 10, description: doc }));

export const CameraAxesSchema = Type.Object(
  Object.fromEntries(CAMERA_AXES.map((a) => [a, axis(a)])) as Record<
    (typeof CAMERA_AXES)[number],
    ReturnType<typeof axis>
  >,
  {
    additionalProperties: false,
    description:
      'Extension: numeric camera move on the −10…10 scale, added on top of the motion preset (alone when no motion is sent). ' +
      'Travels, turns and roll are centred on the framing (half each way). See docs/camera-control.md.',
  },
);

const KLING_DOC: Record<(typeof CAMERA_AXES)[number], string> = {
  horizontal: 'Kling: camera travel along x, + = right.',
  vertical: 'Kling: camera travel along y, + = up.',
  pan: 'Kling: rotation about the x axis, + = up (our `camera.tilt`).',
  tilt: 'Kling: rotation about the y axis, + = right (our `camera.pan`).',
  roll: 'Kling: roll, + = clockwise.',
  zoom: 'Kling: + = wider field of view (zoom out; our `camera.zoom` with the sign reversed).',
};

export const KlingCameraControlSchema = Type.Object(
  {
    type: Type.Unsafe<'simple'>({
      type: 'string',
      enum: ['simple'],
      description: 'Only "simple" (the six-axis config) is rendered.',
    }),
    config: Type.Object(
      Object.fromEntries(CAMERA_AXES.map((a) => [a, axis(a, KLING_DOC[a])])) as Record<
        (typeof CAMERA_AXES)[number],
        ReturnType<typeof axis>
      >,
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    description: "Extension: Kling's own camera_control object, the same move as `camera` in Kling's axis naming.",
  },
);

const KEYFRAME_DOC: Record<keyof typeof KEYFRAME_BOUNDS, string> = {
  x: 'Camera position, + = right, in frame widths at the subject (parallax).',
  y: 'Camera position, + = up, in frame heights at the subject (parallax).',
  z: 'Camera position, + = forward, in subject distances (a dolly; parallax).',
  zoom: 'Magnification (1 = the picture just covers the frame).',
  roll: 'Camera roll in degrees, + = clockwise.',
  pan: 'Aim in degrees, + = right.',
  tilt: 'Aim in degrees, + = up.',
  shutter: 'Shutter open time, fraction of the frame interval (default 0.5).',
  blur: 'Defocus radius (px at 720p) away from the focus point.',
  fisheye: 'Barrel distortion (0 = none).',
  focus_shift: 'Rack focus: 0 = on the focus point, 1 = on the opposite region.',
};

const boundedNumber = (minimum: number, maximum: number, description: string) =>
  Type.Optional(Type.Number({ minimum, maximum, description }));

export const KeyframeSchema = Type.Object(
  {
    t: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'Normalised time: 0 = first frame, 1 = last (with loop: the first frame again).',
    }),
    ...(Object.fromEntries(
      Object.entries(KEYFRAME_BOUNDS).map(([k, [lo, hi]]) => [
        k,
        boundedNumber(lo, hi, KEYFRAME_DOC[k as keyof typeof KEYFRAME_DOC]),
      ]),
    ) as Record<keyof typeof KEYFRAME_BOUNDS, ReturnType<typeof boundedNumber>>),
  },
  { additionalProperties: false },
);

export const CameraPathSchema = Type.Object(
  {
    keyframes: Type.Array(KeyframeSchema, {
      minItems: 1,
      maxItems: MAX_KEYFRAMES,
      description: `1 to ${MAX_KEYFRAMES} keyframes with strictly increasing t; fields left out are at rest.`,
    }),
    easing: Type.Optional(
      Type.Unsafe<(typeof PATH_EASINGS)[number]>({
        type: 'string',
        enum: [...PATH_EASINGS],
        description:
          'smooth (default): a curve through every keyframe with continuous velocity; the others ease each segment.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "Extension: the whole camera move as keyframes (replaces the preset's movement; `camera` still adds on top). " +
      "The task's params.camera_path records the resolved path in this format.",
  },
);

export const FocusSchema = Type.Object(
  {
    x: Type.Number({ minimum: 0, maximum: 1, description: '0 = left edge of the picture, 1 = right edge.' }),
    y: Type.Number({ minimum: 0, maximum: 1, description: '0 = top edge, 1 = bottom edge.' }),
  },
  {
    additionalProperties: false,
    description: 'Extension: the point every move aims at (instead of the estimated centre of interest or face).',
  },
);

export const LoopSchema = Type.Boolean({
  description:
    'Extension: the last frame flows into the first (one image only; some presets refuse, see docs/camera-control.md).',
});

/** The camera-control fields, to spread into a dialect's body schema. */
export const cameraFields = () => ({
  camera: Type.Optional(CameraAxesSchema),
  camera_control: Type.Optional(KlingCameraControlSchema),
  camera_path: Type.Optional(CameraPathSchema),
  focus: Type.Optional(FocusSchema),
  loop: Type.Optional(LoopSchema),
});

const Fields = Type.Object(cameraFields());
export type CameraWireFields = Static<typeof Fields>;

/**
 * The task core's camera request from a body's camera fields (already schema-checked), and
 * how errors should name them. `prefix` is how the dialect nests them (`params.` for v1).
 */
export function cameraRequestOf(
  b: CameraWireFields,
  prefix: string,
): { camera?: CameraRequest; cameraFields?: { prefix: string; camera: string } } {
  if (b.camera && b.camera_control) {
    throw new AppError('invalid_request', `${prefix}camera_control: send camera or camera_control, not both`, {
      field: `${prefix}camera_control`,
    });
  }
  const axes: CameraAxes | undefined = b.camera ?? (b.camera_control && fromKlingConfig(b.camera_control.config));
  const request: CameraRequest = {
    ...(axes && { camera: axes }),
    ...(b.camera_path && {
      cameraPath: {
        keyframes: b.camera_path.keyframes as PathKeyframe[],
        ...(b.camera_path.easing && { easing: b.camera_path.easing }),
      },
    }),
    ...(b.focus && { focus: { x: b.focus.x, y: b.focus.y } }),
    ...(b.loop !== undefined && { loop: b.loop }),
  };
  if (Object.keys(request).length === 0) return {};
  return { camera: request, cameraFields: { prefix, camera: b.camera_control ? 'camera_control.config' : 'camera' } };
}

/** Whether a body asks for any camera control (then a missing motion means "no preset"). */
export function hasCameraFields(b: CameraWireFields): boolean {
  return b.camera !== undefined || b.camera_control !== undefined || b.camera_path !== undefined;
}
