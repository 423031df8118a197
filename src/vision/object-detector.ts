/**
 * COCO object detection with NanoDet (RangiLyu/nanodet, Apache-2.0; the tfjs conversion
 * carried in models/). One 416 × 416 letterboxed pass over the whole picture: three heads
 * (strides 8, 16, 32), each cell giving 80 class scores and, per side, a distribution over
 * 11 distance bins (generalised focal loss): the distance is the distribution's mean, in
 * strides. Boxes over a score floor go through per-class non-maximum suppression.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { graphModel } from './model-store.js';
import { boxToPicture, iou, letterbox, type Box, type RgbPicture } from './picture.js';
import { tfReady } from './tf-runtime.js';

export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
] as const;

export interface Detection {
  label: (typeof COCO_LABELS)[number];
  score: number;
  /** In picture pixels. */
  box: Box;
}

const INPUT = 416;
const BINS = 11;
/** Detections below this score are dropped (NanoDet's own demo uses 0.35; a little lower keeps small kites). */
export const MIN_DETECTION_SCORE = 0.3;
const NMS_IOU = 0.5;
/** NanoDet's training normalisation (BGR order): (x − mean) / std. */
const MEAN_BGR = [103.53, 116.28, 123.675];
const STD_BGR = [57.375, 57.12, 58.395];

/** Detected objects in `picture`, best first. */
export async function detectObjects(picture: RgbPicture, minScore = MIN_DETECTION_SCORE): Promise<Detection[]> {
  const tf = await tfReady();
  const model = await graphModel('nanodet');
  const { input, map } = letterbox(tf, picture, { x: 0, y: 0, w: picture.width, h: picture.height }, INPUT);
  const x = tf.tidy(() => {
    const bgr = tf.reverse(input, -1);
    const norm = tf.div(tf.sub(bgr, tf.tensor1d(MEAN_BGR)), tf.tensor1d(STD_BGR));
    return tf.transpose(norm, [0, 3, 1, 2]);
  });
  input.dispose();
  const outputs = model.execute(x) as Tensor[];
  x.dispose();
  const found: Detection[] = [];
  try {
    for (const stride of [8, 16, 32]) {
      const cells = (INPUT / stride) ** 2;
      const scoresT = outputs.find((t) => t.shape[1] === cells && t.shape[2] === COCO_LABELS.length)!;
      const distT = outputs.find((t) => t.shape[1] === cells && t.shape[2] === 4 * BINS)!;
      const scores = (await scoresT.data()) as Float32Array;
      const dist = (await distT.data()) as Float32Array;
      const side = INPUT / stride;
      for (let i = 0; i < cells; i++) {
        let best = 0;
        let cls = -1;
        for (let c = 0; c < COCO_LABELS.length; c++) {
          const s = scores[i * COCO_LABELS.length + c]!;
          if (s > best) {
            best = s;
            cls = c;
          }
        }
        if (best < minScore) continue;
        const cx = ((i % side) + 0.5) * stride;
        const cy = (Math.floor(i / side) + 0.5) * stride;
        const d = [0, 1, 2, 3].map((k) => expectedBin(dist, (i * 4 + k) * BINS) * stride);
        const u0 = Math.max(0, cx - d[0]!);
        const v0 = Math.max(0, cy - d[1]!);
        const u1 = Math.min(INPUT, cx + d[2]!);
        const v1 = Math.min(INPUT, cy + d[3]!);
        found.push({ label: COCO_LABELS[cls]!, score: best, box: clip(boxToPicture(map, u0, v0, u1 - u0, v1 - v0), picture) });
      }
    }
  } finally {
    for (const t of outputs) t.dispose();
  }
  return suppress(found);
}

/** The mean bin of a softmax over BINS logits starting at `at`. */
function expectedBin(logits: Float32Array, at: number): number {
  let max = -Infinity;
  for (let k = 0; k < BINS; k++) max = Math.max(max, logits[at + k]!);
  let sum = 0;
  let mean = 0;
  for (let k = 0; k < BINS; k++) {
    const e = Math.exp(logits[at + k]! - max);
    sum += e;
    mean += k * e;
  }
  return mean / sum;
}

function clip(b: Box, p: RgbPicture): Box {
  const x0 = Math.max(0, b.x);
  const y0 = Math.max(0, b.y);
  const x1 = Math.min(p.width, b.x + b.w);
  const y1 = Math.min(p.height, b.y + b.h);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/** Per-class greedy non-maximum suppression, best first. */
function suppress(all: Detection[]): Detection[] {
  const sorted = [...all].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (d.box.w < 1 || d.box.h < 1) continue;
    if (kept.some((k) => k.label === d.label && iou(k.box, d.box) > NMS_IOU)) continue;
    kept.push(d);
  }
  return kept;
}
