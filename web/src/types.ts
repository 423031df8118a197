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
}

export interface GenerateRequest {
  model: ModelTier;
  motion_id: string;
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
  };
  jobs: { status: TaskStatus; results: { raw: ResultFile; min: ResultFile; poster?: ResultFile } | null }[];
}

export interface TaskPage {
  tasks: Feed[];
  next_before: number | null;
}

export const TERMINAL: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'nsfw', 'canceled']);
