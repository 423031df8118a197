/**
 * Cost of the content check per task (issue 17). Run: npm run bench:nsfw [-- --runs N]
 *
 * 1. first: a fresh process's first check of one image: tfjs wasm start, the MobileNetV2
 *    model from the nsfwjs package, then one classification (what the first task of a
 *    process pays when the model was not warmed at start);
 * 2. warm: one more image's check on the loaded model (what every later task pays, per image);
 * 3. baseline, measured in the same run: a lite 2 s "Zoom In" render of the same picture by
 *    the local engine (the work the check sits in front of). Ratios are check / render.
 * Also the process's RSS before and after the model loaded. Times are medians; the load
 * average is printed with them (the machine is shared, so read the ratios, not the ms).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RenderJob } from '../src/core/ports.js';
import { createLocalEngine } from '../src/engine/index.js';
import { NsfwjsClassifier } from '../src/nsfw/nsfw-classifier.js';
import { loadAverage, median, spread } from './bench-kit.js';
import { makePhoto } from './bench-inputs.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1])) : 5;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const image = await makePhoto(1600, 900);
const rssBefore = process.memoryUsage().rss;
const classifier = new NsfwjsClassifier();

let t = performance.now();
await classifier.classify(image);
const first = performance.now() - t;
const rssAfter = process.memoryUsage().rss;

const warm: number[] = [];
for (let i = 0; i < RUNS; i++) {
  t = performance.now();
  await classifier.classify(image);
  warm.push(performance.now() - t);
}

const engine = createLocalEngine({ renderThreads: 2 });
const root = await mkdtemp(join(tmpdir(), 'sm-nsfw-bench-'));
const job: RenderJob = {
  taskId: 'bench',
  model: 'lite',
  motions: [{ name: 'Zoom In', strength: 1 }],
  prompt: '',
  enhancePrompt: false,
  seed: 1,
  duration: 2,
  images: [image],
};
const renders: number[] = [];
try {
  for (let i = 0; i <= RUNS; i++) {
    const workDir = await mkdtemp(join(root, 'r-'));
    t = performance.now();
    await engine.render(job, { workDir, signal: new AbortController().signal, onProgress: () => undefined });
    // The first render starts the engine's worker threads; it is not the steady state.
    if (i > 0) renders.push(performance.now() - t);
  }
} finally {
  await engine.close();
  await rm(root, { recursive: true, force: true });
}

const render = median(renders);
const warmMs = median(warm);
console.log(`load average: ${loadAverage()}   runs: ${RUNS}`);
console.log(
  `check, first in a process (wasm start + model load + 1 image): ${first.toFixed(0)} ms = ${(first / render).toFixed(2)} × a lite 2 s render`,
);
console.log(
  `check, warm (per image):                                     ${warmMs.toFixed(0)} ms (${spread(warm.map((x) => x / 1000))} s) = ${(warmMs / render).toFixed(3)} × a lite 2 s render`,
);
console.log(
  `baseline, lite 2 s Zoom In render of the same 1600×900 picture: ${render.toFixed(0)} ms (${spread(renders.map((x) => x / 1000))} s)`,
);
console.log(`RSS: ${mib(rssBefore)} before the model, ${mib(rssAfter)} after (+${mib(rssAfter - rssBefore)})`);
