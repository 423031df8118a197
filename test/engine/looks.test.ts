/**
 * Effect looks, rendered small through the engine and decoded back: each must show what a
 * viewer would notice (measured against the same camera move rendered without the look,
 * which is the named camera motion with the same seed), be seeded, and be accepted.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createLocalEngine } from '../../src/engine/index.js';
import { lookCameraOf } from '../../src/engine/motion/motion-definitions.js';
import { decodeFrames, makeTexture, meanAbsDiff, type GreyVideo } from './helpers.js';

const W = 320;
const H = 180;
const LOOKS = ['VHS', 'Super 8MM', 'Lens Flare', 'Dirty Lens', 'Paparazzi', 'Datamosh', 'Lens Crack'];

/** Luma of an RGB frame. */
const luma = (v: GreyVideo, i: number): Float32Array => {
  const f = v.frames[i]!;
  const out = new Float32Array(v.width * v.height);
  for (let p = 0; p < out.length; p++) out[p] = 0.299 * f[p * 3]! + 0.587 * f[p * 3 + 1]! + 0.114 * f[p * 3 + 2]!;
  return out;
};
const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};
const regionMean = (v: GreyVideo, i: number, x0: number, y0: number, x1: number, y1: number): number => {
  const l = luma(v, i);
  let s = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += l[y * v.width + x]!;
  return s / ((x1 - x0) * (y1 - y0));
};
const corr = (a: Float32Array, b: Float32Array): number => {
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

/** The map minus its 17 × 17 box mean. */
const highPass = (a: Float32Array): Float32Array => {
  const r = 8;
  const out = new Float32Array(a.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      let n = 0;
      for (let j = Math.max(0, y - r); j <= Math.min(H - 1, y + r); j += 2)
        for (let i = Math.max(0, x - r); i <= Math.min(W - 1, x + r); i += 2) (s += a[j * W + i]!), n++;
      out[y * W + x] = a[y * W + x]! - s / n;
    }
  }
  return out;
};

describe('effect looks (rendered and measured)', () => {
  const engine = createLocalEngine({ renderThreads: 0 });
  let image: Buffer;
  let root: string;
  let n = 0;
  const render = async (
    name: string,
    options: { seed?: number; fps?: number; duration?: number } = {},
  ): Promise<GreyVideo> => {
    const workDir = join(root, String(n++));
    await mkdir(workDir);
    const out = await engine.render(
      {
        taskId: 't',
        model: 'turbo',
        motions: [{ name, strength: 1 }],
        prompt: '',
        enhancePrompt: false,
        seed: options.seed ?? 3,
        width: W,
        height: H,
        duration: options.duration ?? 2,
        fps: options.fps ?? 12,
        images: [image],
      },
      { workDir, signal: new AbortController().signal, onProgress: () => {} },
    );
    return decodeFrames(out.raw, 'rgb24');
  };
  /** The same camera move without the look. */
  const plain = (name: string, options: { seed?: number; fps?: number; duration?: number } = {}) =>
    render(lookCameraOf(name)!, options);

  let texture: Buffer;
  before(async () => {
    texture = await makeTexture(21, 640, 360);
    image = texture;
    root = await mkdtemp(join(tmpdir(), 'sm-looks-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('accepts the looks and keeps refusing generative effects, naming the higgsfield engine', () => {
    for (const name of LOOKS) assert.deepEqual(engine.canRender(name), { renderable: true }, name);
    const r = engine.canRender('Building Explosion');
    assert.equal(r.renderable, false);
    assert.deepEqual(!r.renderable && r.engines, ['higgsfield']);
  });

  it('VHS: red displaced right of blue, scanlines every other row', async () => {
    // Sharp vertical bars: strong edges for the colour misregistration to show on.
    const bars = Buffer.alloc(640 * 360 * 3);
    for (let p = 0; p < 640 * 360; p++) bars.fill(Math.floor((p % 640) / 24) % 2 ? 220 : 40, p * 3, p * 3 + 3);
    image = await sharp(bars, { raw: { width: 640, height: 360, channels: 3 } })
      .png()
      .toBuffer();
    /**
     * How far red sits right of blue, px: each channel's difference from green against
     * green's horizontal gradient (to first order, a channel shifted right by d differs from
     * green by -d·∂G/∂x), least squares over the frame.
     */
    const redShift = (v: GreyVideo, i: number): number => {
      const f = v.frames[i]!;
      let rg = 0;
      let bg = 0;
      let gg = 0;
      for (let y = 10; y < v.height - 10; y++) {
        for (let x = 10; x < v.width - 10; x++) {
          const p = (y * v.width + x) * 3;
          const grad = (f[p + 4]! - f[p - 2]!) / 2;
          rg += (f[p]! - f[p + 1]!) * grad;
          bg += (f[p + 2]! - f[p + 1]!) * grad;
          gg += grad * grad;
        }
      }
      return (-rg + bg) / gg;
    };
    const rowContrast = (v: GreyVideo, i: number): number => {
      const l = luma(v, i);
      let even = 0;
      let odd = 0;
      for (let y = 0; y < v.height - 6; y++)
        for (let x = 0; x < v.width; x++) y % 2 ? (odd += l[y * v.width + x]!) : (even += l[y * v.width + x]!);
      return Math.abs(even - odd) / (even + odd);
    };
    const vhs = await render('VHS');
    const cam = await plain('VHS');
    assert.ok(redShift(vhs, 6) > 0.6, `red vs blue shift ${redShift(vhs, 6).toFixed(2)} px`);
    assert.ok(Math.abs(redShift(cam, 6)) < 0.2, `plain red vs blue shift ${redShift(cam, 6).toFixed(2)} px`);
    assert.ok(rowContrast(vhs, 6) > 0.04, `even/odd row contrast ${rowContrast(vhs, 6).toFixed(3)}`);
    assert.ok(rowContrast(cam, 6) < 0.01, `plain even/odd row contrast ${rowContrast(cam, 6).toFixed(3)}`);
    image = texture;
  });

  it('Super 8: corners darker than the centre, brightness flickers frame to frame', async () => {
    const film = await render('Super 8MM');
    const cam = await plain('Super 8MM');
    const falloff = (v: GreyVideo, i: number): number => {
      const c = 24;
      const corners = [
        [0, 0],
        [W - c, 0],
        [0, H - c],
        [W - c, H - c],
      ].map(([x, y]) => regionMean(v, i, x!, y!, x! + c, y! + c));
      return mean(corners) / regionMean(v, i, W / 2 - 2 * c, H / 2 - c, W / 2 + 2 * c, H / 2 + c);
    };
    const flicker = (v: GreyVideo): number => {
      const means = v.frames.map((_, i) => mean(luma(v, i)));
      return mean(means.slice(1).map((m, i) => Math.abs(m - means[i]!)));
    };
    assert.ok(
      falloff(film, 8) < falloff(cam, 8) - 0.12,
      `corner/centre ${falloff(film, 8).toFixed(2)} vs plain ${falloff(cam, 8).toFixed(2)}`,
    );
    assert.ok(
      flicker(film) > 2 * flicker(cam) + 1,
      `frame-to-frame brightness change ${flicker(film).toFixed(2)} vs plain ${flicker(cam).toFixed(2)}`,
    );
  });

  it('Paparazzi: flash frames jump well above their neighbours and decay after', async () => {
    const v = await render('Paparazzi', { fps: 24 });
    const means = v.frames.map((_, i) => mean(luma(v, i)));
    const quiet = [...means].sort((a, b) => a - b)[Math.floor(means.length / 4)]!;
    const pops = means.map((m, i) => i).filter((i) => i > 0 && means[i]! > means[i - 1]! + 20);
    assert.ok(pops.length >= 2 && pops.length <= means.length / 3, `flash frames at ${pops.join(', ')}`);
    for (const i of pops.filter((k) => k + 1 < means.length && !pops.includes(k + 1))) {
      assert.ok(
        means[i + 1]! < means[i]!,
        `frame ${i + 1} (${means[i + 1]!.toFixed(0)}) decays from the flash (${means[i]!.toFixed(0)})`,
      );
    }
    assert.ok(
      Math.max(...means) > quiet + 40,
      `brightest ${Math.max(...means).toFixed(0)} vs quiet ${quiet.toFixed(0)}`,
    );
  });

  it('Lens Flare: adds light (never darkens), brightest near its source, which moves with the camera', async () => {
    const flare = await render('Lens Flare');
    const cam = await plain('Lens Flare');
    const peak = (i: number): { x: number; y: number; added: number; darker: number } => {
      const a = luma(flare, i);
      const b = luma(cam, i);
      let best = { x: 0, y: 0, added: -Infinity, darker: 0 };
      let darker = 0;
      for (let p = 0; p < a.length; p++) darker += Math.max(0, b[p]! - a[p]! - 3);
      for (let y = 8; y < H - 8; y += 4) {
        for (let x = 8; x < W - 8; x += 4) {
          let s = 0;
          for (let j = -4; j < 4; j++)
            for (let i2 = -4; i2 < 4; i2++) s += a[(y + j) * W + x + i2]! - b[(y + j) * W + x + i2]!;
          if (s / 64 > best.added) best = { x, y, added: s / 64, darker: 0 };
        }
      }
      return { ...best, darker: darker / a.length };
    };
    const first = peak(0);
    const last = peak(flare.frames.length - 1);
    assert.ok(first.added > 60, `added light at the source ${first.added.toFixed(0)}`);
    assert.ok(first.darker < 0.5 && last.darker < 0.5, 'a flare only adds light');
    assert.ok(
      Math.hypot(first.x - last.x, first.y - last.y) >= 4,
      `source moved from ${first.x},${first.y} to ${last.x},${last.y}`,
    );
  });

  it('Dirty Lens: spots stay put in the frame while the picture moves behind them', async () => {
    // A bright, smooth picture (a flat field light up every spot alike), with detail to move.
    image = await makeTexture(22, 640, 360, [0.35, 0.35, 0.35]).then((t) => sharp(t).linear(1, 165).png().toBuffer());
    const dirty = await render('Dirty Lens');
    const cam = await plain('Dirty Lens');
    image = texture;
    const last = cam.frames.length - 1;
    const added = (i: number): Float32Array => {
      const under = luma(cam, i);
      return luma(dirty, i).map((v, p) => v - under[p]!);
    };
    const a0 = added(0);
    const a1 = added(last);
    assert.ok(
      meanAbsDiff(
        luma(cam, 0).map(Math.round) as unknown as Uint8Array,
        luma(cam, last).map(Math.round) as unknown as Uint8Array,
      ) > 3,
      'the picture moves',
    );
    assert.ok(mean(a0) > 1.5, `dirt adds light ${mean(a0).toFixed(2)}`);
    // The dirt is where it was (though the light through it changes with the picture); the
    // picture itself is not.
    // High-passed: the light through the dirt varies smoothly, the spots do not.
    const fixed = corr(a0, a1);
    const picture = corr(highPass(luma(cam, 0)), highPass(luma(cam, last)));
    assert.ok(
      fixed > 0.35 && fixed > picture + 0.2,
      `added light correlation first/last ${fixed.toFixed(2)}, picture's ${picture.toFixed(2)}`,
    );
  });

  it('Datamosh: blocks show an earlier moment of the move rather than the present one', async () => {
    const mosh = await render('Datamosh', { duration: 3 });
    const cam = await plain('Datamosh', { duration: 3 });
    const block = 8;
    let stale = 0;
    let glitched = 0;
    for (let i = 4; i < mosh.frames.length; i++) {
      const m = luma(mosh, i);
      const now = luma(cam, i);
      const earlier = Array.from({ length: i }, (_, k) => luma(cam, k));
      for (let y = 0; y + block <= H; y += block) {
        for (let x = 0; x + block <= W; x += block) {
          const err = (ref: Float32Array): number => {
            let s = 0;
            for (let j = 0; j < block; j++)
              for (let k = 0; k < block; k++) s += Math.abs(m[(y + j) * W + x + k]! - ref[(y + j) * W + x + k]!);
            return s / (block * block);
          };
          const errNow = err(now);
          if (errNow < 8) continue;
          glitched++;
          if (Math.min(...earlier.map(err)) < errNow * 0.5) stale++;
        }
      }
    }
    assert.ok(glitched > 20, `glitched blocks ${glitched}`);
    assert.ok(stale > glitched * 0.3, `${stale} of ${glitched} glitched blocks match an earlier frame better`);
  });

  it('is seeded: the same seed renders the same frames, another seed other glitches', async () => {
    const a = await render('Datamosh', { seed: 5, duration: 3 });
    const b = await render('Datamosh', { seed: 5, duration: 3 });
    const c = await render('Datamosh', { seed: 6, duration: 3 });
    assert.ok(
      a.frames.every((f, i) => meanAbsDiff(f, b.frames[i]!) === 0),
      'same seed, same frames',
    );
    assert.ok(
      a.frames.some((f, i) => meanAbsDiff(f, c.frames[i]!) > 2),
      'another seed, other frames',
    );
  });
});

describe('lens flare source', () => {
  it('is a small sun in the sky, not a large, evenly lit face', async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    const { brightSpot } = await import('../../src/engine/looks/bright-spot.js');
    const w = 640;
    const h = 360;
    const c = createCanvas(w, h);
    const ctx = c.getContext('2d', { alpha: false });
    ctx.fillStyle = 'rgb(150,140,160)'; // sky
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = 'rgb(240,205,175)'; // a face filling the middle
    ctx.beginPath();
    ctx.arc(320, 200, 90, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = 'rgb(255,250,225)'; // a small sun up and to the left
    ctx.beginPath();
    ctx.arc(90, 60, 16, 0, 2 * Math.PI);
    ctx.fill();
    const [x, y] = brightSpot({ levels: [c], scale: 1 }, [1, 0, 0, 1, 0, 0], w, h);
    assert.ok(Math.hypot(x - 90, y - 60) < 30, `flare source at ${x.toFixed(0)},${y.toFixed(0)}`);
  });
});
