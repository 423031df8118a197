/**
 * sharp, loaded through `require`. Its package also ships an ES module build, which imports
 * semver and detect-libc (CommonJS): Node 20's ESM loader reads sharp's 15 modules one by
 * one and lexes every CommonJS file it reaches for its export names, 80–113 ms of CPU
 * against 41–44 through `require` (measured alone, 5 alternating runs), on the main thread
 * of every CLI render and service start. Every module of src/ takes sharp from here, so
 * the ES module build is never loaded beside this one (tf-runtime.ts does the same for tfjs).
 */
import { createRequire } from 'node:module';
import type Sharp from 'sharp';

const sharp = createRequire(import.meta.url)('sharp') as typeof Sharp;
export default sharp;
