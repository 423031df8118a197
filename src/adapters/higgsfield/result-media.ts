/**
 * A relayed task's results, made ours: the cloud's MP4 is downloaded (size-capped and
 * time-limited), kept as `raw`, and the `min` preview and the poster are made here with
 * ffmpeg from it — so every dialect serves them from our media store with Range, our
 * retention applies, and the cloud's 7-day expiry cannot break an old task.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { RenderResolved } from '../../core/task.js';
import { minPreviewSize } from '../../engine/ffmpeg/ffmpeg-args.js';
import { defaultFfmpegPath } from '../../engine/ffmpeg/ffmpeg-path.js';
import type { FetchBytes } from '../../inputs/safe-fetch.js';

export interface ResultFetchers {
  /** For the configured upstream's own hosts: caps and timeout, no address policy. */
  trusted: FetchBytes;
  /** For any other host: the SSRF guard of src/inputs (address policy at connect time). */
  guarded: FetchBytes;
  isTrusted(url: URL): boolean;
}

/**
 * Hosts trusted as the upstream's own: the base URL's host, and when that is a
 * higgsfield.ai host, every higgsfield.ai host (its CDN for results).
 */
export function upstreamHostTrust(baseUrl: string): (url: URL) => boolean {
  const base = new URL(baseUrl);
  const family = /(^|\.)higgsfield\.ai$/i.test(base.hostname);
  return (url) =>
    url.host.toLowerCase() === base.host.toLowerCase() ||
    (family && url.protocol === 'https:' && /(^|\.)higgsfield\.ai$/i.test(url.hostname));
}

/** Downloads the result video into `workDir/raw.mp4`. */
export async function downloadResult(url: string, workDir: string, fetchers: ResultFetchers): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('upstream_error', 'the Higgsfield cloud answered with a result URL that is not a URL');
  }
  const fetch = fetchers.isTrusted(parsed) ? fetchers.trusted : fetchers.guarded;
  let fetched;
  try {
    fetched = await fetch(parsed, 'result video');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A blocked host will stay blocked; a slow or broken download may work next attempt
    // (the same upstream request is polled again: nothing is bought twice).
    if ((error as AppError).code === 'image_url_blocked')
      throw new AppError('upstream_error', `downloading the cloud's result was refused: ${message}`);
    throw new AppError('render_failed', `downloading the cloud's result failed: ${message}`);
  }
  const path = join(workDir, 'raw.mp4');
  await writeFile(path, fetched.body);
  return path;
}

interface Probe {
  width: number;
  height: number;
  fps: number;
  duration: number;
}

/** Reads size, frame rate and duration from ffmpeg's description of the input. */
export function parseProbe(stderr: string): Probe | undefined {
  const video = /Stream #\d+:\d+[^:]*: Video: [^\n]*?(\d{2,5})x(\d{2,5})[^\n]*?(?:([\d.]+) fps|([\d.]+) tbr)/.exec(
    stderr,
  );
  const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  if (!video || !duration) return undefined;
  const fps = Number(video[3] ?? video[4]);
  return {
    width: Number(video[1]),
    height: Number(video[2]),
    fps: Number.isFinite(fps) && fps > 0 ? fps : 24,
    duration: Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]),
  };
}

function runFfmpeg(
  ffmpeg: string,
  args: string[],
  signal: AbortSignal,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    child.once('error', (error) =>
      signal.aborted ? reject(signal.reason instanceof Error ? signal.reason : error) : reject(error),
    );
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** Makes `min.mp4` (≤ 480p) and `poster.jpg` (frame 0) next to the raw video. */
export async function deriveMedia(
  raw: string,
  workDir: string,
  signal: AbortSignal,
  ffmpegPath?: string,
): Promise<{ min: string; poster: string; resolved: RenderResolved }> {
  const ffmpeg = ffmpegPath ?? (await defaultFfmpegPath());
  const described = await runFfmpeg(ffmpeg, ['-hide_banner', '-i', raw], signal);
  const probe = parseProbe(described.stderr);
  if (!probe) {
    throw new AppError(
      'upstream_error',
      `the cloud's result is not a readable video: ${described.stderr.split('\n').slice(-3).join(' ').trim()}`,
    );
  }
  const min = join(workDir, 'min.mp4');
  const poster = join(workDir, 'poster.jpg');
  const small = minPreviewSize(probe.width, probe.height);
  const made = await runFfmpeg(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      raw,
      '-filter_complex',
      `[0:v]split=2[a][b];[a]scale=${small.width}:${small.height}:flags=bilinear,format=yuv420p[small]`,
      '-map',
      '[small]',
      '-an',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '28',
      '-movflags',
      '+faststart',
      min,
      '-map',
      '[b]',
      '-frames:v',
      '1',
      '-q:v',
      '3',
      poster,
    ],
    signal,
  );
  if (made.code !== 0)
    throw new AppError(
      'render_failed',
      `making the preview of the cloud's result failed: ${made.stderr.trim().slice(-300)}`,
    );
  return {
    min,
    poster,
    resolved: {
      width: probe.width,
      height: probe.height,
      fps: probe.fps,
      frames: Math.round(probe.duration * probe.fps),
      duration: Math.round(probe.duration * 1000) / 1000,
    },
  };
}
