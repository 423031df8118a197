/** Locating the bundled ffmpeg binary. */

let cached: string | undefined;

/** The ffmpeg from @ffmpeg-installer/ffmpeg (a static build with libx264 and libwebp). */
export async function defaultFfmpegPath(): Promise<string> {
  if (cached) return cached;
  const mod = (await import('@ffmpeg-installer/ffmpeg')) as { default: { path: string } };
  cached = mod.default.path;
  return cached;
}
