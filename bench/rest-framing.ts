/**
 * Does a depth move start on the framed picture? For every photo in a folder (default
 * .cache/photos) and every depth move, the render plan (the one engine.render draws, from
 * prepareRender at 480×270 lite, 2 s) is read at frame 0: whether it is at rest (one
 * sample, every layer under one transform), and how far its far layer's transform is from
 * the 2-D framing of the move's own start (the start's pan, zoom and roll, covered as a
 * 2-D move with the same zoom and roll over the clip would be): the crop ratio and the
 * largest corner distance (output px).
 * "framed" = at rest, within 1 px of that framing. Also the largest crop over the clip
 * (relative to the cover scale) and the smallest margin by which the far layer still
 * covers the frame over every frame and sample (negative: something outside the picture
 * would show, were the painter not to clamp).
 *
 *   node --import tsx bench/rest-framing.ts [photo dir] [motion, ...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareRender } from '../src/engine/render/prepare-render.js';
import { buildCameraPath } from '../src/engine/motion/camera-path.js';
import { findMotionDefinition } from '../src/engine/motion/motion-definitions.js';
import { DEFAULT_MODIFIERS } from '../src/engine/motion/prompt-modifiers.js';
import { layerPose, SUBJECT_DEPTH } from '../src/engine/scene/layer-projection.js';
import {
  coverScale,
  maxOffsets,
  poseTransform,
  requiredZoom,
  type FrameGeometry,
} from '../src/engine/framing/framing.js';
import { probeImage } from '../src/engine/render/source-image.js';
import { affineScale, applyAffine, invertAffine, type Affine } from '../src/engine/maths/affine.js';

const DEPTH_MOVES = ['Arc Right', 'Arc Left', '360 Orbit', 'Bullet Time', 'Dolly Zoom In', 'Dolly In'];
const W = 480;
const H = 270;
const SECONDS = 2;
const FPS = 24;

const dir = process.argv[2] ?? '.cache/photos';
const moves = process.argv.length > 3 ? process.argv.slice(3) : DEPTH_MOVES;
const photos = readdirSync(dir)
  .filter((f) => /\.(png|jpe?g)$/i.test(f) && !/GT\.png$/.test(f))
  .sort();

/** Output px by which the rectangle [0,W]×[y0,y1] stays inside the picture through `m` (negative: outside). */
function margin(m: Affine, iw: number, ih: number, y0: number, y1: number, top: boolean, bottom: boolean): number {
  const inv = invertAffine(m);
  const s = affineScale(m);
  let worst = Infinity;
  for (const [x, y] of [
    [0, y0],
    [W, y0],
    [0, y1],
    [W, y1],
  ] as const) {
    const [px, py] = applyAffine(inv, x, y);
    worst = Math.min(worst, px * s, (iw - px) * s);
    if (top) worst = Math.min(worst, py * s);
    if (bottom) worst = Math.min(worst, (ih - py) * s);
  }
  return worst;
}

const fmt = (v: number, d = 3): string => v.toFixed(d);
const totals = new Map<
  string,
  { rest: number; framed: number; n: number; crops: number[]; parallax: number[]; worst: number }
>();
for (const file of photos) {
  const bytes = readFileSync(join(dir, file));
  for (const motion of moves) {
    const prepared = await prepareRender(
      {
        taskId: 'rest-framing',
        model: 'lite',
        motions: [{ name: motion, strength: 1 }],
        prompt: '',
        enhancePrompt: false,
        seed: 1,
        width: W,
        height: H,
        duration: SECONDS,
        fps: FPS,
        images: [bytes],
      },
      { maxImagePixels: 50_000_000 },
    );
    const { plan, timing, resolved } = prepared;
    const { width: iw, height: ih } = await probeImage(bytes, 50_000_000, 'image[0]');
    const g: FrameGeometry = {
      imageWidth: iw,
      imageHeight: ih,
      outWidth: timing.width,
      outHeight: timing.height,
      focusX: resolved.focus!.x * iw,
      focusY: resolved.focus!.y * ih,
    };
    const path = buildCameraPath({
      motions: [{ definition: findMotionDefinition(motion)!, strength: 1 }],
      modifiers: DEFAULT_MODIFIERS,
      seed: 1,
      span: (timing.frames - 1) / timing.fps,
    });
    // The 2-D framing of the start (where the picture's layers line up): the start's pose
    // framed as a 2-D move with the same zoom and roll over the clip would frame it.
    const start = layerPose(path.poseAt(0), SUBJECT_DEPTH);
    const off = maxOffsets(g, [start]);
    let z2d = 1;
    for (let i = 0; i < timing.frames; i++) {
      const p = path.poseAt((i / Math.max(1, timing.frames - 1)) * path.span);
      z2d = Math.max(z2d, requiredZoom(g, { ...start, zoom: p.zoom, roll: p.roll }, off));
    }
    const framing = poseTransform(g, start, z2d, off);
    const f0 = plan.frameAt(0);
    const a0 = f0.layers[0]!.samples[0]!;
    const inv = invertAffine(a0);
    let dist = 0;
    for (const [x, y] of [
      [0, 0],
      [timing.width, 0],
      [0, timing.height],
      [timing.width, timing.height],
    ] as const) {
      const [px, py] = applyAffine(inv, x, y);
      const [qx, qy] = applyAffine(framing, px, py);
      dist = Math.max(dist, Math.hypot(qx - x, qy - y));
    }
    const crop0 = affineScale(a0) / affineScale(framing);
    const cover = coverScale(g);
    let maxCrop = 0;
    let worst = Infinity;
    for (let i = 0; i < plan.frames; i++) {
      for (const layer of plan.frameAt(i).layers.filter((l) => l.source === 0)) {
        for (const m of layer.samples) {
          maxCrop = Math.max(maxCrop, affineScale(m) / cover);
          const [r0, r1] = layer.rows ?? [0, ih];
          const y0 = Math.max(0, applyAffine(m, iw / 2, r0)[1]);
          const y1 = Math.min(timing.height, applyAffine(m, iw / 2, r1)[1]);
          if (y1 > y0) worst = Math.min(worst, margin(m, iw, ih, y0, y1, r0 <= 0, r1 >= ih));
        }
      }
    }
    // The plan's parallax: how far the far layer moves against the front one (subject, or
    // nearest ground band) at the centre of interest, first frame to last, % of the width.
    const gap = (i: number): [number, number] => {
      const layers = plan.frameAt(i).layers;
      const far = applyAffine(layers[0]!.samples[0]!, g.focusX, g.focusY);
      const front = applyAffine(layers.at(-1)!.samples[0]!, g.focusX, g.focusY);
      return [far[0] - front[0], far[1] - front[1]];
    };
    const [g0, g1] = [gap(0), gap(plan.frames - 1)];
    const parallax = (Math.hypot(g1[0] - g0[0], g1[1] - g0[1]) / timing.width) * 100;
    const rest = f0.rest === true;
    const lands = plan.frameAt(plan.frames - 1).rest === true;
    const framed = rest && dist < 1;
    console.log(
      `${file.padEnd(22)} ${motion.padEnd(14)} rest ${rest ? 'yes' : 'no '} framed ${framed ? 'yes' : 'no '} crop0 ${fmt(crop0)} off ${fmt(dist, 1)} px  max crop ${fmt(maxCrop)}  cover margin ${fmt(worst, 1)} px  parallax ${fmt(parallax, 1)} %  layers ${f0.layers.length}${lands ? '  lands at rest' : ''}`,
    );
    const t = totals.get(motion) ?? { rest: 0, framed: 0, n: 0, crops: [], parallax: [], worst: Infinity };
    t.n++;
    if (rest) t.rest++;
    if (framed) t.framed++;
    t.crops.push(maxCrop);
    t.parallax.push(parallax);
    t.worst = Math.min(t.worst, worst);
    totals.set(motion, t);
  }
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
console.log('\nmotion          at rest  framed  median max crop  median parallax %  worst cover margin (px)');
for (const [motion, t] of totals) {
  console.log(
    `${motion.padEnd(15)} ${`${t.rest}/${t.n}`.padEnd(8)} ${`${t.framed}/${t.n}`.padEnd(7)} ${fmt(median(t.crops)).padEnd(16)} ${fmt(median(t.parallax), 1).padEnd(18)} ${fmt(t.worst, 1)}`,
  );
}
