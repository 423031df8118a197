/** The reseller dialect's wire format, as far as the playground reads it (see README). */

export type ModelTier = 'lite' | 'turbo' | 'standard';
export type TaskStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'nsfw' | 'canceled';

export interface MotionRecord {
  id: string;
  name: string;
  media: { width: number; height: number; url: string; type: string };
  priority: number | null;
  categories: string[];
  kind: 'camera' | 'effect';
  description: string;
  start_end_frame: boolean | null;
  renderable: boolean;
  renderable_by: string[];
  /** Only on GET /higgsfield/tpl/motions/{id}: the preset's path, and whether it loops. */
  params?: { camera_path: CameraPathSpec; loop: boolean; loop_refused?: string } | null;
}

/** The six camera axes on Kling's −10…10 scale (docs/camera-control.md). */
export interface CameraAxes {
  horizontal?: number;
  vertical?: number;
  pan?: number;
  tilt?: number;
  roll?: number;
  zoom?: number;
}

export interface Keyframe {
  t: number;
  x?: number;
  y?: number;
  z?: number;
  zoom?: number;
  roll?: number;
  pan?: number;
  tilt?: number;
}

export interface CameraPathSpec {
  keyframes: Keyframe[];
  easing?: string;
}

export interface GenerateRequest {
  model: ModelTier;
  /** Absent when the move is only the camera control. */
  motion_id?: string;
  camera?: CameraAxes;
  focus?: { x: number; y: number };
  loop?: boolean;
  prompt: string;
  enhance_prompt: boolean;
  seed?: number;
  width?: number;
  height?: number;
  image: string[];
  duration?: number;
  fps?: number;
}

interface ResultFile {
  type: string;
  url: string;
}

export interface Feed {
  id: string;
  created_at: number;
  status: TaskStatus;
  progress: number;
  error: { code: string; message: string } | null;
  params: {
    prompt: string;
    input_image: { url: string };
    input_image_end?: { url: string };
    seed: number;
    motion_id: string;
    motions: { id: string; name: string }[];
    model: ModelTier;
    enhance_prompt: boolean;
    width: number | null;
    height: number | null;
    duration: number | null;
    fps: number | null;
    enhanced_prompt?: string;
    camera_path?: CameraPathSpec;
    focus?: { x: number; y: number };
    loop?: boolean;
  };
  jobs: { status: TaskStatus; results: { raw: ResultFile; min: ResultFile; poster?: ResultFile } | null }[];
}

export interface TaskPage {
  tasks: Feed[];
  next_before: number | null;
}

export const TERMINAL: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'nsfw', 'canceled']);
