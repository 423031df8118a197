/**
 * Face detection with landmarks: MediaPipe BlazeFace, the "back camera" (full-range)
 * model (Apache-2.0; the tfjs conversion carried in models/). 256 × 256 input in −1..1;
 * 896 anchors (16 × 16 cells × 2 at stride 16, then 8 × 8 × 6 at stride 32); each gives a
 * score logit and 16 numbers: the box centre offset and size, then six key points (the
 * subject's right eye, left eye, nose tip, mouth centre, right ear, left ear) as offsets
 * from the anchor, in input pixels.
 *
 * A face a few percent of a wide shot's width is a handful of input pixels on the whole
 * picture, below what the model sees, so the caller may also pass regions (the upper part
 * of each person the detector found) that are searched at full input resolution; the
 * faces found are mapped back to picture pixels and merged.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { graphModel } from './model-store.js';
import { iou, letterbox, type Box, type Letterbox, type RgbPicture } from './picture.js';
import { tfReady } from './tf-runtime.js';

export interface Point {
  x: number;
  y: number;
}

export interface Face {
  score: number;
  /** In picture pixels. */
  box: Box;
  /** The eye on the picture's left and the one on its right, picture pixels. */
  eyes: [Point, Point];
  mouth: Point;
  nose: Point;
}

const INPUT = 256;
const ANCHORS = anchors();
/** BlazeFace's usual threshold for the back model is 0.5; faces in profile score lower. */
export const MIN_FACE_SCORE = 0.75;
const NMS_IOU = 0.3;

function anchors(): Point[] {
  const out: Point[] = [];
  for (const [stride, count] of [
    [16, 2],
    [32, 6],
  ] as const) {
    const cells = INPUT / stride;
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < count; n++) out.push({ x: (gx + 0.5) * stride, y: (gy + 0.5) * stride });
      }
    }
  }
  return out;
}

/**
 * Faces in the whole picture (unless `whole` is false: the regions are known to hold every
 * face that matters) and in each of `regions`, merged, best first.
 */
export async function detectFaces(
  picture: RgbPicture,
  regions: Box[] = [],
  minScore = MIN_FACE_SCORE,
  whole = true,
): Promise<Face[]> {
  const all: Face[] = [];
  const searched =
    whole || regions.length === 0 ? [{ x: 0, y: 0, w: picture.width, h: picture.height }, ...regions] : regions;
  for (const region of searched) all.push(...(await detectIn(picture, region, minScore)));
  const sorted = all.sort((a, b) => b.score - a.score);
  const kept: Face[] = [];
  for (const f of sorted) if (!kept.some((k) => iou(k.box, f.box) > NMS_IOU)) kept.push(f);
  return kept;
}

async function detectIn(picture: RgbPicture, region: Box, minScore: number): Promise<Face[]> {
  const tf = await tfReady();
  const model = await graphModel('blazeface-back');
  const { input, map } = letterbox(tf, picture, region, INPUT);
  const x = tf.tidy(() => tf.sub(tf.div(input, 127.5), 1));
  input.dispose();
  const outputs = model.execute(x) as Tensor[];
  x.dispose();
  try {
    // Four outputs: scores and boxes of the 512 stride-16 anchors and of the 384 stride-32 ones.
    const pick = (cells: number, depth: number): Float32Array =>
      outputs.find((t) => t.shape[1] === cells && t.shape[2] === depth)!.dataSync() as Float32Array;
    const scores = [pick(512, 1), pick(384, 1)];
    const boxes = [pick(512, 16), pick(384, 16)];
    const faces: Face[] = [];
    let a = 0;
    for (let head = 0; head < 2; head++) {
      const s = scores[head]!;
      const b = boxes[head]!;
      for (let i = 0; i < s.length; i++, a++) {
        const score = 1 / (1 + Math.exp(-Math.max(-80, Math.min(80, s[i]!))));
        if (score < minScore) continue;
        faces.push(decode(b, i * 16, ANCHORS[a]!, map, score));
      }
    }
    return faces;
  } finally {
    for (const t of outputs) t.dispose();
  }
}

function decode(r: Float32Array, at: number, anchor: Point, map: Letterbox, score: number): Face {
  const p = (u: number, v: number): Point => ({ x: map.x0 + u * map.scale, y: map.y0 + v * map.scale });
  const cx = anchor.x + r[at]!;
  const cy = anchor.y + r[at + 1]!;
  const w = r[at + 2]!;
  const h = r[at + 3]!;
  const kp = (k: number): Point => p(anchor.x + r[at + 4 + 2 * k]!, anchor.y + r[at + 5 + 2 * k]!);
  const e0 = kp(0);
  const e1 = kp(1);
  const tl = p(cx - w / 2, cy - h / 2);
  return {
    score,
    box: { x: tl.x, y: tl.y, w: w * map.scale, h: h * map.scale },
    eyes: e0.x <= e1.x ? [e0, e1] : [e1, e0],
    nose: kp(2),
    mouth: kp(3),
  };
}
