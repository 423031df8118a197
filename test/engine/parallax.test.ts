/**
 * Parallax, measured on a synthetic scene with a known layout (a red textured disc in
 * front of a blue textured background): for each depth move the foreground and the
 * background move differently in the right way; a dolly zoom keeps the subject's size
 * while the background's scale changes; no frame ever shows a hole; with two pictures the
 * clip starts and ends exactly on them and carries one into the other.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RenderJob } from '../../src/core/ports.js';
import { buildCameraPath, pathTravels } from '../../src/engine/motion/camera-path.js';
import { buildRenderPlan } from '../../src/engine/render/frame-plan.js';
import { FramePainter } from '../../src/engine/render/frame-painter.js';
import { affineScale, applyAffine, invertAffine } from '../../src/engine/maths/affine.js';
import { createLocalEngine } from '../../src/engine/index.js';
import { definedMotionNames, findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { prepareRender } from '../../src/engine/render/prepare-render.js';
import { DEFAULT_MODIFIERS, parsePromptModifiers } from '../../src/engine/motion/prompt-modifiers.js';
import { BACKGROUND_DEPTH, SUBJECT_DEPTH } from '../../src/engine/scene/layer-projection.js';
import { sceneFromPixels } from '../../src/engine/scene/scene-sources.js';
import {
  backgroundMotion,
  blockDiffRgb,
  decodeRgb,
  foreground,
  makeParallaxScene,
  meanAbsDiffRgb,
  type RgbVideo,
} from './parallax-helpers.js';
import sharp from 'sharp';

const W = 160;
const H = 90;
const FPS = 12;

/** Every single motion whose camera travels through the scene (renders with layers). */
const DEPTH_MOVES = definedMotionNames().filter((name) =>
  pathTravels(
    buildCameraPath({
      motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 1,
      span: 2,
    }),
    25,
  ),
);

interface Measured {
  v: RgbVideo;
  /** Foreground centroid shift and size ratio, first → `to`. */
  fg: { dx: number; dy: number; scale: number };
  /** Background shift and scale, first → `to`. */
  bg: { tx: number; ty: number; scale: number };
}

type Check = (m: Measured) => void;
const last = (v: RgbVideo): number => v.frames.length - 1;
const f = (n: number): string => n.toFixed(2);

/** Travel across: both layers move against the camera, the near one more. */
const slides =
  (axis: 'x' | 'y', sign: 1 | -1): Check =>
  ({ fg, bg }) => {
    const a = axis === 'x' ? fg.dx : fg.dy;
    const b = axis === 'x' ? bg.tx : bg.ty;
    assert.ok(sign * b > 1, `background ${axis} shift ${f(b)} should have sign ${sign}`);
    assert.ok(sign * a > 1.6 * sign * b, `foreground ${axis} shift ${f(a)} should exceed 1.6 × background ${f(b)}`);
  };
/** Around the subject: it holds while the background sweeps the way the camera goes. */
const circles =
  (sign: 1 | -1): Check =>
  ({ fg, bg }) => {
    assert.ok(sign * bg.tx > 3, `background shift ${f(bg.tx)} should have sign ${sign}`);
    assert.ok(
      Math.abs(fg.dx) < 0.35 * Math.abs(bg.tx),
      `foreground shift ${f(fg.dx)} should be small next to ${f(bg.tx)}`,
    );
  };
/**
 * A crane that tilts back onto the subject as it rises (sign 1: the subject drifts down the
 * frame) or sinks (−1): the subject slides the way a travelling camera slides it, while the
 * tilt holds the background (it may drift the other way, never along with the subject by
 * more than a third as far). A crane that forgot to tilt slides both layers one way; one
 * going the wrong way slides the subject the other way.
 */
const cranes =
  (sign: 1 | -1): Check =>
  ({ fg, bg }) => {
    // The tilt takes back 0.7 of the subject's slide: ~2.8 px of the 160×90 frame remain.
    assert.ok(sign * fg.dy > 2, `subject y shift ${f(fg.dy)} should have sign ${sign}`);
    assert.ok(
      sign * bg.ty < 0.35 * sign * fg.dy,
      `background y shift ${f(bg.ty)} should be small or opposite next to the subject's ${f(fg.dy)}`,
    );
  };
/** Forward: the near layer grows more than the far one (backward: shrinks more). */
const pushes =
  (sign: 1 | -1): Check =>
  ({ fg, bg }) => {
    const lf = Math.log(fg.scale);
    const lb = Math.log(bg.scale);
    assert.ok(sign * lb > 0.01, `background scale ${f(bg.scale)} should go ${sign > 0 ? 'up' : 'down'}`);
    assert.ok(
      sign * lf > 1.25 * sign * lb,
      `foreground scale ${f(fg.scale)} should change more than background ${f(bg.scale)}`,
    );
  };
/** Subject size within 4 % on every frame; the background scale goes the named way. */
const dollyZoom =
  (sign: 1 | -1): Check =>
  ({ v, bg }) => {
    const s0 = foreground(v, 0).size;
    for (let i = 1; i < v.frames.length; i++) {
      const s = foreground(v, i).size / s0;
      assert.ok(Math.abs(s - 1) < 0.04, `frame ${i}: subject size ratio ${f(s)}`);
    }
    assert.ok(sign * Math.log(bg.scale) > Math.log(1.1), `background scale ${f(bg.scale)}`);
  };

/** Moves with a clear single direction, measured over the whole clip (or its first part). */
const EXPECT: Record<string, { check: Check; from?: number; upTo?: number; byWidth?: boolean }> = {
  'Dolly Left': { check: slides('x', 1) },
  'Dolly Right': { check: slides('x', -1) },
  'Car Grip': { check: slides('x', -1) },
  'Robo Arm': { check: slides('x', -1) },
  'Jib Up': { check: slides('y', 1) },
  'Jib Down': { check: slides('y', -1) },
  // Crane Up rises while tilting down onto the subject (from below it to its rest framing).
  'Crane Up': { check: cranes(1) },
  // Crane Down sinks while tilting up onto the subject (from its rest framing to above it).
  'Crane Down': { check: cranes(-1) },
  'Arc Left': { check: circles(-1) },
  'Arc Right': { check: circles(1) },
  '360 Orbit': { check: circles(1), upTo: 0.25 },
  'Lazy Susan': { check: circles(1), upTo: 0.25 },
  '3D Rotation': { check: circles(1), upTo: 0.25 },
  'Bullet Time': { check: circles(1), upTo: 0.25 },
  'Dolly In': { check: pushes(1) },
  'Dolly Out': { check: pushes(-1) },
  // Later in a super dolly in the subject outgrows the frame.
  'Super Dolly In': { check: pushes(1), upTo: 0.6 },
  'Super Dolly Out': { check: pushes(-1) },
  'Through Object In': { check: pushes(1) },
  // It starts inside the object: while the whole disc fills the frame there is no background
  // to measure, so the pull-out is measured from a third of the way.
  'Through Object Out': { check: pushes(-1), from: 0.35 },
  'Double Dolly': { check: pushes(1) },
  'FPV Drone': { check: pushes(1) },
  Flying: { check: pushes(1) },
  Overhead: { check: pushes(1) },
  // From about 0.7 of a crane over the head the subject's lower edge leaves the frame, so its
  // size is read from its width (its area lagged the projection: 1.12 against 1.20 at 0.75).
  'Crane Over The Head': { check: pushes(1), upTo: 0.75, byWidth: true },
  'Dolly Zoom In': { check: dollyZoom(-1) },
  'Dolly Zoom Out': { check: dollyZoom(1) },
};

describe('parallax: near layers move more than far ones (measured from frames)', () => {
  const engine = createLocalEngine({ renderThreads: 0 });
  let scene: Buffer;
  let root: string;
  let n = 0;
  const render = async (job: Partial<RenderJob>): Promise<RgbVideo> => {
    const workDir = join(root, String(n++));
    await mkdir(workDir);
    const out = await engine.render(
      {
        taskId: 't',
        model: 'turbo',
        motions: [],
        prompt: '',
        enhancePrompt: false,
        seed: 3,
        width: W,
        height: H,
        duration: 2,
        fps: FPS,
        images: [scene],
        ...job,
      },
      { workDir, signal: new AbortController().signal, onProgress: () => {} },
    );
    return decodeRgb(out.raw);
  };
  before(async () => {
    scene = await makeParallaxScene();
    root = await mkdtemp(join(tmpdir(), 'sm-parallax-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('finds the synthetic subject, and no subject in a plain texture', async () => {
    const { data, info } = await sharp(scene).resize(192).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual(sceneFromPixels(data, info.width, info.height).layout.depths, [BACKGROUND_DEPTH, SUBJECT_DEPTH]);
    const matte = sceneFromPixels(data, info.width, info.height).matte!;
    // The matte covers the disc and little else.
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < matte.height; y++) {
      for (let x = 0; x < matte.width; x++) {
        const d =
          Math.hypot((x + 0.5) / matte.width - 0.5, ((y + 0.5) / matte.height - 0.56) * (matte.height / matte.width)) *
          matte.width;
        const a = matte.alpha[y * matte.width + x]!;
        if (d < 0.24 * matte.height - 2) inside += 1 - a;
        else if (d > 0.24 * matte.height + 3) outside += a;
      }
    }
    assert.ok(inside < 0.03 * matte.width * matte.height * 0.18, `matte misses ${inside.toFixed(0)} px of the disc`);
    assert.ok(outside < 0.01 * matte.width * matte.height, `matte spills ${outside.toFixed(0)} px outside the disc`);
  });

  it('has an expectation for every depth move', () => {
    assert.deepEqual(
      DEPTH_MOVES.filter((m) => !EXPECT[m] && !['Head Tracking', 'Buckle Up'].includes(m)),
      [],
    );
  });

  for (const [name, { check, from: start, upTo, byWidth }] of Object.entries(EXPECT)) {
    it(name, async () => {
      const v = await render({ motions: [{ name, strength: 1 }] });
      const from = Math.round((start ?? 0) * last(v));
      const to = Math.round((upTo ?? 1) * last(v));
      const a = foreground(v, from);
      const b = foreground(v, to);
      const bg = backgroundMotion(v, from, to);
      const scale = byWidth ? b.width / a.width : b.size / a.size;
      check({ v, fg: { dx: b.x - a.x, dy: b.y - a.y, scale }, bg });
    });
  }

  it('Head Tracking and Buckle Up sway the subject more than the background', async () => {
    for (const name of ['Head Tracking', 'Buckle Up']) {
      const v = await render({ motions: [{ name, strength: 1 }] });
      let fgPath = 0;
      let bgPath = 0;
      for (let i = 0; i < last(v); i++) {
        const a = foreground(v, i);
        const b = foreground(v, i + 1);
        fgPath += Math.hypot(b.x - a.x, b.y - a.y);
        const m = backgroundMotion(v, i, i + 1);
        bgPath += Math.hypot(m.tx, m.ty);
      }
      assert.ok(fgPath > 1.3 * bgPath, `${name}: subject path ${f(fgPath)} px vs background ${f(bgPath)} px`);
    }
  });

  it('starts exactly on image[0], ends exactly on image[1], and carries one into the other', async () => {
    const second = await makeParallaxScene(300, 400, 1); // another size and aspect
    const still0 = await render({ motions: [{ name: 'Static', strength: 1 }] });
    const still1 = await render({ motions: [{ name: 'Static', strength: 1 }], images: [second] });
    for (const name of ['Dolly In', 'Arc Right']) {
      const v = await render({ motions: [{ name, strength: 1 }], images: [scene, second] });
      // At the output size, up to resampling from another mip level (see blockDiffRgb).
      const diff = (a: Uint8Array, b: Uint8Array): number => blockDiffRgb(a, b, W, H);
      const d0 = diff(v.frames[0]!, still0.frames[0]!);
      const d1 = diff(v.frames[last(v)]!, still1.frames[0]!);
      assert.ok(d0 < 3, `${name}: first frame differs from image[0] by ${f(d0)}`);
      assert.ok(d1 < 3, `${name}: last frame differs from image[1] by ${f(d1)}`);
      const mid = v.frames[Math.round(v.frames.length / 2)]!;
      const m0 = diff(mid, still0.frames[0]!);
      const m1 = diff(mid, still1.frames[0]!);
      assert.ok(m0 > 10, `${name}: the middle is still image[0] (${f(m0)})`);
      assert.ok(m1 > 10, `${name}: the middle is already image[1] (${f(m1)})`);
      // Every frame differs from the one before: a move, not a cut.
      for (let i = 1; i < v.frames.length; i++) {
        const d = meanAbsDiffRgb(v.frames[i - 1]!, v.frames[i]!);
        assert.ok(d < 25, `${name}: frame ${i} jumps by ${f(d)} (a cut)`);
      }
    }
  });
});

describe('parallax: two pictures hand over with the move', () => {
  const planFor = (name: string) => {
    const path = buildCameraPath({
      motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 1,
      span: 4,
    });
    const g = { imageWidth: 1600, imageHeight: 900, outWidth: 1280, outHeight: 720, focusX: 800, focusY: 450 };
    const scene = { depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH], ground: { horizon: 0.45, near: 0.8 } };
    return buildRenderPlan({ path, frames: 49, fps: 12, maxSamples: 1, geometries: [g, g], scenes: [scene, scene] });
  };

  it('pushes through image[0] on a move in, backs out of it on a move out, whips sideways on arcs, orbits and cranes', () => {
    // (Replaces the depth-aware cross-fade, whose partial alpha left a ghost of one
    // picture's subject over the other: see depth-scene.test.ts for the measurement.)
    const kinds = Object.fromEntries(
      ['Dolly In', 'Zoom In', 'Dolly Out', 'Arc Right', '360 Orbit', 'Crane Up', 'Dolly Left'].map((n) => [
        n,
        planFor(n).transition,
      ]),
    );
    assert.deepEqual(kinds, {
      'Dolly In': 'iris-in',
      'Zoom In': 'iris-in',
      'Dolly Out': 'iris-out',
      'Arc Right': 'whip',
      '360 Orbit': 'whip',
      'Crane Up': 'whip',
      'Dolly Left': 'whip',
    });
    // Going in, image[0] swells past the lens while image[1] opens in a disc.
    const plan = planFor('Dolly In');
    const frame = plan.frameAt(24);
    const masked = frame.layers.find((l) => l.mask);
    assert.equal(masked?.mask?.kind, 'radial');
    assert.ok(masked!.source >= plan.sourceBase[1]!, 'the disc holds image[1]');
    const subject0 = frame.layers.find((l) => l.source === 1)!;
    const still = planFor('Dolly In');
    assert.ok(
      affineScale(subject0.samples[0]!) >
        1.1 * affineScale(still.frameAt(0).layers.find((l) => l.source === 1)!.samples[0]!),
      'image[0] swells',
    );
  });
});

describe('parallax: no holes, ever', () => {
  it('no frame of any depth move shows the sentinel colour, at dramatic strength, one or two pictures', async () => {
    const scene = await makeParallaxScene();
    const second = await makeParallaxScene(300, 400, 1);
    for (const images of [[scene], [scene, second]]) {
      for (const name of images.length === 1
        ? DEPTH_MOVES
        : ['Dolly In', 'Arc Right', 'Dolly Zoom In', 'Crane Up', 'Through Object Out']) {
        const job: RenderJob = {
          taskId: 't',
          model: 'lite',
          motions: [{ name, strength: 1 }],
          prompt: 'dramatic',
          enhancePrompt: true,
          seed: 5,
          width: 128,
          height: 72,
          duration: 1,
          fps: 8,
          images,
        };
        const { plan, sources, timing } = await prepareRender(job, { maxImagePixels: 50_000_000 });
        assert.equal(sources.length, plan.sourceBase.at(-1)! + 2, `${name}: a subject and a background per picture`);
        const painter = new FramePainter(sources, timing.width, timing.height, { fill: 'rgb(255,0,255)' });
        const px = new Uint8Array(timing.width * timing.height * 4);
        for (let i = 0; i < plan.frames; i++) {
          painter.paint(plan.frameAt(i), px);
          for (let p = 0; p < px.length; p += 4) {
            if (px[p]! > 200 && px[p + 1]! < 60 && px[p + 2]! > 200)
              assert.fail(`${name} (${images.length} pictures) frame ${i}: hole at pixel ${p / 4}`);
          }
        }
      }
    }
  });

  it('every layer covers the frame by itself, for every depth move, aspect and seed', () => {
    for (const [iw, ih] of [
      [4000, 3000],
      [1000, 1600],
      [1920, 1080],
    ] as const) {
      for (const name of DEPTH_MOVES) {
        const path = buildCameraPath({
          motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
          modifiers: parsePromptModifiers('dramatic fast'),
          seed: 9,
          span: 4,
        });
        const geometries = [
          { imageWidth: iw, imageHeight: ih, outWidth: 1280, outHeight: 720, focusX: iw * 0.8, focusY: ih * 0.3 },
        ];
        const plan = buildRenderPlan({
          path,
          frames: 49,
          fps: 12,
          maxSamples: 8,
          geometries,
          scenes: [{ depths: [BACKGROUND_DEPTH, SUBJECT_DEPTH] }],
        });
        for (let i = 0; i < plan.frames; i++) {
          for (const layer of plan.frameAt(i).layers) {
            for (const m of layer.samples) {
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
                  `${name} ${iw}x${ih} frame ${i} layer ${layer.source}: corner at ${px.toFixed(1)},${py.toFixed(1)}`,
                );
              }
            }
          }
        }
      }
    }
  });

  it('drawing only the subject’s bounds paints the same frames as drawing its whole layer', async () => {
    // A wide move from a picture decoded well above the output: the coarser mip levels are
    // drawn too, so a bounds rectangle scaled wrongly to a level would cut the subject.
    const job: RenderJob = {
      taskId: 't',
      model: 'lite',
      motions: [{ name: 'Super Dolly Out', strength: 1 }],
      prompt: 'dramatic',
      enhancePrompt: true,
      seed: 2,
      width: 128,
      height: 72,
      duration: 1,
      fps: 8,
      images: [await makeParallaxScene(1200, 800)],
    };
    const { plan, sources, timing } = await prepareRender(job, { maxImagePixels: 50_000_000 });
    const subject = sources.find((s) => s.bounds)!;
    assert.ok(subject, 'the subject layer carries its bounds');
    assert.ok(subject.levels.length > 1, 'several mip levels are drawn');
    const bounded = new FramePainter(sources, timing.width, timing.height);
    const whole = new FramePainter(
      sources.map(({ bounds: _, ...s }) => s),
      timing.width,
      timing.height,
    );
    const a = new Uint8Array(timing.width * timing.height * 4);
    const b = new Uint8Array(a.length);
    for (let i = 0; i < plan.frames; i++) {
      bounded.paint(plan.frameAt(i), a);
      whole.paint(plan.frameAt(i), b);
      assert.ok(Buffer.from(a).equals(Buffer.from(b)), `frame ${i} differs`);
    }
  });

  it('paints the same layered frames for the same seed', async () => {
    const job: RenderJob = {
      taskId: 't',
      model: 'lite',
      motions: [{ name: 'Buckle Up', strength: 1 }],
      prompt: '',
      enhancePrompt: false,
      seed: 8,
      width: 160,
      height: 90,
      duration: 1,
      fps: 12,
      images: [await makeParallaxScene()],
    };
    const paintAll = async (): Promise<Buffer> => {
      const { plan, sources, timing } = await prepareRender(job, { maxImagePixels: 50_000_000 });
      const painter = new FramePainter(sources, timing.width, timing.height);
      const out: Buffer[] = [];
      for (let i = 0; i < plan.frames; i++) {
        const px = new Uint8Array(timing.width * timing.height * 4);
        painter.paint(plan.frameAt(i), px);
        out.push(Buffer.from(px));
      }
      return Buffer.concat(out);
    };
    assert.ok((await paintAll()).equals(await paintAll()));
  });
});
