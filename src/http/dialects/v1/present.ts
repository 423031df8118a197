/** Renders a task as a v1 JobSet (submit response, poll response, webhook body). */
import type { Task } from '../../../core/task.js';
import { mediaUrl, presentCameraParams, presentResults, presentUnderstanding } from '../platform/present.js';

const V1_MODEL_OF = { lite: 'dop-lite', turbo: 'dop-turbo', standard: 'dop-standard' } as const;

export function presentJobSet(task: Task, base: string) {
  const p = task.params;
  const imageRef = (index: number) => {
    const image = p.images[index];
    return image ? [{ type: 'image_url', image_url: image.sourceUrl ?? mediaUrl(base, image.mediaKey) }] : undefined;
  };
  const failed = task.status === 'failed' || task.status === 'nsfw';
  const end = imageRef(1);
  return {
    id: task.id,
    type: 'image2video' as const,
    created_at: new Date(task.createdAt).toISOString(),
    jobs: [
      {
        id: task.jobId,
        job_set_type: 'image2video',
        status: task.status,
        results: presentResults(task, base),
        ...(failed && task.error && { error: task.error.message }),
        progress: task.status === 'completed' ? 1 : task.progress,
      },
    ],
    input_params: {
      model: V1_MODEL_OF[p.model],
      prompt: p.prompt,
      seed: p.seed,
      motions: p.motions.map((m) => ({ id: m.id, strength: m.strength })),
      input_images: imageRef(0),
      ...(end && { input_images_end: end }),
      enhance_prompt: p.enhancePrompt,
      ...presentCameraParams(task),
      ...presentUnderstanding(task),
      ...(p.checkNsfw !== undefined && { check_nsfw: p.checkNsfw }),
      ...(task.resolved && {
        width: task.resolved.width,
        height: task.resolved.height,
        duration: task.resolved.duration,
        fps: task.resolved.fps,
      }),
      ...(task.resolved?.enhancedPrompt !== undefined && { enhanced_prompt: task.resolved.enhancedPrompt }),
      ...(task.resolved?.nsfw !== undefined && { nsfw_check: task.resolved.nsfw }),
      ...(task.status === 'nsfw' && task.error?.detail?.nsfw !== undefined && { nsfw_check: task.error.detail.nsfw }),
      ...(task.resolved?.engine !== undefined && { engine: task.resolved.engine }),
    },
  };
}
