/**
 * Streams a plan's frames into one ffmpeg process, in order, honouring backpressure. On
 * failure or cancellation every stage stops: workers are terminated, ffmpeg is killed and
 * awaited, and the caller's output files are removed.
 */
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { AppError, isAppError } from '../../core/errors.js';
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process.js';
import type { WorkerLease } from './frame-worker-pool.js';
import { createFrameSource, type FramePixelFormat } from './frame-source.js';
import type { RenderPlan } from './frame-plan.js';
import type { PainterSource } from './frame-painter.js';

export interface VideoRenderOptions {
  plan: RenderPlan;
  sources: PainterSource[];
  width: number;
  height: number;
  threads: number;
  /** Pooled frame workers; returned to the pool when done, terminated on failure. */
  lease?: WorkerLease;
  ffmpegPath: string;
  ffmpegArgs: string[];
  /** The pixel format ffmpegArgs read from stdin (default RGBA). */
  pixelFormat?: FramePixelFormat;
  /** ffmpeg already started with ffmpegArgs (while the picture decoded); else started here. */
  ffmpeg?: FfmpegProcess;
  /** Files ffmpeg writes; removed when the render does not complete. */
  outputs: string[];
  signal: AbortSignal;
  /** Called after each frame reaches ffmpeg with the number of frames written so far. */
  onFrame: (written: number) => void;
  /** Receives a copy of frame `posterFrame`'s RGBA pixels (no copy is made without it). */
  posterFrame?: number;
  onPoster?: (rgba: Buffer) => void;
}

/**
 * Whether every frame of a plan is one sample of one picture with nothing over it (no
 * smear, defocus, lens or look): the cheapest frames there are to draw (~6 ms a 720p frame,
 * against ~12 ms of x264's veryfast for it).
 */
export function plainPlan(plan: RenderPlan): boolean {
  for (let i = 0; i < plan.frames; i++) {
    const f = plan.frameAt(i);
    if (f.layers.length !== 1 || f.layers[0]!.samples.length !== 1) return false;
    if (f.smear || f.blur > 0.25 || f.fisheye > 0.001 || f.look) return false;
  }
  return true;
}

/**
 * The drawing threads a render uses of the `threads` it was given. On two cores x264 needs
 * about one and a half of them, and plain frames (plainPlan) are drawn by one thread faster
 * than x264 encodes them, so a second thread only competes with the encoder (and copies
 * the picture into its own canvases): the Zoom In of bench:cli, 1280×720 turbo, spent
 * 0.1–0.3 CPU-s less with one than with two, and finished no later. Frames with motion-blur
 * samples or layers cost more than the encode (Whip Pan: 1.9 CPU-s of drawing against
 * x264's 1.1) and keep every thread.
 */
export function drawingThreads(plan: RenderPlan, threads: number, cores = availableParallelism()): number {
  return threads > 1 && cores <= 2 && plainPlan(plan) ? 1 : threads;
}

function canceled(): AppError {
  return new AppError('canceled', 'the render was canceled');
}

/** Renders and encodes; resolves once ffmpeg has exited cleanly. */
export async function renderVideo(o: VideoRenderOptions): Promise<void> {
  if (o.signal.aborted) {
    o.lease?.release();
    await o.ffmpeg?.kill();
    throw canceled();
  }
  const threads = drawingThreads(o.plan, o.threads);
  // The lease's other workers stay idle and go back to the pool with it.
  const lease =
    o.lease && threads < o.lease.workers.length
      ? { workers: o.lease.workers.slice(0, threads), release: o.lease.release, discard: o.lease.discard }
      : o.lease;
  const source = createFrameSource({
    plan: o.plan,
    sources: o.sources,
    width: o.width,
    height: o.height,
    threads,
    ...(lease && { lease }),
    ...(o.pixelFormat && { pixelFormat: o.pixelFormat }),
    ...(o.onPoster && o.posterFrame !== undefined && { rgbaFrame: o.posterFrame }),
  });
  const ffmpeg = o.ffmpeg ?? FfmpegProcess.start(o.ffmpegPath, o.ffmpegArgs);
  const onAbort = (): void => {
    void source.close();
    void ffmpeg.kill();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const frame of source.frames()) {
      if (o.signal.aborted) throw canceled();
      if (o.onPoster && frame.index === o.posterFrame) o.onPoster(Buffer.from(frame.rgba ?? frame.pixels));
      await ffmpeg.write(frame.pixels);
      frame.release();
      o.onFrame(frame.index + 1);
    }
    await ffmpeg.finish();
  } catch (err) {
    await Promise.all([source.close(), ffmpeg.kill()]);
    await Promise.all(o.outputs.map((p) => rm(p, { force: true })));
    if (o.signal.aborted) throw canceled();
    if (isAppError(err)) throw err;
    throw new AppError('render_failed', `rendering failed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    await source.close();
  }
}
