/**
 * Every renderable camera motion of the catalogue, rendered small (160×90, 2 s at 12 fps)
 * from a random texture and decoded back: the measured frame-to-frame motion must go the
 * way the motion's name says.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';
import { createLocalEngine } from '../../src/engine/index.js';
import { chainedSimilarity, decodeGrey, makeTexture, meanAbsDiff, sharpness, type GreyVideo } from './helpers.js';

type Check = (v: GreyVideo, ctx: { staticSharpness: number }) => void;

const first = 0;
const last = (v: GreyVideo): number => v.frames.length - 1;
const motionOf = (v: GreyVideo, from = first, to = last(v)) => chainedSimilarity(v, from, to);

const zoomIn =
  (min = 1.08): Check =>
  (v) =>
    assert.ok(motionOf(v).scale > min, `scale ${motionOf(v).scale.toFixed(3)} should be > ${min}`);
const zoomOut =
  (max = 0.92): Check =>
  (v) =>
    assert.ok(motionOf(v).scale < max, `scale ${motionOf(v).scale.toFixed(3)} should be < ${max}`);
/** The picture keeps its size within `tol` (log scale) over the clip: neither a push nor a pull-back. */
const keepsSize =
  (tol = 0.05): Check =>
  (v) => {
    const s = motionOf(v).scale;
    assert.ok(Math.abs(Math.log(s)) < tol, `scale ${s.toFixed(3)} should stay within ${tol} of 1 (log)`);
  };
/** Content moves right (camera went left): tx > 0, and vice versa. */
const contentX =
  (sign: 1 | -1, min = 4): Check =>
  (v) => {
    const m = motionOf(v);
    assert.ok(sign * m.tx > min, `content x shift ${m.tx.toFixed(1)} px should have sign ${sign}`);
  };
const contentY =
  (sign: 1 | -1, min = 4): Check =>
  (v) => {
    const m = motionOf(v);
    assert.ok(sign * m.ty > min, `content y shift ${m.ty.toFixed(1)} px should have sign ${sign}`);
  };
const rolls =
  (sign: 1 | -1, minDeg = 3): Check =>
  (v) => {
    const deg = (motionOf(v).angle * 180) / Math.PI;
    assert.ok(sign * deg > minDeg, `roll ${deg.toFixed(2)}° should have sign ${sign}`);
  };
/** The camera moves: the picture drifts away from its first framing. */
const moves: Check = (v) => {
  const drift = Math.max(...v.frames.map((f) => meanAbsDiff(v.frames[0]!, f)));
  assert.ok(drift > 2, `largest difference from the first frame is only ${drift.toFixed(2)}`);
};
const all =
  (...checks: Check[]): Check =>
  (v, c) =>
    checks.forEach((ch) => ch(v, c));
/**
 * Arcs and orbits circle the subject and keep it framed; a texture has no subject, so the
 * camera circles its centre of interest (depth 1, on the ground plane): the far rows behind
 * it sweep the way the camera goes, the near rows the other way, and the frame's overall
 * shift early in an orbit to the right is a small positive one (Lazy Susan, the smallest
 * orbit, 1.5 px; it was over 2 px when a texture was one plane at 1.6 behind the pivot;
 * test/engine/parallax.test.ts measures subject and background).
 */
const orbitsRight: Check = (v) => {
  const m = motionOf(v, 0, Math.round(v.frames.length / 4));
  assert.ok(m.tx > 1, `early orbit shift ${m.tx.toFixed(1)} should be positive`);
};
const blurrierThanStatic: Check = (v, c) => {
  const s = sharpness(v, Math.round(v.frames.length / 2));
  assert.ok(
    s < c.staticSharpness * 0.9,
    `mid-clip sharpness ${s.toFixed(2)} vs static ${c.staticSharpness.toFixed(2)}`,
  );
};

/** What each motion must do, measured from frames. Every renderable camera motion needs one. */
const EXPECT: Record<string, Check> = {
  Static: (v) => v.frames.forEach((f) => assert.ok(meanAbsDiff(v.frames[0]!, f) < 0.5)),
  General: all(zoomIn(1.02), moves),
  'Zoom In': zoomIn(1.3),
  'Zoom Out': zoomOut(0.77),
  'Crash Zoom In': zoomIn(2),
  'Crash Zoom Out': zoomOut(0.5),
  'YoYo Zoom': (v) => {
    const peak = motionOf(v, 0, Math.round(v.frames.length / 4));
    assert.ok(peak.scale > 1.2, `yo-yo peak ${peak.scale.toFixed(2)}`);
    assert.ok(Math.abs(motionOf(v, 0, Math.round(v.frames.length / 2)).scale - 1) < 0.08, 'comes back out');
  },
  'Dolly In': zoomIn(1.2),
  'Dolly Out': zoomOut(0.83),
  'Super Dolly In': zoomIn(1.8),
  'Super Dolly Out': zoomOut(0.55),
  'Double Dolly': zoomIn(1.1),
  'Tilt up': contentY(1),
  'Tilt Down': contentY(-1),
  'Dolly Left': contentX(1),
  'Dolly Right': contentX(-1),
  'Whip Pan': contentX(-1, 20),
  Handheld: moves,
  Wiggle: all(moves, zoomIn(1.05)),
  'Dutch Angle': rolls(1, 6),
  Incline: rolls(1, 10),
  Overhead: rolls(1, 6),
  Snorricam: moves,
  'Head Tracking': moves,
  'Buckle Up': moves,
  'Object POV': moves,
  'Low Shutter': all(zoomIn(1.04), blurrierThanStatic),
  Fisheye: all(zoomIn(1.04)),
  'Focus Change': blurrierThanStatic,
  'Eyes In': zoomIn(1.6),
  'Mouth In': zoomIn(1.5),
  'Earth Zoom Out': zoomOut(0.3),
  Hyperlapse: zoomIn(1.3),
  // A rise tilting down onto the subject with a 4 % pull-back: the texture's far rows go up and
  // its near rows down as the tilt holds its middle, which a similarity reads as ~2 % growth.
  // The tilt takes back 0.7 of the rise's slide, so the texture slides ~3 px, not a boom's 4+.
  'Crane Up': all(contentY(1, 2), keepsSize(0.05)),
  // Its mirror: a sink tilting up onto the subject with a 4 % push in, read as ~2 % shrinking.
  'Crane Down': all(contentY(-1, 2), keepsSize(0.05)),
  'Crane Over The Head': all(contentY(1), zoomIn(1.1)),
  'Jib Up': contentY(1, 2),
  'Jib Down': contentY(-1, 2),
  'Arc Left': all(contentX(-1), rolls(-1, 1)),
  'Arc Right': all(contentX(1), rolls(1, 1)),
  '360 Orbit': orbitsRight,
  'Lazy Susan': orbitsRight,
  '3D Rotation': orbitsRight,
  'Bullet Time': orbitsRight,
  'Action Run': all(moves, zoomIn(1.08)),
  'Downhill POV': zoomIn(1.3),
  'Car Chasing': contentX(-1, 10),
  'Car Grip': contentX(-1, 6),
  'FPV Drone': zoomIn(1.4),
  Flying: zoomIn(1.2),
  Glam: zoomIn(1.05),
  'Rap Flex': zoomIn(1.2),
  'Robo Arm': all(contentX(-1), zoomIn(1.15), rolls(1, 2)),
  'Through Object In': zoomIn(1.8),
  'Through Object Out': zoomOut(0.55),
  // A texture is one plane behind the subject's distance: it shrinks (in) or grows (out)
  // while a subject would keep its size (see parallax.test.ts).
  'Dolly Zoom In': (v) => {
    const s = motionOf(v).scale;
    assert.ok(s < 0.97 && s > 0.8, `overall scale ${s.toFixed(3)}`);
  },
  'Dolly Zoom Out': (v) => {
    const s = motionOf(v).scale;
    assert.ok(s > 1.03 && s < 1.25, `overall scale ${s.toFixed(3)}`);
  },
  'Crane Over The Head + Crash Zoom In': zoomIn(1.8),
  'Lazy Susan + Super Dolly Out': zoomOut(0.55),
  'Snorricam + Low Shutter': all(moves, blurrierThanStatic),
};

describe('every camera motion moves the named way (measured from frames)', () => {
  const engine = createLocalEngine({ renderThreads: 0 });
  const names = MotionCatalogue.load()
    .distinctByName()
    .filter((m) => m.kind === 'camera')
    .map((m) => m.name);
  let image: Buffer;
  let root: string;
  const ctx = { staticSharpness: 0 };
  let n = 0;

  // Moves that happen within a few frames are rendered at 24 fps so the tracker can follow.
  const FAST = new Set(['Crash Zoom In', 'Crash Zoom Out', 'Whip Pan', 'Crane Over The Head + Crash Zoom In']);
  const renderSmall = async (name: string, prompt = ''): Promise<GreyVideo> => {
    const workDir = join(root, String(n++));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(workDir);
    const out = await engine.render(
      {
        taskId: 't',
        model: 'turbo',
        motions: [{ name, strength: 1 }],
        prompt,
        enhancePrompt: prompt !== '',
        seed: 3,
        width: 160,
        height: 90,
        duration: 2,
        fps: FAST.has(name) ? 24 : 12,
        images: [image],
      },
      { workDir, signal: new AbortController().signal, onProgress: () => {} },
    );
    return decodeGrey(out.raw);
  };

  before(async () => {
    image = await makeTexture(11);
    root = await mkdtemp(join(tmpdir(), 'sm-dir-'));
    ctx.staticSharpness = sharpness(await renderSmall('Static'), 12);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('has an expectation for every renderable camera motion of the catalogue', () => {
    const missing = names.filter((name) => engine.canRender(name).renderable && !EXPECT[name]);
    assert.deepEqual(missing, []);
    assert.ok(
      names.every((name) => engine.canRender(name).renderable),
      'every camera motion is renderable',
    );
  });

  for (const [name, check] of Object.entries(EXPECT)) {
    it(name, async () => check(await renderSmall(name), ctx));
  }

  it('the prompt reverses a directional move ("to the left")', async () => {
    contentX(1, 20)(await renderSmall('Whip Pan', 'whip to the left'), ctx);
    rolls(-1, 6)(await renderSmall('Dutch Angle', 'tilt the horizon left'), ctx);
  });
});
