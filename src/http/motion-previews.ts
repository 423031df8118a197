/**
 * Animated previews of catalogue motions, rendered by our own engine from the bundled
 * sample picture on first request and cached on disk (`DATA_DIR/previews`).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogueMotion, MotionCatalogue } from '../catalogue/motion-catalogue.js';
import type { Engine } from '../core/ports.js';

export interface PreviewRenderer {
  /** Size of every preview, known without rendering (listings state it). */
  width: number;
  height: number;
  /** Writes an animated WebP of the motion to `outPath`. */
  renderMotion(motionName: string, outPath: string): Promise<void>;
  /** Writes a still WebP of the sample picture (for motions we cannot render). */
  renderStill(outPath: string): Promise<void>;
}

export interface PreviewMedia {
  width: number;
  height: number;
  url: string;
  type: 'animated' | 'image';
}

export class MotionPreviews {
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Renders one preview at a time: they compete with real renders for the CPU. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly renderer: PreviewRenderer,
    private readonly engine: Engine,
    private readonly catalogue: MotionCatalogue,
  ) {}

  describe(motion: CatalogueMotion, base: string): PreviewMedia {
    const animated = this.engine.canRender(motion.name).renderable;
    return {
      width: this.renderer.width,
      height: this.renderer.height,
      url: `${base}/previews/motions/${animated ? motion.slug : '_still'}.webp`,
      type: animated ? 'animated' : 'image',
    };
  }

  /** Path of the cached preview for `slug` (or `_still`), rendering it if needed. */
  async file(slug: string): Promise<string | undefined> {
    const motion = slug === '_still' ? undefined : this.catalogue.resolve(slug);
    if (slug !== '_still' && (!motion || motion.slug !== slug || !this.engine.canRender(motion.name).renderable)) return undefined;
    const path = join(this.dir, `${slug}.webp`);
    if (existsSync(path)) return path;
    let pending = this.inFlight.get(slug);
    if (!pending) {
      pending = this.render(slug, path, motion?.name).finally(() => this.inFlight.delete(slug));
      this.inFlight.set(slug, pending);
    }
    return pending;
  }

  private async render(slug: string, path: string, motionName: string | undefined): Promise<string> {
    const run = async () => {
      await mkdir(this.dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp.webp`;
      try {
        if (motionName) await this.renderer.renderMotion(motionName, tmp);
        else await this.renderer.renderStill(tmp);
        await rename(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
      return path;
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
