/** Child process of the render benchmark: one render of a JPEG file, then its peak RSS as JSON. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalEngine } from '../src/engine/index.js';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';

const [photoPath, duration, model] = [process.argv[2]!, Number(process.argv[3]), process.argv[4] as 'standard'];
const image = await readFile(photoPath);
const workDir = await mkdtemp(join(tmpdir(), 'sm-rss-'));
const t = performance.now();
const engine = createLocalEngine({});
await engine.render(
  {
    taskId: 'b',
    model,
    motions: [{ name: 'Zoom In', strength: 1 }],
    prompt: '',
    enhancePrompt: false,
    seed: 1,
    duration,
    images: [image],
  },
  { workDir, signal: new AbortController().signal, onProgress: () => {} },
);
const seconds = (performance.now() - t) / 1000;
await engine.close();
await rm(workDir, { recursive: true, force: true });
// Peak RSS of this process, worker threads included (not ffmpeg), from VmHWM: getrusage's
// maxRSS survives execve, so a child spawned by a big benchmark process would report the
// parent's resident size at fork time instead of its own.
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(JSON.stringify({ maxRssMB: Number(hwm?.[1]) / 1024, seconds }));
