/**
 * Animated previews of catalogue motions, rendered by our own engine from the preview
 * picture on first request. The served copy lives in the media store under
 * `previews/<picture-id>/<slug>.webp` (so with MEDIA=s3 every node serves the bucket's
 * object, and a node that finds it there renders nothing); the local folder
 * (`DATA_DIR/previews/<picture-id>`) is only the render's scratch and cache.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogueMotion, MotionCatalogue } from '../catalogue/motion-catalogue.js';
import type { Engine, MediaStore } from '../core/ports.js';

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

/** A preview as stored in the media store. */
export interface StoredPreview {
  key: string;
  bytes: number;
  contentType: string;
}

const PREVIEW_TYPE = 'image/webp';

export class MotionPreviews {
  private readonly inFlight = new Map<string, Promise<StoredPreview>>();
  /** Renders one preview at a time: they compete with real renders for the CPU. */
  private chain: Promise<unknown> = Promise.resolve();

  /**
   * @param dir local scratch folder of this picture's renders
   * @param pictureId names the picture in store keys (`previews/<pictureId>/…`)
   */
  constructor(
    private readonly dir: string,
    private readonly renderer: PreviewRenderer,
    private readonly engine: Engine,
    private readonly catalogue: MotionCatalogue,
    private readonly media: MediaStore,
    private readonly pictureId: string,
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

  /** The media-store key of the preview for `slug` (or `_still`). */
  keyOf(slug: string): string {
    return `previews/${this.pictureId}/${slug}.webp`;
  }

  /**
   * The stored preview for `slug` (or `_still`): read from the media store when it is
   * there (whichever node rendered it), else rendered here (or taken from the local
   * cache) and put into the store first. Undefined for a slug with no preview.
   */
  async stored(slug: string): Promise<StoredPreview | undefined> {
    const motion = slug === '_still' ? undefined : this.catalogue.resolve(slug);
    if (slug !== '_still' && (!motion || motion.slug !== slug || !this.engine.canRender(motion.name).renderable))
      return undefined;
    const key = this.keyOf(slug);
    const info = await this.media.stat(key);
    if (info) return { key, ...info };
    let pending = this.inFlight.get(slug);
    if (!pending) {
      pending = this.publish(slug, key, motion?.name).finally(() => this.inFlight.delete(slug));
      this.inFlight.set(slug, pending);
    }
    return pending;
  }

  /** Renders the preview unless the local cache has it, then puts it into the store (unless it is there, same size). */
  private async publish(slug: string, key: string, motionName: string | undefined): Promise<StoredPreview> {
    const path = join(this.dir, `${slug}.webp`);
    if (!existsSync(path)) await this.render(path, motionName);
    const { size } = await stat(path);
    const there = await this.media.stat(key);
    if (there && there.bytes === size) return { key, ...there };
    // putBuffer, not putFile: the fs store moves a file it is given, and the local copy
    // stays as this node's cache. Previews are a few hundred KiB.
    const ref = await this.media.putBuffer(key, await readFile(path), PREVIEW_TYPE);
    return { key, bytes: ref.bytes, contentType: ref.contentType };
  }

  private async render(path: string, motionName: string | undefined): Promise<string> {
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
