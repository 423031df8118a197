/**
 * The engine's memory budget (issue 3): a 24 MP photo rendered at 1080p (standard) must stay
 * under 600 MB peak RSS. Measured in a child process (its own VmHWM, worker threads
 * included, ffmpeg not), by the same script the render benchmark uses.
 *
 * The test holds the render to 520 MB so that a regression fails here before it reaches the
 * budget: after the frame workers began handling one request per event-loop turn (their
 * read-back buffers are freed between frames) this measured 413–458 MB; before, the buffers
 * of queued frames piled up and the same render peaked at 522–645 MB.
 *
 * The vision models (issue 13, src/vision/) add their thread to the process: importing tfjs
 * and starting its wasm backend is ~90 MB, a look at a picture another ~140 MB (a 72 MB wasm
 * heap: NanoDet's weights as float32 and its activations), and the thread keeps them for
 * the next task. With it this render measured 670 MB: OVER issue 3's 600 MB budget. The
 * limit is raised to 720 MB so a further regression still fails here; bringing the total
 * back under 600 MB (a tfjs-core-only import, a smaller detector) is open work.
 * Resizing the models' inputs in JS instead of uploading the picture to the wasm heap
 * (src/vision/picture.ts) brought it to 632–653 MB, dropping the loaded models' encoded
 * weights to 618–644 MB, and importing tfjs-core + tfjs-converter instead of the whole
 * @tensorflow/tfjs bundle (layers and data never used) to 564–599 MB over 8 runs of
 * bench/rss-child.ts, and 604 MB once under this test: at the budget's edge, not safely
 * under it. A 600 MB limit would fail on noise, so the limit is 640 MB (it still fails the
 * 647–685 MB this render took before those changes); the old 520 MB margin is not back.
 *
 * The local engine now ends the vision thread once a task's looks are in (releaseVision;
 * models load again after the render when the engine is warm): this render measured
 * 395–417 MB over 5 runs of bench/rss-child.ts (518–545 MB alternating with them, keeping
 * the thread). The limit is back at 520 MB: keeping the thread through the render fails it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makePhoto } from '../../bench/bench-inputs.js';

const LIMIT_MB = 520;

describe('render memory', () => {
  let dir = '';
  let photo = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sm-memory-'));
    photo = join(dir, 'photo-24mp.jpg');
    await writeFile(photo, await makePhoto(6000, 4000));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it(`renders a 24 MP photo at 1080p (standard, 2 s) under ${LIMIT_MB} MB peak RSS`, () => {
    const child = new URL('../../bench/rss-child.ts', import.meta.url).pathname;
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, photo, '2', 'standard'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { maxRssMB } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { maxRssMB: number };
    assert.ok(maxRssMB > 50, `implausible peak RSS ${maxRssMB} MB`);
    assert.ok(maxRssMB < LIMIT_MB, `peak RSS ${maxRssMB.toFixed(0)} MB (limit ${LIMIT_MB} MB)`);
  });
});
