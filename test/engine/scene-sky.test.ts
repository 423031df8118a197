/**
 * A picture with no subject to cut out — a sky over a big structure over the ground — still
 * has three planes under a depth move: the sky (found by sky-region.ts) behind the
 * structure, the structure, and the ground receding below the horizon. At rest the layered
 * frame is the picture; the task records the sky layer it drew.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { applyAffine, type Affine } from '../../src/engine/maths/affine.js';
import { mulberry32 } from '../../src/engine/maths/prng.js';
import { buildCameraPath } from '../../src/engine/motion/camera-path.js';
import { findMotionDefinition } from '../../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../../src/engine/motion/prompt-modifiers.js';
import { buildRenderPlan, type FrameInstructions } from '../../src/engine/render/frame-plan.js';
import { FramePainter } from '../../src/engine/render/frame-painter.js';
import { decodeSource, probeImage } from '../../src/engine/render/source-image.js';
import { sceneGround } from '../../src/engine/scene/ground-contact.js';
import { pathReach, sceneDepth } from '../../src/engine/scene/scene-depth.js';
import { findSky } from '../../src/engine/scene/sky-region.js';
import { makeTexture } from './helpers.js';

const W = 384;
const H = 288;
/**
 * The skyline: the structure's top (fraction of the height) at picture column fraction u. A
 * façade fills the frame from its top edge but for the sky at the left, over a low wing.
 */
const skyline = (u: number): number => (u < 0.3 ? 0.6 : 0);
/** Where the ground begins. */
const GROUND = 0.8;

/** Sky (a smooth blue gradient) over a warm textured façade over grass. */
function picture(w: number, h: number): Uint8Array {
  const rand = mulberry32(5);
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const u = (x + 0.5) / w;
      const v = (y + 0.5) / h;
      const n = (rand() - 0.5) * 50;
      let c: number[];
      if (v < skyline(u)) c = [120 + 60 * v, 160 + 50 * v, 225];
      else if (v < GROUND) {
        const window = Math.floor(u * 24) % 3 === 0 && Math.floor(v * 30) % 3 === 0;
        c = window ? [60 + n, 50 + n, 45 + n] : [200 + n, 170 + n, 120 + n];
      } else c = [70 + n, 120 + n, 40 + n / 2];
      rgb.set(
        c.map((k) => Math.max(0, Math.min(255, Math.round(k)))),
        (y * w + x) * 3,
      );
    }
  return rgb;
}

/** The picture's scene as prepareRender builds it for a move: horizon, sky and depths on a thumbnail. */
function scene(name: string) {
  const tw = 192;
  const th = 144;
  const path = buildCameraPath({
    motions: [{ definition: findMotionDefinition(name)!, strength: 1 }],
    modifiers: DEFAULT_MODIFIERS,
    seed: 1,
    span: 2,
  });
  const ground = sceneGround(picture(tw, th), tw, th, {});
  return { path, ...sceneDepth({ ...ground, focusRow: 0.5, focusColumn: 0.5, reach: pathReach(path, 25) }) };
}

/** The transform of the topmost plain layer drawn over the picture point (x, y) in a frame. */
function drawnAt(frame: FrameInstructions, x: number, y: number): Affine {
  for (let k = frame.layers.length - 1; k >= 0; k--) {
    const l = frame.layers[k]!;
    if (l.rows && (y < l.rows[0] || y >= l.rows[1])) continue;
    if (l.cols && (x < l.cols[0] || x >= l.cols[1])) continue;
    return l.samples[0]!;
  }
  throw new Error(`nothing drawn at ${x}, ${y}`);
}

/** Output px by which the planes drawn at picture points p and q part at their meeting point m. */
function parting(frame: FrameInstructions, p: [number, number], q: [number, number], m: [number, number]): number {
  const a = applyAffine(drawnAt(frame, ...p), ...m);
  const b = applyAffine(drawnAt(frame, ...q), ...m);
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

describe('depth: a sky over a structure over the ground, no subject', () => {
  it('finds the sky down to the skyline, and no lower', () => {
    const sky = findSky(picture(192, 144), 192, 144);
    assert.ok(sky, 'no sky found');
    for (const u of [0.05, 0.2, 0.5, 0.9]) {
      const c = Math.floor(u * 192);
      if (skyline(u) === 0) {
        assert.ok(sky.bottom[c]! <= sky.top[c]!, `column ${u}: the façade taken for sky`);
        continue;
      }
      assert.equal(sky.top[c], 0, `column ${u}: the sky reaches the top`);
      assert.ok(
        sky.bottom[c]! <= skyline(u) + 0.01 && sky.bottom[c]! > skyline(u) - 0.05,
        `column ${u}: sky to ${sky.bottom[c]!.toFixed(3)}, skyline at ${skyline(u)}`,
      );
    }
  });

  it('finds no sky in a picture whose top is textured (patterned cloth, leaves)', () => {
    const rand = mulberry32(9);
    const rgb = Uint8Array.from({ length: 192 * 144 * 3 }, (_, i) => 90 + Math.round(rand() * 120) - (i % 3) * 10);
    assert.equal(findSky(rgb, 192, 144), undefined);
  });

  it('takes grey flat spots below the top for no sky, a blue sky below branches for sky', async () => {
    // A smooth grey texture (blotches, flat at their peaks): its flat spots join into a
    // neutral web that mostly starts below the top edge. It used to be drawn as a sky.
    const grey = await sharp(await makeTexture(5))
      .resize(192, 108)
      .removeAlpha()
      .raw()
      .toBuffer();
    const rgb = new Uint8Array(grey);
    assert.equal(findSky(rgb, 192, 108), undefined);
    // A blue sky that mostly hangs below a dark band of foliage, seen from the top edge
    // through a few gaps only (building's sky beside its façade), is still sky.
    const blue = picture(192, 144);
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 192; x++) if (x % 10 >= 2) blue.set([30, 45, 25], (y * 192 + x) * 3);
    assert.ok(findSky(blue, 192, 144), 'a blue sky under branches is still sky');
  });

  it('records the sky as a layer behind the far background', () => {
    const { record } = scene('Dolly In');
    assert.deepEqual(record.layers, ['sky', 'far background', 'ground']);
    assert.ok(
      record.depth.sky! > record.depth.far,
      `sky at ${record.depth.sky}, far background at ${record.depth.far}`,
    );
  });

  // Arc Right: the sky stays at the far background's depth (skyDepth: the arc's crop would grow), a todo.
  it.todo('Arc Right: sky and structure part (the sky is bounded to the far depth on arcs)');
  for (const name of ['Dolly In', 'Crane Up']) {
    it(`${name}: sky, structure and ground move apart; at rest the frame is the picture`, async () => {
      const { path, layout } = scene(name);
      const [ow, oh] = [320, 240];
      const g = { imageWidth: W, imageHeight: H, outWidth: ow, outHeight: oh, focusX: W / 2, focusY: H / 2 };
      const plan = buildRenderPlan({ path, frames: 25, fps: 12, maxSamples: 1, geometries: [g], scenes: [layout] });
      // The move's far end from its rest frame (a crane lands on the picture: it rests last).
      // The move's far end from its rest frame (a crane lands on the picture: it rests last).
      const [first, last] = [plan.frameAt(0), plan.frameAt(24)];
      const restFrame = first.rest ? first : last;
      const travelled = first.rest ? last : first;
      // Side by side on one row (depth by rows alone draws them as one plane), and below.
      const sky: [number, number] = [W * 0.2, H * 0.3];
      const structure: [number, number] = [W * 0.4, H * 0.3];
      const ground: [number, number] = [W * 0.4, H * 0.95];
      const seams = {
        skyStructure: parting(travelled, sky, structure, [W * 0.3, H * 0.3]),
        structureGround: parting(travelled, structure, ground, [W * 0.4, H * 0.62]),
      };
      const shown = JSON.stringify(seams, (_k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v));
      assert.ok(seams.skyStructure > 2, `${name}: sky and structure part by < 2 px: ${shown}`);
      assert.ok(seams.structureGround > 2, `${name}: structure and ground part by < 2 px: ${shown}`);
      // At rest: the layered frame equals the picture drawn flat under the rest transform.
      const png = await sharp(picture(W, H), { raw: { width: W, height: H, channels: 3 } })
        .png()
        .toBuffer();
      const info = await probeImage(png, 50_000_000, 'image');
      const decode = () => decodeSource(png, info, { scale: 1, levelCount: 3, maxPixels: 50_000_000, field: 'image' });
      const a = new Uint8Array(ow * oh * 4);
      const b = new Uint8Array(a.length);
      new FramePainter([await decode()], ow, oh).paint(restFrame, a);
      new FramePainter([await decode()], ow, oh).paint(
        { ...restFrame, layers: [{ source: 0, alpha: 1, samples: restFrame.layers[0]!.samples }] },
        b,
      );
      let se = 0;
      let off = 0;
      let worst = 0;
      for (let i = 0; i < a.length; i++) {
        if (i % 4 === 3) continue;
        const d = Math.abs(a[i]! - b[i]!);
        se += d * d;
        if (d > 8) off++;
        worst = Math.max(worst, d);
      }
      const psnr = 10 * Math.log10((255 * 255) / Math.max(1e-9, se / ((a.length * 3) / 4)));
      // As the layered pictures' rest frames are held to (depth-scene.test.ts): no seam at a layer's edge.
      assert.ok(
        psnr > 45 && off === 0,
        `${name}: at rest PSNR ${psnr.toFixed(1)} dB, ${off} values off by > 8 (most ${worst})`,
      );
    });
  }
});
