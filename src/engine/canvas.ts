/**
 * @napi-rs/canvas, loaded through `require`: it is a CommonJS package, and Node 20's ESM
 * loader lexes its files for their export names on the way, 29–36 ms of CPU against
 * 12–13 through `require` (measured alone, 4 alternating runs), in every thread that draws
 * (the two drawing threads of a render) and on the main thread, which loads the looks' plan.
 * Every module of src/ that draws takes its functions from here (see also src/sharp.ts).
 */
import { createRequire } from 'node:module';
import type * as Canvas from '@napi-rs/canvas';

const canvas = createRequire(import.meta.url)('@napi-rs/canvas') as typeof Canvas;
export const { createCanvas, ImageData } = canvas;
