/**
 * Streams a plan's frames into one ffmpeg process, in order, honouring backpressure. On
 * failure or cancellation every stage stops: workers are terminated, ffmpeg is killed and
 * awaited, and the caller's output files are removed.
 */
import { rm } from 'node:fs/promises';
import { AppError, isAppError } from '../../core/errors.js';
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process.js';
import type { WorkerLease } from './frame-worker-pool.js';
import { createFrameSource } from './frame-source.js';
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
  const source = createFrameSource({
    plan: o.plan,
    sources: o.sources,
    width: o.width,
    height: o.height,
    threads: o.threads,
    ...(o.lease && { lease: o.lease }),
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
      if (o.onPoster && frame.index === o.posterFrame) o.onPoster(Buffer.from(frame.pixels));
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
