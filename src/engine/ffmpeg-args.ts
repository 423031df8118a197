/**
 * ffmpeg command lines, built as pure functions so they can be tested without running
 * anything.
 */
import type { ModelTier } from '../core/task.js';

/** x264 preset per tier: standard spends more encoder time for quality. */
export const X264_PRESET: Readonly<Record<ModelTier, string>> = { lite: 'superfast', turbo: 'veryfast', standard: 'fast' };
const CRF: Readonly<Record<ModelTier, number>> = { lite: 24, turbo: 21, standard: 19 };

export interface EncodeArgsOptions {
  width: number;
  height: number;
  fps: number;
  tier: ModelTier;
  /** Raw frames arrive on stdin in this pixel format. */
  inputPixelFormat: 'rgba';
  rawPath: string;
  /** Optional small preview output (≤ 480p). */
  min?: { path: string; width: number; height: number };
  /** x264 threads per output (0 lets x264 choose). */
  threads: number;
}

/** The size of the ≤ 480p preview: the short side at most 480, both sides even. */
export function minPreviewSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, 480 / Math.min(width, height), 854 / Math.max(width, height));
  const even = (n: number): number => Math.max(2, Math.round((n * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}

/**
 * One ffmpeg run: raw frames from stdin → the raw MP4 and (optionally) the small preview.
 * With a preview, the frames are converted to yuv420p once and split, and the preview is
 * scaled in YUV (cheaper than scaling RGBA and converting twice).
 */
export function buildEncodeArgs(o: EncodeArgsOptions): string[] {
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', o.inputPixelFormat, '-s', `${o.width}x${o.height}`, '-r', String(o.fps),
    '-i', 'pipe:0',
  ];
  const common = ['-an', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-threads', String(o.threads)];
  const raw = ['-c:v', 'libx264', '-preset', X264_PRESET[o.tier], '-crf', String(CRF[o.tier]), ...common, o.rawPath];
  if (!o.min) return [...args, '-map', '0:v', ...raw];
  args.push('-filter_complex', `[0:v]format=yuv420p,split=2[raw][min];[min]scale=${o.min.width}:${o.min.height}:flags=bilinear[small]`);
  args.push('-map', '[raw]', ...raw);
  args.push(
    '-map', '[small]', '-c:v', 'libx264', '-preset', 'superfast', '-crf', '28', '-maxrate', '700k', '-bufsize', '1400k',
    ...common, o.min.path,
  );
  return args;
}

/** Raw frames from stdin → an animated WebP (catalogue previews). */
export function buildWebpArgs(o: { width: number; height: number; fps: number; outPath: string; quality?: number }): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', 'pipe:0',
    '-an', '-c:v', 'libwebp_anim', '-lossless', '0', '-quality', String(o.quality ?? 60), '-loop', '0', o.outPath,
  ];
}
