/** Motion-blur sampling follows the speed: none for slow moves, dense enough for fast ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { BLUR_START_PX, SAMPLE_SPACING_PX, blurSampling } from '../../src/engine/render/motion-blur.js';
import { prepareRender } from '../../src/engine/render/prepare-render.js';
import { makeSampleImage } from '../../src/engine/index.js';
import type { RenderJob } from '../../src/core/ports.js';
import { buildCameraPath } from '../../src/engine/motion/camera-path.js';
import { findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../../src/engine/motion/prompt-modifiers.js';
import { buildRenderPlan } from '../../src/engine/render/frame-plan.js';
import { BACKGROUND_DEPTH, SUBJECT_DEPTH } from '../../src/engine/scene/layer-projection.js';

describe('motion-blur sampling', () => {
  it('draws one sample while the picture travels less than the start threshold', () => {
    for (const travel of [0, 0.5, 1.8, BLUR_START_PX])
      assert.deepEqual(blurSampling(travel, 24), { count: 1, smear: 0 });
    assert.deepEqual(blurSampling(40, 1), { count: 1, smear: 0 });
  });

  it('grows the sample count with the travel, keeping neighbours about a pixel apart', () => {
    let previous = 1;
    for (let travel = 3; travel <= 28; travel += 0.5) {
      const { count, smear } = blurSampling(travel, 24);
      assert.ok(count >= previous, `monotonic at ${travel}`);
      assert.ok(travel / count <= SAMPLE_SPACING_PX + 1e-9, `gap at ${travel}: ${travel / count}`);
      assert.equal(smear, 0);
      previous = count;
    }
  });

  it('smooths by about the gap when the tier caps the count (no stepped ghosts)', () => {
    const { count, smear } = blurSampling(100, 24);
    assert.equal(count, 24);
    assert.ok(smear > 0.3 * (100 / 24) && smear < 100 / 24, `smear ${smear}`);
    assert.ok(blurSampling(100, 48).smear < smear);
  });

  const job = (name: string): RenderJob => ({
    taskId: 't',
    model: 'turbo',
    motions: [{ name, strength: 1 }],
    prompt: '',
    enhancePrompt: false,
    seed: 1,
    width: 1280,
    height: 720,
    duration: 5,
    fps: 24,
    images: [],
  });
  // A picture whose centre of interest is its centre: the zoom is then a pure zoom (an
  // off-centre subject adds a lean, which is travel of its own).
  const centred = (): Promise<Buffer> =>
    sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: 60, g: 90, b: 120 } } })
      .composite([
        {
          input: Buffer.from('<svg width="1600" height="900"><circle cx="800" cy="450" r="120" fill="#e0c040"/></svg>'),
        },
      ])
      .jpeg()
      .toBuffer();
  const counts = async (name: string, image?: Buffer): Promise<number[]> => {
    const { plan } = await prepareRender(
      { ...job(name), images: [image ?? (await makeSampleImage())] },
      { maxImagePixels: 50_000_000 },
    );
    return Array.from({ length: plan.frames }, (_, i) => plan.frameAt(i).layers[0]!.samples.length);
  };

  it('gives a slow zoom no sub-frame samples and a whip pan many on its fastest frames', async () => {
    assert.ok((await counts('Zoom In', await centred())).every((n) => n === 1));
    const whip = await counts('Whip Pan');
    assert.ok(Math.max(...whip) > 8, `whip pan peak ${Math.max(...whip)}`);
    assert.equal(whip[0], 1);
  });

  // A subject in front of a background, 5 s at 24 fps: [background, subject] layers a frame.
  const layered = (name: string, maxSamples: number) =>
    buildRenderPlan({
      path: buildCameraPath({
        motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
        modifiers: DEFAULT_MODIFIERS,
        seed: 1,
        span: 119 / 24,
      }),
      frames: 120,
      fps: 24,
      maxSamples,
      geometries: [{ imageWidth: 4000, imageHeight: 3000, outWidth: 1280, outHeight: 720, focusX: 2000, focusY: 1400 }],
      scenes: [{ depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH] }],
    });

  it('draws the subject an orbit holds once, at the frame time, while the background streaks', () => {
    for (const name of ['Arc Right', '360 Orbit']) {
      const blurred = layered(name, 24);
      const sharp = layered(name, 1);
      let streaks = 0;
      for (let i = 0; i < blurred.frames; i++) {
        const [bg, subject] = blurred.frameAt(i).layers;
        if (bg!.samples.length === 1) continue;
        streaks++;
        assert.deepEqual(subject!.samples, sharp.frameAt(i).layers[1]!.samples, `${name} frame ${i}`);
      }
      assert.ok(streaks > 10, `${name}: ${streaks} frames with a streaking background`);
    }
  });

  it('keeps the sub-frame samples of a subject that moves fast itself', () => {
    const plan = layered('Super Dolly In', 24);
    const most = Math.max(...Array.from({ length: plan.frames }, (_, i) => plan.frameAt(i).layers[1]!.samples.length));
    assert.ok(most > 4, `the subject's most samples in a frame: ${most}`);
  });
});
