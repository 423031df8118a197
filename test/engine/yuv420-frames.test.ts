/**
 * Frames handed to ffmpeg as yuv420p (frame-painter.ts, RolledSampler.yuv420): the planes
 * must be what ffmpeg's own conversion makes of the same RGBA frame (BT.601, limited range,
 * chroma at the centre of each 2×2 block, swscale's bicubic rows), for Skia's frames, the
 * rolled sampler's and a barrel-distorted one: x264 then codes the same frames (the camera
 * tests measure moves on the decoded video, and a few levels' difference moved one by 3 px); and a frame source in yuv420p must still hand over its poster frame
 * as the very RGBA pixels an RGBA source paints.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defaultFfmpegPath } from '../../src/engine/ffmpeg/ffmpeg-path.js';
import { FramePainter, type PainterSource } from '../../src/engine/render/frame-painter.js';
import type { FrameInstructions, FrameLayer } from '../../src/engine/render/frame-plan.js';
import { createFrameSource } from '../../src/engine/render/frame-source.js';
import type { RenderPlan } from '../../src/engine/render/frame-plan.js';
import type { Affine } from '../../src/engine/maths/affine.js';

const W = 320;
const H = 180;

/** A picture with detail at every scale and saturated colour edges (chroma's hardest case). */
function picture(w: number, h: number): PainterSource {
  const pixels = new SharedArrayBuffer(w * h * 4);
  const p = new Uint8Array(pixels);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      p[i] = 128 + 100 * Math.sin(x * 0.31) * Math.cos(y * 0.17);
      p[i + 1] = ((x >> 4) + (y >> 4)) & 1 ? 230 : 20;
      p[i + 2] = (x ^ y) & 255;
      p[i + 3] = 255;
    }
  return { scale: 1, levels: [{ width: w, height: h, pixels }] };
}

const scaled = (k: number, dx: number, dy: number): Affine => [k, 0, 0, k, dx, dy];
const rolled = (k: number, deg: number): Affine => {
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a) * k;
  const s = Math.sin(a) * k;
  return [c, s, -s, c, W / 2 - (c * 200 - s * 120), H / 2 - (s * 200 + c * 120)];
};
const frame = (layers: FrameLayer[], fisheye = 0): FrameInstructions => ({
  index: 1,
  layers,
  blur: 0,
  focus: [W / 2, H / 2],
  fisheye,
});

/** ffmpeg's yuv420p of one RGBA frame. */
async function ffmpegYuv(rgba: Uint8Array): Promise<Uint8Array> {
  const r = spawnSync(
    await defaultFfmpegPath(),
    [
      '-v',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-s',
      `${W}x${H}`,
      '-i',
      '-',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-',
    ],
    { input: rgba, maxBuffer: 1 << 24 },
  );
  assert.equal(r.status, 0, r.stderr?.toString());
  return new Uint8Array(r.stdout);
}

/** PSNR (dB) and largest difference of one plane of two yuv420p frames. */
function plane(a: Uint8Array, b: Uint8Array, from: number, n: number): { psnr: number; max: number } {
  let se = 0;
  let max = 0;
  for (let i = from; i < from + n; i++) {
    const d = a[i]! - b[i]!;
    se += d * d;
    max = Math.max(max, Math.abs(d));
  }
  return { psnr: se === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / se), max };
}

describe('yuv420p frames', () => {
  const sources = [picture(400, 240)];
  const cases: [string, FrameInstructions][] = [
    ['Skia (scaled)', frame([{ source: 0, alpha: 1, samples: [scaled(0.93, -7.3, -11.6)] }])],
    ['the rolled sampler', frame([{ source: 0, alpha: 1, samples: [rolled(1.1, 2.5)] }])],
    ['through the barrel distortion', frame([{ source: 0, alpha: 1, samples: [rolled(1.1, 2.5)] }], 0.2)],
  ];
  for (const [name, f] of cases)
    it(`are ffmpeg's conversion of the RGBA frame: ${name}`, async () => {
      const painter = new FramePainter(sources, W, H);
      const rgba = new Uint8Array(W * H * 4);
      const yuv = new Uint8Array((W * H * 3) / 2);
      // Painted in both formats by one painter, alternately: neither leaves state for the other.
      painter.paint(f, yuv);
      painter.paint(f, rgba);
      painter.paint(f, yuv);
      const ref = await ffmpegYuv(rgba);
      const y = plane(yuv, ref, 0, W * H);
      const u = plane(yuv, ref, W * H, (W * H) / 4);
      const v = plane(yuv, ref, (W * H * 5) / 4, (W * H) / 4);
      // Luma: swscale's fixed point and rounding, exactly. Chroma: its filter, the rounding
      // not quite (a level apart at most; on random colours one sample in eleven).
      assert.ok(y.max === 0, `Y: PSNR ${y.psnr.toFixed(1)} dB, max ${y.max}`);
      for (const [c, p] of [
        ['U', u],
        ['V', v],
      ] as const)
        assert.ok(p.psnr > 55 && p.max <= 1, `${c}: PSNR ${p.psnr.toFixed(1)} dB, max ${p.max}`);
    });

  it('refuses a target of neither size', () => {
    const painter = new FramePainter(sources, W, H);
    assert.throws(() => painter.paint(cases[0]![1], new Uint8Array(W * H * 3)), /does not fit/);
  });

  for (const threads of [0, 1])
    it(`hand over the poster frame as RGBA too (${threads} drawing threads)`, async () => {
      const frames = [cases[0]![1], cases[1]![1], cases[0]![1]].map((f, index) => ({ ...f, index }));
      const plan = { frames: frames.length, fps: 12, frameAt: (i: number) => frames[i]! } as unknown as RenderPlan;
      const painter = new FramePainter(sources, W, H);
      const expect = (i: number, bytes: number): Uint8Array => {
        const out = new Uint8Array(bytes);
        painter.paint(frames[i]!, out);
        return out;
      };
      const source = createFrameSource({
        plan,
        sources,
        width: W,
        height: H,
        threads,
        pixelFormat: 'yuv420p',
        rgbaFrame: 1,
      });
      try {
        for await (const f of source.frames()) {
          assert.deepEqual(f.pixels, expect(f.index, (W * H * 3) / 2));
          if (f.index === 1) assert.deepEqual(f.rgba, expect(1, W * H * 4));
          else assert.equal(f.rgba, undefined);
          f.release();
        }
      } finally {
        await source.close();
      }
    });
});
