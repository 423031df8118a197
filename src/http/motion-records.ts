/**
 * Catalogue records as the listing endpoints show them, with preview media rendered by
 * our own engine (never Higgsfield's CDN) and whether this server can render each one.
 */
import type { CatalogueMotion } from '../catalogue/motion-catalogue.js';
import type { CameraPathSpec } from '../core/camera-request.js';
import type { Engine } from '../core/ports.js';
import type { MotionPreviews } from './motion-previews.js';

/** What a motion record is drawn from: the engine's verdicts and the preview media. */
export interface MotionRecordSources {
  engine: Pick<Engine, 'name' | 'canRender' | 'engineFor' | 'presetPath' | 'canLoop'>;
  previews: Pick<MotionPreviews, 'describe'>;
}

export function presentMotion(motion: CatalogueMotion, ctx: MotionRecordSources, base: string) {
  const verdict = ctx.engine.canRender(motion.name);
  const preview = ctx.previews.describe(motion, base);
  return {
    id: motion.id,
    name: motion.name,
    media: preview,
    priority: motion.priority,
    tags: [] as string[],
    params: null as null | { camera_path: CameraPathSpec; loop: boolean; loop_refused?: string },
    categories: motion.categories,
    kind: motion.kind,
    description: motion.description,
    start_end_frame: motion.startEndFrame,
    renderable: verdict.renderable,
    // The engine that would render it here (routing), not the router's own name.
    renderable_by: verdict.renderable ? [ctx.engine.engineFor?.([motion.name]) ?? ctx.engine.name] : verdict.engines,
  };
}

/** One record with its camera path (`params.camera_path`) and whether it loops. */
export function presentMotionDetail(motion: CatalogueMotion, ctx: MotionRecordSources, base: string) {
  const record = presentMotion(motion, ctx, base);
  const path = record.renderable ? ctx.engine.presetPath?.(motion.name) : undefined;
  if (!path) return record;
  const loop = ctx.engine.canLoop?.(motion.name) ?? {
    loopable: false as const,
    reason: 'this engine renders no loops',
  };
  return {
    ...record,
    params: { camera_path: path, loop: loop.loopable, ...(!loop.loopable && { loop_refused: loop.reason }) },
  };
}
