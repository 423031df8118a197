/**
 * The local motion engine: a camera moving over the still picture(s), rendered in worker
 * threads and encoded by ffmpeg into the raw MP4, a ≤ 480p preview and a poster.
 */
import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from '../sharp.js';
import { releaseVision, rewarmVision, visionKeptWarm, warmVision } from '../vision/vision-thread.js';
import { AppError } from '../core/errors.js';
import { DEFAULT_MAX_IMAGE_PIXELS } from '../core/image-limits.js';
import type { Engine, RenderContext, RenderJob, RenderOutput } from '../core/ports.js';
import type { RenderResolved } from '../core/task.js';
import { buildEncodeArgs, minPreviewSize } from './ffmpeg/ffmpeg-args.js';
import { localRenderability } from './motion/motion-support.js';
import { findMotionDefinition, loopability } from './motion/motion-definitions.js';
import { presetPathSpec } from './motion/camera-control.js';
import { prepareRender } from './render/prepare-render.js';
import { drawingThreads, renderVideo, type VideoRenderOptions } from './render/render-video.js';
import { type PainterSource, yuv420Fits } from './render/frame-painter.js';
import type { FramePixelFormat } from './render/frame-source.js';
import { defaultFfmpegPath } from './ffmpeg/ffmpeg-path.js';
import { FrameWorkerPool, joinLeases } from './render/frame-worker-pool.js';
import { preloadOf } from './render/frame-preload.js';
import type { FrameWorkerRequest } from './render/frame-worker.js';
import type { RenderTiming } from './framing/render-size.js';
import { FfmpegProcess } from './ffmpeg/ffmpeg-process.js';

export interface LocalEngineOptions {
  /** ffmpeg binary; defaults to the one from @ffmpeg-installer/ffmpeg. */
  ffmpegPath?: string;
  /** Worker threads drawing frames (0 = draw on the calling thread). */
  renderThreads?: number;
  /** Largest accepted input picture in pixels. */
  maxImagePixels?: number;
  /**
   * Whether warm() keeps the vision models loaded between renders (a service, the default).
   * A one-shot process (the CLI) passes false: the models still load early, and their
   * memory is handed back for the render's.
   */
  keepVisionWarm?: boolean;
}

interface ResolvedEngineOptions {
  ffmpegPath: string | undefined;
  renderThreads: number;
  maxImagePixels: number;
  /** Warm frame workers, started on the first render and reused (undefined with 0 threads). */
  pool: FrameWorkerPool | undefined;
}

/** Where renderFiles writes: the MP4, and the ≤ 480p preview and the poster when given. */
export interface RenderFiles {
  raw: string;
  min?: string;
  poster?: string;
}

/** The local engine: an Engine that owns a warm pool of frame workers. */
export interface LocalEngine extends Engine {
  /**
   * Renders only the files asked for, straight to their paths (the CLI): without `min` no
   * preview is scaled or encoded, without `poster` no frame is copied or compressed.
   */
  renderFiles(job: RenderJob, context: RenderContext, files: RenderFiles): Promise<{ resolved: RenderResolved }>;
  /**
   * Starts the engine's frame workers idle (the service does this at start-up), or only
   * `drawingThreads` of them (a one-shot process: a render starts the others only if its
   * plan draws with them, see drawingThreads in render-video.ts).
   */
  warm(options?: { drawingThreads?: number }): void;
  /** Terminates the engine's frame workers; a later render starts new ones. */
  close(): Promise<void>;
  /** Frame worker threads started so far and alive now (diagnostics, tests). */
  workerStats(): { started: number; alive: number; idle: number };
}

const PROGRESS_INTERVAL_MS = 250;

/** Full-resolution pixels above which a warm service ends the vision thread for the render. */
const RELEASE_VISION_ABOVE_PIXELS = 16_000_000;

/** Whether a source was decoded from a picture over {@link RELEASE_VISION_ABOVE_PIXELS}. */
function isLargePicture(source: PainterSource): boolean {
  const level0 = source.levels[0]!;
  return (level0.width / source.scale) * (level0.height / source.scale) > RELEASE_VISION_ABOVE_PIXELS;
}

/** Creates the local engine (name "local"). */
export function createLocalEngine(options: LocalEngineOptions = {}): LocalEngine {
  // Two cores are shared with x264: one drawing thread per core measured fastest.
  const renderThreads = options.renderThreads ?? Math.min(2, availableParallelism());
  let pool: FrameWorkerPool | undefined;
  let startedBefore = 0;
  const resolved = (): ResolvedEngineOptions => {
    // Started lazily: an engine that never renders never starts a thread.
    if (renderThreads > 0) pool ??= new FrameWorkerPool(renderThreads);
    return {
      ffmpegPath: options.ffmpegPath,
      renderThreads,
      maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
      pool,
    };
  };
  return {
    name: 'local',
    canRender: localRenderability,
    canLoop: loopability,
    controlsCamera: () => true,
    presetPath: (name) => {
      const definition = findMotionDefinition(name);
      return definition && presetPathSpec(definition);
    },
    async render(job, context) {
      const dir = resolve(context.workDir);
      const files = { raw: join(dir, 'raw.mp4'), min: join(dir, 'min.mp4'), poster: join(dir, 'poster.jpg') };
      const { resolved: r } = await renderJob(job, context, resolved(), files);
      return { ...files, resolved: r };
    },
    renderFiles: (job, context, files) => renderJob(job, context, resolved(), files),
    // Every render looks at its picture: the vision models load with the frame threads.
    warm: (warmOptions = {}) => {
      resolved().pool?.prewarm(warmOptions.drawingThreads);
      warmVision({ keep: options.keepVisionWarm !== false });
    },
    async close() {
      const p = pool;
      pool = undefined;
      startedBefore += p?.started ?? 0;
      await p?.close();
    },
    workerStats: () => ({
      started: startedBefore + (pool?.started ?? 0),
      alive: pool?.liveCount ?? 0,
      idle: pool?.idleCount ?? 0,
    }),
  };
}

async function renderJob(
  job: RenderJob,
  context: RenderContext,
  o: ResolvedEngineOptions,
  files: RenderFiles,
): Promise<{ resolved: RenderResolved }> {
  for (const [i, m] of job.motions.entries()) {
    const r = localRenderability(m.name);
    if (!r.renderable) {
      const engines = r.engines.length ? ` (use the ${r.engines.join(' or ')} engine)` : '';
      throw new AppError(
        'motion_not_renderable',
        `motion "${m.name}" cannot be rendered by the local engine: ${r.reason}${engines}`,
        {
          field: job.motions.length > 1 ? `motion_id[${i}]` : 'motion_id',
        },
      );
    }
  }
  const ffmpegPath = o.ffmpegPath ?? (await defaultFfmpegPath());
  const { raw, min, poster } = files;
  // Lent now so that, on a cold pool, thread start-up (~0.3 s) overlaps decoding; ffmpeg is
  // started as soon as the size is known (before the picture is decoded) for the same reason.
  // Only the idle workers and at least one: the others start once the plan shows that it
  // draws with them (a plain one on two cores draws with one, drawingThreads), since an
  // unused thread's start-up costs ~0.05–0.08 CPU-s beside the encoder.
  const pool = o.pool;
  const firstLease = pool?.acquire(Math.max(1, pool.idleCount));
  let ffmpeg: FfmpegProcess | undefined;
  let sized: RenderTiming | undefined;
  let prepared: Awaited<ReturnType<typeof prepareRender>>;
  try {
    prepared = await prepareRender(job, {
      maxImagePixels: o.maxImagePixels,
      onTiming: (t) => {
        sized = t;
        if (!context.signal.aborted) ffmpeg = FfmpegProcess.start(ffmpegPath, encodeArgs(job, t, raw, min));
      },
      // The first drawing thread copies the pictures into its canvases while the looks run;
      // not a large picture's, whose canvases would then sit beside the vision thread's
      // memory (a one-shot process, and a service for a large picture, end it first).
      onSources: (sources) => {
        const first = firstLease?.workers[0];
        if (first && sized && !sources.some(isLargePicture))
          first.postMessage({
            type: 'preload',
            ...preloadOf(sources, sized.width, sized.height),
          } satisfies FrameWorkerRequest);
      },
    });
  } catch (err) {
    firstLease?.release();
    await ffmpeg?.kill();
    await Promise.all([raw, ...(min ? [min] : [])].map((p) => rm(p, { force: true })));
    throw err;
  }
  // Every look of this task is in. A one-shot process hands the vision thread's memory
  // (~230 MB) back for the frames at once; a warm service only for a large picture, where
  // it is needed (a 24 MP photo at 1080p peaked at 604 MB with it kept), since the models'
  // reload after the render costs about a CPU-second beside the next task's encode.
  if (!visionKeptWarm() || prepared.sources.some(isLargePicture)) releaseVision();
  const { timing, plan, sources } = prepared;
  const wanted = drawingThreads(plan, o.renderThreads);
  const lease =
    pool && firstLease && wanted > firstLease.workers.length
      ? joinLeases(firstLease, pool.acquire(wanted - firstLease.workers.length))
      : firstLease;
  let lastReport = 0;
  // The poster is encoded from frame 0 while the rest of the clip renders.
  let posterWrite: Promise<unknown> | undefined;
  const writePoster = (rgba: Buffer, path: string): Promise<unknown> =>
    sharp(rgba, { raw: { width: timing.width, height: timing.height, channels: 4 } })
      .removeAlpha()
      .jpeg({ quality: 85, mozjpeg: false })
      .toFile(path);
  const video: VideoRenderOptions = {
    plan,
    sources,
    width: timing.width,
    height: timing.height,
    threads: o.renderThreads,
    ...(lease && { lease }),
    ffmpegPath,
    ffmpegArgs: encodeArgs(job, timing, raw, min),
    pixelFormat: inputFormat(timing),
    ...(ffmpeg && { ffmpeg }),
    outputs: [raw, ...(min ? [min] : [])],
    signal: context.signal,
    ...(poster && {
      posterFrame: 0,
      onPoster: (rgba: Buffer) => {
        posterWrite = writePoster(rgba, poster);
        posterWrite.catch(() => {}); // awaited below
      },
    }),
    onFrame: (written) => {
      const now = Date.now();
      if (now - lastReport >= PROGRESS_INTERVAL_MS) {
        lastReport = now;
        // Encoding trails drawing by a few frames; keep the last 2 % for ffmpeg's finish.
        context.onProgress(0.98 * (written / timing.frames));
      }
    },
  };
  try {
    await renderVideo(video);
  } catch (err) {
    rewarmVision();
    await posterWrite?.catch(() => {});
    if (poster) await rm(poster, { force: true });
    throw err;
  }
  rewarmVision();
  await posterWrite;
  context.onProgress(1);
  return { resolved: prepared.resolved };
}

/** Frames go to ffmpeg as yuv420p painted in the drawing threads wherever the size allows. */
function inputFormat(timing: { width: number; height: number }): FramePixelFormat {
  return yuv420Fits(timing.width, timing.height) ? 'yuv420p' : 'rgba';
}

function encodeArgs(
  job: RenderJob,
  timing: { width: number; height: number; fps: number; frames: number },
  raw: string,
  min: string | undefined,
): string[] {
  return buildEncodeArgs({
    width: timing.width,
    height: timing.height,
    fps: timing.fps,
    tier: job.model,
    inputPixelFormat: inputFormat(timing),
    rawPath: raw,
    ...(min && { min: { path: min, ...minPreviewSize(timing.width, timing.height) } }),
    threads: 0,
    ...(job.camera?.loop && loopMoves(job) && { loop: { frames: timing.frames } }),
  });
}

/**
 * Whether a looped clip's camera moves at all. A still one (Static with no camera axes or
 * path) is coded as a plain clip: its frames are alike and x264 already joins them with no
 * seam (0.00 on fruits.jpg, turbo), where the loop settings would add one (0.38).
 */
export function loopMoves(job: Pick<RenderJob, 'camera' | 'motions'>): boolean {
  const c = job.camera;
  if (c?.cameraPath) return true;
  if (c?.camera && Object.values(c.camera).some((v) => typeof v === 'number' && v !== 0)) return true;
  return job.motions.some((m) => (findMotionDefinition(m.name)?.parts.length ?? 1) > 0);
}
