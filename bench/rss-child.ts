/** Child process of the render benchmark: one render of a JPEG file, then its peak RSS as JSON. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalEngine } from '../src/engine/index.js';
import { readFile } from 'node:fs/promises';

const [photoPath, duration, model] = [process.argv[2]!, Number(process.argv[3]), process.argv[4] as 'standard'];
const image = await readFile(photoPath);
const workDir = await mkdtemp(join(tmpdir(), 'sm-rss-'));
const t = performance.now();
const engine = createLocalEngine({});
await engine.render(
  { taskId: 'b', model, motions: [{ name: 'Zoom In', strength: 1 }], prompt: '', enhancePrompt: false, seed: 1, duration, images: [image] },
  { workDir, signal: new AbortController().signal, onProgress: () => {} },
);
const seconds = (performance.now() - t) / 1000;
await engine.close();
await rm(workDir, { recursive: true, force: true });
// maxRSS is in KiB and covers the whole process, worker threads included (not ffmpeg).
console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, seconds }));
