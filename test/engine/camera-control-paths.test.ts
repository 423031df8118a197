/**
 * Camera control as data, no rendering: keyframes are hit, loops close with matched
 * velocity, every preset's recorded path reproduces its poses, and the checks name fields.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkCameraRequest,
  fromKlingConfig,
  MAX_KEYFRAMES,
  type CameraPathSpec,
} from '../../src/core/camera-request.js';
import { isAppError } from '../../src/core/errors.js';
import {
  axesPath,
  buildControlledPath,
  keyframePose,
  poseKeyframe,
  PRESET_PATH_CLIP,
  presetPathSpec,
  resolvePathSpec,
  sampleKeyframes,
} from '../../src/engine/motion/camera-control.js';
import type { CameraPose } from '../../src/engine/motion/camera-pose.js';
import { definedMotionNames, findMotionDefinition, loopability } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../../src/engine/motion/prompt-modifiers.js';

const near = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const POSE_KEYS = ['x', 'y', 'zoom', 'roll', 'tx', 'ty', 'tz', 'blur', 'fisheye', 'focusShift', 'shutter'] as const;
const samePose = (a: CameraPose, b: CameraPose, tol: number, what: string): void => {
  for (const k of POSE_KEYS)
    near(a[k], b[k], k === 'shutter' || k === 'blur' || k === 'focusShift' ? 1e-3 : tol, `${what} ${k}`);
};

const PATH: CameraPathSpec = {
  keyframes: [
    { t: 0, zoom: 1, pan: 0 },
    { t: 0.25, zoom: 1.2, pan: 4, x: 0.02 },
    { t: 0.5, zoom: 1.1, pan: -2, roll: 3 },
    { t: 1, zoom: 1.3, pan: 1, tilt: 2 },
  ],
};

describe('keyframed paths', () => {
  for (const easing of ['smooth', 'linear', 'easeInOutSine', 'easeInCubic'] as const) {
    it(`hit every keyframe exactly (${easing})`, () => {
      const at = sampleKeyframes({ ...PATH, easing }, false);
      for (const k of PATH.keyframes) {
        const v = at(k.t);
        near(v.zoom!, k.zoom ?? 1, 1e-9, `zoom at ${k.t}`);
        near(v.pan!, k.pan ?? 0, 1e-9, `pan at ${k.t}`);
        near(v.x!, k.x ?? 0, 1e-9, `x at ${k.t}`);
      }
    });
  }

  it('smooth: velocity is continuous through a keyframe and zero at the ends', () => {
    const at = sampleKeyframes(PATH, false);
    const h = 1e-7;
    near(
      (at(0.25).pan! - at(0.25 - h).pan!) / h,
      (at(0.25 + h).pan! - at(0.25).pan!) / h,
      0.01,
      'slope either side of t=0.25',
    );
    near((at(1e-7).pan! - at(0).pan!) / 1e-7, 0, 1e-3, 'slope at the start');
  });

  it('a loop wraps: the value and slope at t→1 are those at t=0', () => {
    const at = sampleKeyframes(
      {
        keyframes: [
          { t: 0, pan: 0 },
          { t: 0.3, pan: 5 },
          { t: 0.7, pan: -4 },
        ],
      },
      true,
    );
    near(at(0.999999).pan!, at(0).pan!, 1e-4, 'value at the seam');
    const slopeEnd = (at(1 - 1e-6).pan! - at(1 - 2e-6).pan!) / 1e-6;
    const slopeStart = (at(1e-6).pan! - at(0).pan!) / 1e-6;
    near(slopeEnd, slopeStart, 0.05, 'slope at the seam');
  });

  it('a keyframe and its pose convert both ways', () => {
    const k = {
      t: 0.5,
      x: 0.03,
      y: -0.02,
      z: 0.1,
      zoom: 1.3,
      roll: 7,
      pan: -6,
      tilt: 4,
      shutter: 1,
      blur: 3,
      fisheye: 0.2,
      focus_shift: 0.4,
    };
    const back = poseKeyframe(keyframePose(k, 16 / 9), 0.5, 16 / 9);
    for (const [key, v] of Object.entries(k)) near((back as unknown as Record<string, number>)[key]!, v, 1e-9, key);
  });

  it('the six axes: centred travels and turns, zoom from 1 to 1.05^zoom', () => {
    const spec = axesPath({ horizontal: 5, pan: 10, tilt: -4, roll: 6, zoom: 10 });
    const [a, b] = spec.keyframes;
    near(b!.x! - a!.x!, 0.1, 1e-12, 'horizontal 5 = 10 % of the width');
    near(b!.pan! - a!.pan!, 10, 1e-12, 'pan 10 = 10°');
    near(b!.tilt! - a!.tilt!, -4, 1e-12, 'tilt');
    near(b!.roll! - a!.roll!, 6, 1e-12, 'roll');
    near(b!.zoom! / a!.zoom!, 1.05 ** 10, 1e-12, 'zoom');
  });

  it("Kling's camera_control names the turns the other way round and widens with + zoom", () => {
    assert.deepEqual(fromKlingConfig({ pan: 3, tilt: -2, zoom: 4, roll: 1, horizontal: 2, vertical: -1 }), {
      tilt: 3,
      pan: -2,
      zoom: -4,
      roll: 1,
      horizontal: 2,
      vertical: -1,
    });
  });
});

describe('recorded paths reproduce the move', () => {
  const { duration, fps, aspect, seed } = PRESET_PATH_CLIP;
  const frames = Math.round(duration * fps);
  const span = (frames - 1) / fps;
  for (const name of definedMotionNames()) {
    it(name, () => {
      const definition = findMotionDefinition(name)!;
      const original = buildControlledPath({
        motions: [{ definition, strength: 1 }],
        modifiers: DEFAULT_MODIFIERS,
        seed,
        span,
        fps,
        aspect,
      });
      const spec = presetPathSpec(definition);
      assert.ok(
        spec.keyframes.length <= MAX_KEYFRAMES && spec.keyframes.length >= 2,
        `${spec.keyframes.length} keyframes`,
      );
      checkCameraRequest({ cameraPath: spec }, '');
      const replay = buildControlledPath({
        motions: [{ definition: findMotionDefinition('Static')!, strength: 1 }],
        modifiers: DEFAULT_MODIFIERS,
        seed: 99,
        span,
        fps,
        aspect,
        control: { cameraPath: spec },
      });
      for (let i = 0; i < frames; i++) samePose(replay.poseAt(i / fps), original.poseAt(i / fps), 5e-5, `frame ${i}`);
    });
  }
});

describe('loops', () => {
  const fps = 24;
  const frames = 96;
  const span = (frames - 1) / fps;
  const period = frames / fps;
  const loopable = definedMotionNames().filter((n) => loopability(n).loopable);
  it('refuses the snaps, the one-way moves and every look, with a reason', () => {
    const refused = definedMotionNames().filter((n) => !loopability(n).loopable);
    for (const n of ['Crash Zoom In', 'Whip Pan', 'Through Object In', 'Earth Zoom Out', 'VHS'])
      assert.ok(refused.includes(n), n);
    assert.ok(loopable.includes('Handheld') && loopable.includes('Dolly In') && loopable.includes('360 Orbit'));
  });
  for (const name of loopable) {
    it(`${name}: the pose one frame after the last is the first, with the same velocity`, () => {
      const definition = findMotionDefinition(name)!;
      const path = buildControlledPath({
        motions: [{ definition, strength: 1 }],
        modifiers: DEFAULT_MODIFIERS,
        seed: 5,
        span,
        fps,
        aspect: 16 / 9,
        control: { loop: true },
      });
      samePose(path.poseAt(period), path.poseAt(0), 1e-9, 'seam');
      const h = 1e-4;
      for (const k of ['x', 'y', 'zoom', 'roll', 'tx', 'tz'] as const) {
        const before = (path.poseAt(period - h)[k] - path.poseAt(period - 2 * h)[k]) / h;
        const after = (path.poseAt(h)[k] - path.poseAt(0)[k]) / h;
        near(before, after, 0.02, `${k} velocity at the seam`);
      }
    });
  }
});

describe('camera request checks name the field', () => {
  const fieldOf = (fn: () => void): string | undefined => {
    try {
      fn();
    } catch (e) {
      if (isAppError(e)) return e.field;
      throw e;
    }
    return undefined;
  };
  it('keyframe times must go forward', () => {
    const keyframes = [{ t: 0 }, { t: 0.5 }, { t: 0.5 }];
    assert.equal(
      fieldOf(() => checkCameraRequest({ cameraPath: { keyframes } }, '')),
      'camera_path.keyframes[2].t',
    );
    assert.equal(
      fieldOf(() => checkCameraRequest({ cameraPath: { keyframes } }, 'params.')),
      'params.camera_path.keyframes[2].t',
    );
  });
  it('a looping path that ends elsewhere than it starts', () => {
    const keyframes = [
      { t: 0, zoom: 1 },
      { t: 1, zoom: 1.2 },
    ];
    assert.equal(
      fieldOf(() => checkCameraRequest({ cameraPath: { keyframes }, loop: true }, '')),
      'camera_path.keyframes[1].zoom',
    );
    assert.equal(
      fieldOf(() => checkCameraRequest({ cameraPath: { keyframes } }, '')),
      undefined,
    );
  });
  it('too many keyframes', () => {
    const keyframes = Array.from({ length: MAX_KEYFRAMES + 1 }, (_, i) => ({ t: i / (MAX_KEYFRAMES + 1) }));
    assert.equal(
      fieldOf(() => checkCameraRequest({ cameraPath: { keyframes } }, '')),
      'camera_path.keyframes',
    );
  });
  it('out-of-range axes and focus', () => {
    assert.equal(
      fieldOf(() => checkCameraRequest({ camera: { zoom: 11 } }, '')),
      'camera.zoom',
    );
    assert.equal(
      fieldOf(() => checkCameraRequest({ focus: { x: 0.5, y: 1.5 } }, '')),
      'focus.y',
    );
  });
  it('a recorded loop path passes its own check', () => {
    const definition = findMotionDefinition('Handheld')!;
    const path = buildControlledPath({
      motions: [{ definition, strength: 1 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 5,
      span: 95 / 24,
      fps: 24,
      aspect: 16 / 9,
      control: { loop: true },
    });
    const spec = resolvePathSpec(path, { frames: 96, fps: 24, aspect: 16 / 9, loop: true });
    checkCameraRequest({ cameraPath: spec, loop: true }, '');
  });
});
