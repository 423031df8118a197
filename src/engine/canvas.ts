/**
 * @napi-rs/canvas, loaded through `require`: it is a CommonJS package, and Node 20's ESM
 * loader lexes its files for their export names on the way, 29–36 ms of CPU against
 * 12–13 through `require` (measured alone, 4 alternating runs), in every thread that draws
 * (the two drawing threads of a render) and on the main thread, which loads the looks' plan.
 * Every module of src/ that draws takes its functions from here (see also src/sharp.ts).
 *
 * Loaded on the first call, not on import: the main thread imports the painter and the
 * looks with the engine but, with drawing threads, never draws, and the CLI's main thread
 * would pay those 12 ms before its first frame for nothing.
 */
import { createRequire } from 'node:module';
import type * as Canvas from '@napi-rs/canvas';

let canvas: typeof Canvas | undefined;
const load = (): typeof Canvas => {
  canvas ??= createRequire(import.meta.url)('@napi-rs/canvas') as typeof Canvas;
  return canvas;
};

export const createCanvas = ((width: number, height: number, ...rest: unknown[]) =>
  (load().createCanvas as (...a: unknown[]) => Canvas.Canvas)(width, height, ...rest)) as typeof Canvas.createCanvas;

/**
 * `new ImageData(…)` builds the package's own ImageData (a constructor that returns an
 * object yields that object), so what Skia is handed is the real thing.
 */
export const ImageData = function ImageData(...args: unknown[]) {
  return new (load().ImageData as new (...a: unknown[]) => Canvas.ImageData)(...args);
} as unknown as typeof Canvas.ImageData;
