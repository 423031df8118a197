/** The engine's pure parts: easing, tracks, camera paths, framing, prompt, sizes, ffmpeg args. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';
import { buildCameraPath } from '../../src/engine/motion/camera-path.js';
import { EASINGS, burst } from '../../src/engine/motion/easing.js';
import { buildEncodeArgs, minPreviewSize } from '../../src/engine/ffmpeg/ffmpeg-args.js';
import { buildRenderPlan } from '../../src/engine/render/frame-plan.js';
import { applyAffine, invertAffine } from '../../src/engine/maths/affine.js';
import { sampleTrack, track } from '../../src/engine/motion/keyframes.js';
import { findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS, parsePromptModifiers } from '../../src/engine/motion/prompt-modifiers.js';
import { resolveSize, resolveTiming } from '../../src/engine/framing/render-size.js';
import { estimateSaliency } from '../../src/engine/framing/saliency.js';

describe('easing', () => {
  for (const [name, ease] of Object.entries({ ...EASINGS, burst: burst(0.4, 0.2) })) {
    it(`${name} hits 0 at 0, 1 at 1 and never goes back`, () => {
      assert.equal(ease(0), 0);
      assert.ok(Math.abs(ease(1) - 1) < 1e-12);
      let prev = 0;
      for (let i = 1; i <= 1000; i++) {
        const v = ease(i / 1000);
        assert.ok(v >= prev - 1e-12, `${name} decreases at ${i / 1000}`);
        prev = v;
      }
    });
  }
});

describe('keyframe tracks', () => {
  it('interpolates between keys and holds outside them', () => {
    const t = track({ t: 0.5, value: 10 }, { t: 0, value: 0 }, { t: 1, value: 20 });
    assert.equal(sampleTrack(t, -1), 0);
    assert.equal(sampleTrack(t, 0.25), 5);
    assert.equal(sampleTrack(t, 0.75), 15);
    assert.equal(sampleTrack(t, 2), 20);
  });
});

const pathFor = (name: string, seed = 1, prompt = '') =>
  buildCameraPath({
    motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
    modifiers: prompt ? parsePromptModifiers(prompt) : DEFAULT_MODIFIERS,
    seed,
    span: 4,
  });

describe('camera path', () => {
  it('gives the same pose at the same instant at 24 and 60 fps (time = frame / fps)', () => {
    const path = pathFor('Handheld');
    for (let f = 0; f <= 96; f++) {
      const at24 = path.poseAt(f / 24);
      const at60 = path.poseAt((f * 2.5) / 60);
      assert.deepEqual(at24, at60);
    }
  });
  it('is deterministic per seed, and the seed changes the shake', () => {
    const a = pathFor('Handheld', 5).poseAt(1.3);
    assert.deepEqual(a, pathFor('Handheld', 5).poseAt(1.3));
    assert.notDeepEqual(a, pathFor('Handheld', 6).poseAt(1.3));
  });
  it('scales the move with strength', () => {
    const full = buildCameraPath({
      motions: [{ definition: findMotionDefinition('Zoom In')!, strength: 1 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 1,
      span: 4,
    });
    const half = buildCameraPath({
      motions: [{ definition: findMotionDefinition('Zoom In')!, strength: 0.5 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 1,
      span: 4,
    });
    assert.ok(Math.abs(Math.log(half.poseAt(4).zoom) - Math.log(full.poseAt(4).zoom) / 2) < 1e-9);
  });
  it('composes mixes from their parts', () => {
    const mix = findMotionDefinition('Snorricam + Low Shutter')!;
    assert.equal(
      mix.parts.length,
      findMotionDefinition('Snorricam')!.parts.length + findMotionDefinition('Low Shutter')!.parts.length,
    );
  });
  it('defines every camera motion of the catalogue, and of the effects only those with a 2-D look', () => {
    const looks = new Set(['VHS', 'Super 8MM', 'Lens Flare', 'Dirty Lens', 'Paparazzi', 'Datamosh', 'Lens Crack']);
    for (const m of MotionCatalogue.load().distinctByName()) {
      const def = findMotionDefinition(m.name);
      assert.equal(def !== undefined, m.kind === 'camera' || looks.has(m.name), m.name);
      assert.equal(def?.look !== undefined, looks.has(m.name), m.name);
    }
  });
});

describe('framing', () => {
  it('never shows anything outside the picture, for any motion, aspect or seed', () => {
    // Every defined motion: looks that shift the whole picture (weave, jolt) must cover too.
    const names = MotionCatalogue.load()
      .distinctByName()
      .filter((m) => findMotionDefinition(m.name))
      .map((m) => m.name);
    for (const [iw, ih] of [
      [4000, 3000],
      [1000, 1600],
      [1920, 1080],
    ] as const) {
      for (const name of names) {
        const path = pathFor(name, 9, 'dramatic fast');
        const plan = buildRenderPlan({
          path,
          frames: 49,
          fps: 12,
          maxSamples: 8,
          geometries: [
            { imageWidth: iw, imageHeight: ih, outWidth: 1280, outHeight: 720, focusX: iw * 0.8, focusY: ih * 0.3 },
          ],
        });
        for (let i = 0; i < plan.frames; i++) {
          for (const m of plan.frameAt(i).layers[0]!.samples) {
            const inv = invertAffine(m);
            for (const [x, y] of [
              [0, 0],
              [1280, 0],
              [0, 720],
              [1280, 720],
            ] as const) {
              const [px, py] = applyAffine(inv, x, y);
              assert.ok(
                px >= -0.5 && py >= -0.5 && px <= iw + 0.5 && py <= ih + 0.5,
                `${name} ${iw}x${ih} frame ${i}: corner at ${px.toFixed(1)},${py.toFixed(1)}`,
              );
            }
          }
        }
      }
    }
  });
  it('adds motion-blur samples only where the move is fast', () => {
    const g = [{ imageWidth: 1920, imageHeight: 1080, outWidth: 1280, outHeight: 720, focusX: 960, focusY: 540 }];
    const still = buildRenderPlan({ path: pathFor('Static'), frames: 48, fps: 12, maxSamples: 8, geometries: g });
    const whip = buildRenderPlan({ path: pathFor('Whip Pan'), frames: 48, fps: 12, maxSamples: 8, geometries: g });
    assert.equal(still.frameAt(24).layers[0]!.samples.length, 1);
    assert.ok(whip.frameAt(24).layers[0]!.samples.length > 2);
    assert.equal(whip.frameAt(0).layers[0]!.samples.length, 1);
  });
});

describe('saliency', () => {
  it('finds an off-centre subject on a flat background', () => {
    const w = 60;
    const h = 40;
    const rgb = new Uint8Array(w * h * 3).fill(90);
    for (let y = 8; y < 18; y++) for (let x = 40; x < 50; x++) rgb.set([220, 30, 30], (y * w + x) * 3);
    const s = estimateSaliency(rgb, w, h);
    assert.ok(Math.abs(s.x - 45 / w) < 0.06 && Math.abs(s.y - 13 / h) < 0.08, JSON.stringify(s));
  });
});

describe('prompt modifiers', () => {
  it('reads speed, intensity and direction', () => {
    assert.deepEqual(parsePromptModifiers('Slowly push, subtle, to the left'), {
      speed: 0.65,
      intensity: 0.65,
      direction: 'left',
    });
    assert.deepEqual(parsePromptModifiers('a dramatic fast move upwards'), {
      speed: 1.35,
      intensity: 1.35,
      direction: 'up',
    });
    assert.deepEqual(parsePromptModifiers('a portrait'), { speed: 1, intensity: 1 });
  });
});

describe('sizes and timing', () => {
  it('fills the tier frame at the picture aspect', () => {
    // 4:3 within 1280×720 is 960×720: the frame's short side binds, as "720p" says.
    assert.deepEqual(resolveSize('turbo', { width: 4000, height: 3000 }, {}), { width: 960, height: 720 });
    assert.deepEqual(resolveSize('lite', { width: 1920, height: 1080 }, {}), { width: 854, height: 480 });
    assert.deepEqual(
      resolveSize('lite', { width: 1000, height: 1000 }, {}),
      { width: 480, height: 480 },
      'a square photo on lite',
    );
    assert.deepEqual(resolveSize('lite', { width: 1080, height: 1920 }, {}), { width: 480, height: 854 });
    assert.deepEqual(resolveSize('standard', { width: 1920, height: 1080 }, {}), { width: 1920, height: 1080 });
  });
  it('rounds to even and bounds requested sizes by the tier', () => {
    assert.deepEqual(resolveSize('turbo', { width: 100, height: 100 }, { width: 641, height: 359 }), {
      width: 642,
      height: 360,
    });
    assert.deepEqual(resolveSize('turbo', { width: 100, height: 100 }, { width: 4000, height: 2000 }), {
      width: 1280,
      height: 640,
    });
    assert.deepEqual(resolveSize('lite', { width: 100, height: 100 }, { width: 4096, height: 4096 }), {
      width: 480,
      height: 480,
    });
    assert.deepEqual(resolveSize('lite', { width: 100, height: 100 }, { width: 1080, height: 1920 }), {
      width: 480,
      height: 854,
    });
    assert.deepEqual(resolveSize('standard', { width: 100, height: 100 }, { width: 4096, height: 4096 }), {
      width: 1080,
      height: 1080,
    });
    assert.deepEqual(
      resolveSize('lite', { width: 16, height: 9 }, { width: 4096 }),
      { width: 854, height: 480 },
      'height follows the picture',
    );
    assert.deepEqual(resolveSize('turbo', { width: 100, height: 100 }, { width: 10, height: 10 }), {
      width: 64,
      height: 64,
    });
  });
  it('defaults to 5 s at 24 fps and clamps duration and fps', () => {
    const size = { width: 160, height: 90 };
    assert.equal(resolveTiming(size, {}).frames, 120);
    assert.deepEqual(resolveTiming(size, { duration: 30, fps: 100 }), { ...size, fps: 60, duration: 10, frames: 600 });
    assert.deepEqual(resolveTiming(size, { duration: 1, fps: 5 }), { ...size, fps: 12, duration: 2, frames: 24 });
  });
});

describe('ffmpeg arguments', () => {
  it('streams raw RGBA into libx264 yuv420p with faststart, plus a small preview', () => {
    const args = buildEncodeArgs({
      width: 1280,
      height: 720,
      fps: 24,
      tier: 'turbo',
      inputPixelFormat: 'rgba',
      rawPath: '/w/raw.mp4',
      min: { path: '/w/min.mp4', width: 854, height: 480 },
      threads: 2,
    });
    const s = args.join(' ');
    assert.match(s, /-f rawvideo -pix_fmt rgba -s 1280x720 -r 24 -i pipe:0/);
    assert.equal(args.filter((a) => a === 'libx264').length, 2);
    assert.equal(args.filter((a) => a === '+faststart').length, 2);
    assert.equal(args.filter((a) => a === 'yuv420p').length, 2);
    assert.match(s, /scale=854:480.* -preset veryfast .* \/w\/raw\.mp4 .* \/w\/min\.mp4$/);
    // Without a preview: one output, no filter graph.
    const rawOnly = buildEncodeArgs({
      width: 1280,
      height: 720,
      fps: 24,
      tier: 'turbo',
      inputPixelFormat: 'rgba',
      rawPath: '/w/raw.mp4',
      threads: 0,
    });
    assert.equal(rawOnly.filter((a) => a === 'libx264').length, 1);
    assert.ok(!rawOnly.includes('-filter_complex'));
  });
  it('sizes the preview at most 480p with even sides', () => {
    assert.deepEqual(minPreviewSize(1920, 1080), { width: 854, height: 480 });
    assert.deepEqual(minPreviewSize(720, 1280), { width: 480, height: 854 });
    assert.deepEqual(minPreviewSize(320, 180), { width: 320, height: 180 });
  });
});

describe('prompt reading ignores words that describe the picture', () => {
  it('"soft light" is lighting, "close-up" is framing, "slow down" is speed', () => {
    assert.deepEqual(parsePromptModifiers('slow dolly in, soft morning light'), { speed: 0.65, intensity: 1 });
    assert.deepEqual(parsePromptModifiers('close-up of a face'), { speed: 1, intensity: 1 });
    assert.equal(parsePromptModifiers('slow down, then drift to the left').direction, 'left');
    assert.equal(parsePromptModifiers('a dramatic tilt down').direction, 'down');
    assert.equal(parsePromptModifiers('softly, to the right').intensity, 0.65);
  });
});
