/**
 * Numeric camera control as the task core sees it, whatever dialect it came from: the six
 * Kling-style axes (`camera`), a keyframed path (`camera_path`), a focus point and `loop`.
 * Pure data and checks; the engine turns it into a camera path (engine/motion/camera-control.ts).
 * The wire schemas bound every number (so a bad one is a 400 naming its field before this
 * runs); what a schema cannot say — keyframe times that go backwards, a loop the request
 * cannot make — is checked here, with the field named the same way.
 */
import { AppError } from './errors.js';

/** The six axes on Kling's −10…10 scale, in our (film) naming: see docs/camera-control.md. */
export interface CameraAxes {
  /** Camera travel sideways; + = right. 1 unit = 2 % of the frame width at the subject. */
  horizontal?: number;
  /** Camera travel up/down; + = up. 1 unit = 2 % of the frame height at the subject. */
  vertical?: number;
  /** Turn left/right; + = right. 1 unit = 1°. */
  pan?: number;
  /** Turn up/down; + = up. 1 unit = 1°. */
  tilt?: number;
  /** Roll; + = the camera rolls clockwise (the picture turns counter-clockwise). 1 unit = 1°. */
  roll?: number;
  /** Zoom; + = in. 1 unit = ×1.05 magnification from the first frame to the last. */
  zoom?: number;
}

export const CAMERA_AXES = ['horizontal', 'vertical', 'pan', 'tilt', 'roll', 'zoom'] as const;
export type CameraAxis = (typeof CAMERA_AXES)[number];

/** One keyframe of a path. Everything but `t` is optional and defaults to rest. */
export interface PathKeyframe {
  /** Normalised time: 0 = first frame, 1 = last frame (with `loop`, 1 = the first frame again). */
  t: number;
  /** Camera position right, in frame widths at the subject's distance (parallax). */
  x?: number;
  /** Camera position up, in frame heights at the subject's distance (parallax). */
  y?: number;
  /** Camera position forward, in subject distances (a dolly; parallax). */
  z?: number;
  /** Magnification, 1 = the picture just covers the frame. */
  zoom?: number;
  /** Camera roll in degrees, + = clockwise. */
  roll?: number;
  /** Aim left/right in degrees, + = right (no parallax). */
  pan?: number;
  /** Aim up/down in degrees, + = up (no parallax). */
  tilt?: number;
  /** Shutter open time as a fraction of the frame interval (0.5 = 180°). */
  shutter?: number;
  /** Defocus blur radius (px at 720p) away from the focus point. */
  blur?: number;
  /** Barrel distortion, 0 = rectilinear. */
  fisheye?: number;
  /** Where focus sits: 0 = the focus point, 1 = the opposite region (rack focus). */
  focus_shift?: number;
}

export const PATH_EASINGS = [
  'smooth',
  'linear',
  'easeInOutSine',
  'easeInSine',
  'easeOutSine',
  'easeInOutCubic',
  'easeInCubic',
  'easeOutCubic',
  'smootherstep',
] as const;
export type PathEasing = (typeof PATH_EASINGS)[number];

export interface CameraPathSpec {
  keyframes: PathKeyframe[];
  /**
   * How values move between keyframes. `smooth` (default): a curve through every keyframe
   * with continuous velocity, at rest at the ends (wrapping round with `loop`); the others
   * ease each segment on its own (so the camera stops at every keyframe, except `linear`).
   */
  easing?: PathEasing;
}

/** Most keyframes a path may have: one per frame of the longest clip (10 s at 60 fps). */
export const MAX_KEYFRAMES = 601;

/** Bounds of every keyframe field (inclusive), shared by the wire schemas and the checks. */
export const KEYFRAME_BOUNDS: Readonly<Record<Exclude<keyof PathKeyframe, 't'>, readonly [number, number]>> = {
  x: [-2, 2],
  y: [-2, 2],
  z: [-0.7, 0.7],
  zoom: [0.2, 8],
  roll: [-180, 180],
  pan: [-40, 40],
  tilt: [-40, 40],
  shutter: [0, 4],
  blur: [0, 60],
  fisheye: [0, 1],
  focus_shift: [0, 1],
};

/** What a request asks of the camera beyond (or instead of) its presets. */
export interface CameraRequest {
  camera?: CameraAxes;
  cameraPath?: CameraPathSpec;
  /** The point any move aims at, in the picture's normalised coordinates (0,0 top left). */
  focus?: { x: number; y: number };
  loop?: boolean;
}

/** Whether a request has any camera control at all. */
export function hasCameraControl(c: CameraRequest | undefined): boolean {
  return !!c && (c.camera !== undefined || c.cameraPath !== undefined || c.focus !== undefined || c.loop === true);
}

/**
 * Kling's own `camera_control` (`type: "simple"`) in our naming. Kling calls the turn about
 * the horizontal axis `pan` (+ = up) and the one about the vertical axis `tilt` (+ = right),
 * and its `zoom` widens the view when positive; a Kling client gets what it sends.
 */
export function fromKlingConfig(config: {
  horizontal?: number;
  vertical?: number;
  pan?: number;
  tilt?: number;
  roll?: number;
  zoom?: number;
}): CameraAxes {
  const out: CameraAxes = {};
  if (config.horizontal !== undefined) out.horizontal = config.horizontal;
  if (config.vertical !== undefined) out.vertical = config.vertical;
  if (config.tilt !== undefined) out.pan = config.tilt;
  if (config.pan !== undefined) out.tilt = config.pan;
  if (config.roll !== undefined) out.roll = config.roll;
  if (config.zoom !== undefined) out.zoom = config.zoom === 0 ? 0 : -config.zoom;
  return out;
}

/**
 * Checks what the schemas cannot: keyframe times strictly increasing, and (with `loop`)
 * a path that returns. `prefix` is how the dialect nests the fields (`params.` for v1).
 */
export function checkCameraRequest(
  c: CameraRequest,
  prefix: string,
  fields: { camera: string } = { camera: 'camera' },
): void {
  const at = (f: string): string => `${prefix}${f}`;
  if (c.camera) {
    for (const axis of CAMERA_AXES) {
      const v = c.camera[axis];
      if (v !== undefined && !(Number.isFinite(v) && v >= -10 && v <= 10)) {
        throw new AppError('invalid_request', `${at(`${fields.camera}.${axis}`)}: must be a number from -10 to 10`, {
          field: at(`${fields.camera}.${axis}`),
        });
      }
    }
  }
  if (c.focus) {
    for (const k of ['x', 'y'] as const) {
      const v = c.focus[k];
      if (!(Number.isFinite(v) && v >= 0 && v <= 1)) {
        throw new AppError('invalid_request', `${at(`focus.${k}`)}: must be a number from 0 to 1`, {
          field: at(`focus.${k}`),
        });
      }
    }
  }
  const path = c.cameraPath;
  if (!path) return;
  const keys = path.keyframes;
  if (keys.length === 0 || keys.length > MAX_KEYFRAMES) {
    const field = at('camera_path.keyframes');
    throw new AppError('invalid_request', `${field}: must have 1 to ${MAX_KEYFRAMES} keyframes`, { field });
  }
  keys.forEach((k, i) => {
    const base = `camera_path.keyframes[${i}]`;
    if (!(Number.isFinite(k.t) && k.t >= 0 && k.t <= 1)) {
      throw new AppError('invalid_request', `${at(`${base}.t`)}: must be a number from 0 to 1`, {
        field: at(`${base}.t`),
      });
    }
    if (i > 0 && !(k.t > keys[i - 1]!.t)) {
      throw new AppError(
        'invalid_request',
        `${at(`${base}.t`)}: must be greater than keyframes[${i - 1}].t (${keys[i - 1]!.t}); times go forward`,
        {
          field: at(`${base}.t`),
        },
      );
    }
    for (const [name, [lo, hi]] of Object.entries(KEYFRAME_BOUNDS)) {
      const v = (k as unknown as Record<string, unknown>)[name];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi)) {
        throw new AppError('invalid_request', `${at(`${base}.${name}`)}: must be a number from ${lo} to ${hi}`, {
          field: at(`${base}.${name}`),
        });
      }
    }
  });
  if (c.loop && keys.length > 1) {
    const first = keys[0]!;
    const last = keys[keys.length - 1]!;
    if (first.t === 0 && last.t === 1) {
      for (const name of Object.keys(KEYFRAME_BOUNDS) as (keyof typeof KEYFRAME_BOUNDS)[]) {
        const rest = name === 'zoom' ? 1 : name === 'shutter' ? 0.5 : 0;
        if (Math.abs((first[name] ?? rest) - (last[name] ?? rest)) > 1e-6) {
          const field = at(`camera_path.keyframes[${keys.length - 1}].${name}`);
          throw new AppError(
            'invalid_request',
            `${field}: with loop, the keyframe at t=1 is the first frame again and must equal keyframes[0].${name}`,
            {
              field,
            },
          );
        }
      }
    }
  }
}
