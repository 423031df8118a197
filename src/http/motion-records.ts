/**
 * Catalogue records as the listing endpoints show them, with preview media rendered by
 * our own engine (never Higgsfield's CDN) and whether this server can render each one.
 */
import type { CatalogueMotion } from '../catalogue/motion-catalogue.js';
import type { HttpContext } from './context.js';

export function presentMotion(motion: CatalogueMotion, ctx: Pick<HttpContext, 'engine' | 'previews'>, base: string) {
  const verdict = ctx.engine.canRender(motion.name);
  const preview = ctx.previews.describe(motion, base);
  return {
    id: motion.id,
    name: motion.name,
    media: preview,
    priority: motion.priority,
    tags: [] as string[],
    params: null,
    categories: motion.categories,
    kind: motion.kind,
    description: motion.description,
    start_end_frame: motion.startEndFrame,
    renderable: verdict.renderable,
    // The engine that would render it here (routing), not the router's own name.
    renderable_by: verdict.renderable ? [ctx.engine.engineFor?.([motion.name]) ?? ctx.engine.name] : verdict.engines,
  };
}
