/**
 * ffmpeg command lines, built as pure functions so they can be tested without running
 * anything.
 */
import type { ModelTier } from '../../core/task.js';

/** x264 preset per tier: standard spends more encoder time for quality. */
export const X264_PRESET: Readonly<Record<ModelTier, string>> = {
  lite: 'superfast',
  turbo: 'veryfast',
  standard: 'fast',
};
const CRF: Readonly<Record<ModelTier, number>> = { lite: 24, turbo: 21, standard: 19 };

export interface EncodeArgsOptions {
  width: number;
  height: number;
  fps: number;
  tier: ModelTier;
  /**
   * Raw frames arrive on stdin in this pixel format: RGBA, or yuv420p already converted
   * (BT.601, limited range, as ffmpeg's own conversion of RGBA: render/frame-painter.ts).
   */
  inputPixelFormat: 'rgba' | 'yuv420p';
  rawPath: string;
  /** Optional small preview output (≤ 480p). */
  min?: { path: string; width: number; height: number };
  /** x264 threads per output (0 lets x264 choose). */
  threads: number;
  /** A seamless loop of this many frames: its ends are coded alike (see `loopX264Params`). */
  loop?: { frames: number };
}

/** How much finer than the CRF a loop's last frame is quantised: the intra frame's (6·log2 3). */
const LOOP_END_QP_DROP = 10;

/**
 * x264 settings for a loop of `frames` frames at `fps` encoded at `crf`. A player shows the
 * last frame and then the first, but x264 codes the first as an intra frame and the last
 * through a chain of predictions from it, so their coding errors are independent while
 * neighbouring frames share theirs (skipped blocks copy the error along); on a detailed photo
 * with a gentle shake that alone made the seam the clip's largest step (fruits.jpg 512×480,
 * Handheld, lite, 5 s: 2.17 against neighbouring pairs of at most 1.87; the path's own seam,
 * encoded losslessly, 1.15). The quality does not drift (each frame's error stays 1.3–1.7
 * grey levels), so both ends are coded finer instead, leaving less error to differ: the
 * intra frame at about CRF − 9.5 (`ipratio=3`) and the last half second ramped down one
 * quantiser step at a time to the same (a single step would be a visible jump of its own).
 * Same clip: seam 1.73 against 1.85, the file 18 % larger. The macroblock tree (on in the
 * turbo and standard presets) is turned off: it sets the intra frame's quantiser itself,
 * ignoring `ipratio` (turbo: seam 1.97 against 1.81 with it, 1.54 against 1.96 without; the
 * file 2.4× the plain encode's, mostly the tree's own saving).
 */
export function loopX264Params(frames: number, fps: number, crf: number): string {
  const ramp = Math.min(frames - 1, Math.max(2, Math.round(fps / 2)));
  const zones = Array.from({ length: ramp }, (_, i) => {
    const frame = frames - ramp + i;
    return `${frame},${frame},q=${Math.max(0, crf - Math.round((LOOP_END_QP_DROP * (i + 1)) / ramp))}`;
  });
  return `mbtree=0:ipratio=3${zones.length ? `:zones=${zones.join('/')}` : ''}`;
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
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    o.inputPixelFormat,
    '-s',
    `${o.width}x${o.height}`,
    '-r',
    String(o.fps),
    '-i',
    'pipe:0',
  ];
  const common = ['-an', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-threads', String(o.threads)];
  const loop = (crf: number): string[] =>
    o.loop && o.loop.frames > 1 ? ['-x264-params', loopX264Params(o.loop.frames, o.fps, crf)] : [];
  const raw = [
    '-c:v',
    'libx264',
    '-preset',
    X264_PRESET[o.tier],
    '-crf',
    String(CRF[o.tier]),
    ...loop(CRF[o.tier]),
    ...common,
    o.rawPath,
  ];
  if (!o.min) return [...args, '-map', '0:v', ...raw];
  args.push(
    '-filter_complex',
    `[0:v]format=yuv420p,split=2[raw][min];[min]scale=${o.min.width}:${o.min.height}:flags=bilinear[small]`,
  );
  args.push('-map', '[raw]', ...raw);
  args.push(
    '-map',
    '[small]',
    '-c:v',
    'libx264',
    '-preset',
    'superfast',
    '-crf',
    '28',
    ...loop(28),
    '-maxrate',
    '700k',
    '-bufsize',
    '1400k',
    ...common,
    o.min.path,
  );
  return args;
}

/** Raw frames from stdin → an animated WebP (catalogue previews). */
export function buildWebpArgs(o: {
  width: number;
  height: number;
  fps: number;
  outPath: string;
  quality?: number;
}): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-s',
    `${o.width}x${o.height}`,
    '-r',
    String(o.fps),
    '-i',
    'pipe:0',
    '-an',
    '-c:v',
    'libwebp_anim',
    '-lossless',
    '0',
    '-quality',
    String(o.quality ?? 60),
    '-loop',
    '0',
    o.outPath,
  ];
}
