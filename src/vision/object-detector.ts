/**
 * COCO object detection with NanoDet (RangiLyu/nanodet, Apache-2.0; the tfjs conversion
 * carried in models/). One pass over the whole picture, fitted into INPUT_LONG² without the
 * letterbox's black margins (a 4:3 picture is a 320 × 256 input, not 320² with a fifth of
 * it padding): three heads
 * (strides 8, 16, 32), each cell giving 80 class scores and, per side, a distribution over
 * 11 distance bins (generalised focal loss): the distance is the distribution's mean, in
 * strides. Boxes over a score floor go through per-class non-maximum suppression.
 *
 * The carried graph is fully convolutional but was exported for a 416² input: its input
 * placeholder says so, and its feature pyramid's four bilinear resizes take their output
 * sizes from constants (26², 52², 26², 13²). `openInputSize` turns those four constants into
 * inputs fed with the sizes for the input at hand, so one loaded model runs at any input
 * size that is a multiple of 32 (the model file itself is unchanged).
 */
import type { Tensor } from '@tensorflow/tfjs';
import { graphModel, type GraphJson } from './model-store.js';
import { boxToPicture, fittedInput, iou, letterboxPixels, type Box, type RgbPicture } from './picture.js';
import { tfReady } from './tf-runtime.js';

export const COCO_LABELS = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
] as const;

export interface Detection {
  label: (typeof COCO_LABELS)[number];
  score: number;
  /** In picture pixels. */
  box: Box;
}

/**
 * The long side of the detector's input (px). The model was exported at 416; at 320 a
 * 12 MP look's detector pass costs about half (bench:vision), and on the 16 labelled photos
 * of bench/scene-labels.json the subject box IoU held (mean 0.610 at 320 fitted, 0.606 at 416
 * square; a subject found on the same 14 of 16; the same faces and eyes found), though
 * some labels of wrong guesses changed (a squirrel: "bear" → "bird").
 */
export const INPUT_LONG = 320;
/** The coarsest head's stride: every input side is a multiple of it. */
const STEP = 32;
const BINS = 11;
/** The graph's resize-size constants, by their 416² value → the stride of the size they stand for. */
const RESIZES: Record<string, number> = {
  'PartitionedCall/Cast_1': 16,
  'PartitionedCall/Cast_3': 8,
  'PartitionedCall/Cast_5': 16,
  'PartitionedCall/Cast_7': 32,
};
/** Detections below this score are dropped (NanoDet's own demo uses 0.35; a little lower keeps small kites). */
export const MIN_DETECTION_SCORE = 0.3;
const NMS_IOU = 0.5;
/** NanoDet's training normalisation (BGR order): (x − mean) / std. */
const MEAN_BGR = [103.53, 116.28, 123.675];
const STD_BGR = [57.375, 57.12, 58.395];

/**
 * Makes the graph's input size free (see the file's comment): the input placeholder's height
 * and width become −1 and the four resize sizes become int32 placeholders of their own. The
 * signature goes (it names only the image input and fixes its size); the outputs are told
 * apart by their shapes.
 */
export function openInputSize(json: GraphJson): void {
  for (const node of json.modelTopology.node) {
    if (node.name === 'input_1') {
      node.attr = {
        ...node.attr,
        shape: { shape: { dim: [{ size: '1' }, { size: '3' }, { size: '-1' }, { size: '-1' }] } },
      };
    } else if (node.name in RESIZES) {
      if (node.op !== 'Const')
        throw new Error(`nanodet: ${node.name} is a ${node.op}, not the resize size this code expects`);
      node.op = 'Placeholder';
      node.attr = { dtype: { type: 'DT_INT32' }, shape: { shape: { dim: [{ size: '2' }] } } };
    }
  }
  delete json.signature;
  if (json.userDefinedMetadata) delete json.userDefinedMetadata.signature;
}

/** Detected objects in `picture`, best first; `long` is the input's long side (a multiple of 32). */
export async function detectObjects(
  picture: RgbPicture,
  minScore = MIN_DETECTION_SCORE,
  long = INPUT_LONG,
): Promise<Detection[]> {
  const tf = await tfReady();
  const model = await graphModel('nanodet', openInputSize);
  const whole = { x: 0, y: 0, w: picture.width, h: picture.height };
  const size = fittedInput(whole, long, STEP);
  const { data, map } = letterboxPixels(picture, whole, size);
  const feeds: Record<string, Tensor> = {};
  feeds.input_1 = tf.tensor4d(normalisedPlanes(data, size.width * size.height), [1, 3, size.height, size.width]);
  for (const [name, stride] of Object.entries(RESIZES))
    feeds[name] = tf.tensor1d([size.height / stride, size.width / stride], 'int32');
  const outputs = model.execute(feeds) as Tensor[];
  for (const t of Object.values(feeds)) t.dispose();
  const found: Detection[] = [];
  try {
    for (const stride of [8, 16, 32]) {
      const side = size.width / stride;
      const cells = side * (size.height / stride);
      const scoresT = outputs.find((t) => t.shape[1] === cells && t.shape[2] === COCO_LABELS.length)!;
      const distT = outputs.find((t) => t.shape[1] === cells && t.shape[2] === 4 * BINS)!;
      const scores = (await scoresT.data()) as Float32Array;
      const dist = (await distT.data()) as Float32Array;
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
        const u1 = Math.min(size.width, cx + d[2]!);
        const v1 = Math.min(size.height, cy + d[3]!);
        found.push({
          label: COCO_LABELS[cls]!,
          score: best,
          box: clip(boxToPicture(map, u0, v0, u1 - u0, v1 - v0), picture),
        });
      }
    }
  } finally {
    for (const t of outputs) t.dispose();
  }
  return suppress(found);
}

/**
 * Packed RGB (0..255) → NanoDet's input: BGR planes of (x − mean) / std. One pass here
 * instead of four tfjs ops (reverse, sub, div, transpose) with a tensor each, which in a
 * process's first look also paid their kernels' first calls. Each value is rounded to
 * float32 after the subtraction and after the division, as the float32 ops did, so the
 * model sees the same bits.
 */
export function normalisedPlanes(rgb: Float32Array, pixels: number): Float32Array {
  const out = new Float32Array(3 * pixels);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(MEAN_BGR[c]!);
    const std = Math.fround(STD_BGR[c]!);
    const from = 2 - c; // BGR plane c holds RGB channel 2 − c
    const at = c * pixels;
    for (let i = 0; i < pixels; i++) out[at + i] = Math.fround(rgb[i * 3 + from]! - mean) / std;
  }
  return out;
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
