/** Real renders through the engine's public API, decoded back and checked. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { isAppError } from '../../src/core/errors.js';
import type { RenderJob } from '../../src/core/ports.js';
import { createLocalEngine, makeSampleImage, renderMotionPreview } from '../../src/engine/index.js';
import { decodeGrey, makeTexture, meanAbsDiff } from './helpers.js';

let root: string;
let texture: Buffer;
let n = 0;
const newDir = async (): Promise<string> => {
  const dir = join(root, String(n++));
  await mkdir(dir);
  return dir;
};
const job = (over: Partial<RenderJob> = {}): RenderJob => ({
  taskId: 't',
  model: 'turbo',
  motions: [{ name: 'Dolly In', strength: 1 }],
  prompt: '',
  enhancePrompt: false,
  seed: 1,
  width: 160,
  height: 90,
  duration: 2,
  fps: 12,
  images: [texture],
  ...over,
});
const ctx = async (signal = new AbortController().signal, onProgress: (p: number) => void = () => {}) => ({
  workDir: await newDir(),
  signal,
  onProgress,
});

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sm-engine-'));
  texture = await makeTexture(5);
});
after(() => rm(root, { recursive: true, force: true }));

describe('local engine renders', () => {
  const engine = createLocalEngine({ renderThreads: 2 });

  it('writes raw, min and poster at the resolved size and frame count, reporting progress', async () => {
    const progress: number[] = [];
    const out = await engine.render(
      job({ width: 161, height: 91, fps: 15 }),
      await ctx(undefined, (p) => progress.push(p)),
    );
    const { cameraPath, focus, scene, ...size } = out.resolved;
    assert.deepEqual(size, { width: 162, height: 92, fps: 15, frames: 30, duration: 2 });
    assert.ok(
      cameraPath && cameraPath.keyframes.length >= 2 && focus,
      'the resolved camera path and focus are recorded',
    );
    // What the vision models understood is recorded with every render (test/engine/vision.test.ts checks its content).
    assert.ok(
      scene && ['person', 'object', 'none'].includes(scene.subject) && scene.method === 'vision',
      JSON.stringify(scene),
    );
    // A depth move records the layers it drew (a texture: no subject, ground and far background).
    assert.deepEqual(scene?.layers, ['far background', 'ground']);
    const raw = await decodeGrey(out.raw);
    assert.equal(raw.frames.length, 30);
    assert.deepEqual([raw.width, raw.height], [162, 92]);
    const min = await decodeGrey(out.min);
    assert.equal(min.frames.length, 30);
    const meta = await sharp(out.poster).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 162, 92]);
    assert.equal(progress.at(-1), 1);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]!));
  });

  it('renders the same frames for the same seed and different shake for another', async () => {
    const a = await decodeGrey(
      (await engine.render(job({ motions: [{ name: 'Handheld', strength: 1 }], seed: 42 }), await ctx())).raw,
    );
    const b = await decodeGrey(
      (await engine.render(job({ motions: [{ name: 'Handheld', strength: 1 }], seed: 42 }), await ctx())).raw,
    );
    const c = await decodeGrey(
      (await engine.render(job({ motions: [{ name: 'Handheld', strength: 1 }], seed: 43 }), await ctx())).raw,
    );
    assert.ok(a.frames.every((f, i) => Buffer.compare(Buffer.from(f), Buffer.from(b.frames[i]!)) === 0));
    assert.ok(meanAbsDiff(a.frames[20]!, c.frames[20]!) > 0.5);
  });

  it('draws the same frames in workers as in-process', async () => {
    const inline = createLocalEngine({ renderThreads: 0 });
    const a = await decodeGrey(
      (await engine.render(job({ motions: [{ name: 'Dutch Angle', strength: 1 }] }), await ctx())).raw,
    );
    const b = await decodeGrey(
      (await inline.render(job({ motions: [{ name: 'Dutch Angle', strength: 1 }] }), await ctx())).raw,
    );
    assert.ok(a.frames.every((f, i) => meanAbsDiff(f, b.frames[i]!) === 0));
  });

  it('starts exactly on image[0] and ends exactly on image[1], moving between them', async () => {
    const end = await makeTexture(99, 640, 360, [0.6, 0.9, 1]);
    const toGrey = async (img: Buffer) => new Uint8Array(await sharp(img).resize(160, 90).greyscale().raw().toBuffer());
    const v = await decodeGrey(
      (await engine.render(job({ images: [texture, end], motions: [{ name: 'Zoom In', strength: 1 }] }), await ctx()))
        .raw,
    );
    const [g0, g1] = [await toGrey(texture), await toGrey(end)];
    const lastFrame = v.frames.at(-1)!;
    // Within the hand-over (an iris opening on image[1] as the zoom pushes through image[0],
    // 0.3–0.7 of the clip; by 0.55 image[1] fills most of the frame).
    const mid = v.frames[10]!;
    assert.ok(
      meanAbsDiff(v.frames[0]!, g0) < 4,
      `first frame ≈ image[0] (${meanAbsDiff(v.frames[0]!, g0).toFixed(2)})`,
    );
    assert.ok(meanAbsDiff(lastFrame, g1) < 4, `last frame ≈ image[1] (${meanAbsDiff(lastFrame, g1).toFixed(2)})`);
    assert.ok(meanAbsDiff(mid, g0) > 8 && meanAbsDiff(mid, g1) > 8, 'the middle is neither picture');
  });

  it('records the prompt reading only with enhance_prompt', async () => {
    const on = await engine.render(job({ prompt: 'slowly, to the left', enhancePrompt: true }), await ctx());
    assert.deepEqual(on.resolved.modifiers, { speed: 0.65, intensity: 1, direction: 'left' });
    assert.match(on.resolved.enhancedPrompt ?? '', /Dolly In/);
    const off = await engine.render(job({ prompt: 'slowly, to the left' }), await ctx());
    assert.equal(off.resolved.modifiers, undefined);
  });

  it('cancels: rejects with canceled, leaves no ffmpeg child and no files', async () => {
    const controller = new AbortController();
    const c = await ctx(controller.signal, () => controller.abort());
    const pending = engine.render(
      job({ width: 1280, height: 720, duration: 10, fps: 30, images: [await makeSampleImage()] }),
      c,
    );
    await assert.rejects(pending, (err: unknown) => isAppError(err) && err.code === 'canceled');
    const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]).toString();
    assert.doesNotMatch(children, /ffmpeg/);
    assert.deepEqual(await readdir(c.workDir), []);
  });

  it('refuses effects with motion_not_renderable naming the motion and the engine', async () => {
    const r = engine.canRender('Set on Fire');
    assert.equal(r.renderable, false);
    assert.deepEqual(!r.renderable && r.engines, ['higgsfield']);
    await assert.rejects(
      engine.render(job({ motions: [{ name: 'Set on Fire', strength: 1 }] }), await ctx()),
      (err: unknown) => {
        assert.ok(isAppError(err));
        assert.equal(err.code, 'motion_not_renderable');
        assert.equal(err.field, 'motion_id');
        assert.match(err.message, /Set on Fire.*higgsfield/);
        return true;
      },
    );
    assert.deepEqual(engine.canRender('Dolly In'), { renderable: true });
  });

  it('rejects undecodable and oversized images with the image codes', async () => {
    await assert.rejects(
      engine.render(job({ images: [Buffer.from('not an image')] }), await ctx()),
      (e: unknown) => isAppError(e) && e.code === 'image_invalid' && e.field === 'image[0]',
    );
    const small = createLocalEngine({ maxImagePixels: 1000 });
    await assert.rejects(
      small.render(job(), await ctx()),
      (e: unknown) => isAppError(e) && e.code === 'image_too_large',
    );
  });

  it('refuses a picture too small to move a camera over, naming it', async () => {
    const dot = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await assert.rejects(
      engine.render(job({ images: [texture, dot] }), await ctx()),
      (e: unknown) =>
        isAppError(e) &&
        e.code === 'image_invalid' &&
        e.field === 'image[1]' &&
        /1×1; each side must be at least 16 pixels/.test(e.message),
    );
  });

  it("shows a PNG's transparent areas on white, its opaque ones as they are", async () => {
    // 160×90, transparent (stored as black) but for an opaque dark-grey middle third.
    const pixels = Buffer.alloc(160 * 90 * 4);
    for (let y = 0; y < 90; y++) {
      for (let x = 54; x < 106; x++) pixels.set([64, 64, 64, 255], (y * 160 + x) * 4);
    }
    const png = await sharp(pixels, { raw: { width: 160, height: 90, channels: 4 } })
      .png()
      .toBuffer();
    const out = await engine.render(
      job({ motions: [{ name: 'Static', strength: 1 }], images: [png], imageTypes: ['image/png'] }),
      await ctx(),
    );
    const [first] = (await decodeGrey(out.raw)).frames;
    const at = (x: number, y: number) => first![y * 160 + x]!;
    for (const [x, y] of [
      [8, 45],
      [150, 45],
      [20, 10],
      [140, 80],
    ] as const)
      assert.ok(at(x, y) > 235, `transparent (${x},${y}) is ${at(x, y)}, not white`);
    assert.ok(Math.abs(at(80, 45) - 64) < 16, `opaque middle is ${at(80, 45)}, not its own grey`);
  });

  it('renders a small animated WebP preview of a motion', async () => {
    const outPath = join(await newDir(), 'p.webp');
    await renderMotionPreview({ motionName: 'Zoom In', outPath });
    const meta = await sharp(outPath, { animated: true }).metadata();
    assert.deepEqual([meta.format, meta.width, meta.pages], ['webp', 320, 24]);
    assert.ok((await stat(outPath)).size < 400_000);
  });
});
