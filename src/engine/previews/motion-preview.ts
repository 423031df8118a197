/**
 * Catalogue previews: a small animated WebP of a motion, rendered by this engine from the
 * preview picture (a real photograph when fetched, see preview-picture.ts) or, when none is
 * given, the generated sample picture.
 */
import { AppError } from '../../core/errors.js';
import { buildWebpArgs } from '../ffmpeg/ffmpeg-args.js';
import { defaultFfmpegPath } from '../ffmpeg/ffmpeg-path.js';
import { localRenderability } from '../motion/motion-support.js';
import { prepareRender } from '../render/prepare-render.js';
import { renderVideo } from '../render/render-video.js';
import { makeSampleImage } from './sample-image.js';

export interface MotionPreviewOptions {
  motionName: string;
  outPath: string;
  ffmpegPath?: string;
  /** Default 320. */
  width?: number;
  /** Default: the sample's aspect at `width` (180 for 320). */
  height?: number;
  /** The picture to move over (encoded); default: the generated sample picture. */
  image?: Buffer;
  /** Seconds, default 2. */
  duration?: number;
  /** Default 12. */
  fps?: number;
  signal?: AbortSignal;
}

/** Renders a motion's preview WebP to `outPath`; rejects with motion_not_renderable for effects. */
export async function renderMotionPreview(options: MotionPreviewOptions): Promise<void> {
  const r = localRenderability(options.motionName);
  if (!r.renderable) {
    throw new AppError('motion_not_renderable', `motion "${options.motionName}" has no local preview: ${r.reason}`, {
      field: 'motion_id',
    });
  }
  const width = options.width ?? 320;
  const prepared = await prepareRender(
    {
      taskId: 'preview',
      model: 'lite',
      motions: [{ name: options.motionName, strength: 1 }],
      prompt: '',
      enhancePrompt: false,
      seed: 7,
      width,
      height: options.height ?? Math.round((width * 9) / 16),
      duration: options.duration ?? 2,
      fps: options.fps ?? 12,
      images: [options.image ?? (await makeSampleImage())],
    },
    { maxImagePixels: 50_000_000 },
  );
  const { timing } = prepared;
  await renderVideo({
    plan: prepared.plan,
    sources: prepared.sources,
    width: timing.width,
    height: timing.height,
    // Tiny frames: drawing in-process beats starting workers.
    threads: 0,
    ffmpegPath: options.ffmpegPath ?? (await defaultFfmpegPath()),
    ffmpegArgs: buildWebpArgs({
      width: timing.width,
      height: timing.height,
      fps: timing.fps,
      outPath: options.outPath,
    }),
    outputs: [options.outPath],
    signal: options.signal ?? new AbortController().signal,
    posterFrame: -1,
    onPoster: () => {},
    onFrame: () => {},
  });
}
