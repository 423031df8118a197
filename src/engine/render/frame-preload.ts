/**
 * A frame worker's painter built ahead of its render's 'init' (frame-worker.ts): for a flat
 * move the pictures the frames are drawn from are known once decoded, while the vision
 * thread is still looking at the picture, so the ~40–50 ms of copying them into Skia's
 * canvases (a 1856×1392 level for the Zoom In of bench:cli) leaves the path to the first
 * frame. The sources are marked with the preload's key; an 'init' whose sources all carry
 * it (the same objects, sent again by the frame source) takes that painter instead of
 * building another. Kept apart from frame-worker.ts, which sets V8 flags when imported.
 */
import type { PainterSource } from './frame-painter.js';

/** What a 'preload' message carries. */
export interface FramePreload {
  key: string;
  sources: PainterSource[];
  width: number;
  height: number;
}

/** The property of a PainterSource that names the preload it was sent with. */
const PRELOAD_KEY = 'preloadedAs';

let nextKey = 1;

/** Marks `sources` as sent in a new preload and returns the preload to send. */
export function preloadOf(sources: PainterSource[], width: number, height: number): FramePreload {
  const key = `${process.pid}:${nextKey++}`;
  for (const s of sources) Object.assign(s, { [PRELOAD_KEY]: key });
  return { key, sources, width, height };
}

/** The preload every one of `sources` was sent with, if they were sent in one. */
export function preloadedAs(sources: PainterSource[]): string | undefined {
  const keys = new Set(sources.map((s) => (s as { [PRELOAD_KEY]?: string })[PRELOAD_KEY]));
  const [key] = keys;
  return keys.size === 1 ? key : undefined;
}
