/**
 * The vision models' cost: per model, the first call (load + compile + run) and the warm
 * run, and the whole look the engine takes at a 12 MP photo (decode to the analysis size,
 * detector, faces, segmentation, the subject matte), with the longest stretch the event
 * loop was blocked meanwhile (the look runs in the vision thread).
 *
 *   npm run bench:vision [photo]      (default: a 4000 × 3000 JPEG made from a gradient
 *                                      with the astronaut inset when .cache/photos has it)
 *
 * Numbers depend on the machine's load; the ratio warm/first and the share of the 0.5 s
 * budget are what to compare between runs.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { detectFaces } from '../src/vision/face-detector.js';
import { detectObjects, INPUT_LONG } from '../src/vision/object-detector.js';
import { segmentPeople } from '../src/vision/person-segmenter.js';
import { analysisPicture, seePicture } from '../src/vision/see-picture.js';
import { tfReady } from '../src/vision/tf-runtime.js';
import { matteFromVision } from '../src/engine/scene/vision-matte.js';
import { prepareRender } from '../src/engine/render/prepare-render.js';

const ms = (t: number): string => `${t.toFixed(0)} ms`;

async function photo12mp(): Promise<Buffer> {
  const arg = process.argv[2];
  if (arg) return readFile(arg);
  const inset = '.cache/photos/astronaut.png';
  const base = sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 90, g: 120, b: 80 } } });
  const layers = existsSync(inset)
    ? [{ input: await sharp(inset).resize(1800, 1800).toBuffer(), left: 1100, top: 900 }]
    : [];
  return base.composite(layers).jpeg({ quality: 90 }).toBuffer();
}

const t0 = performance.now();
await tfReady();
console.log(`tfjs wasm backend ready: ${ms(performance.now() - t0)}`);
const image = await photo12mp();
const meta = await sharp(image).metadata();
const pic = await analysisPicture(image, 100_000_000);
const whole = { x: 0, y: 0, w: pic.width, h: pic.height };
for (const [name, run] of [
  ['nanodet (COCO detector) at its export size, 416 long', () => detectObjects(pic, undefined, 416)],
  [`nanodet (COCO detector) at the engine's ${INPUT_LONG} long`, () => detectObjects(pic)],
  ['blazeface-back (faces, 256²)', () => detectFaces(pic)],
  ['selfie (person segmentation, 256²)', () => segmentPeople(pic, whole)],
] as const) {
  const a = performance.now();
  await run();
  const first = performance.now() - a;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const b = performance.now();
    await run();
    warm.push(performance.now() - b);
  }
  warm.sort((x, y) => x - y);
  console.log(`${name}: first ${ms(first)}, warm median ${ms(warm[2]!)} (min ${ms(warm[0]!)})`);
}
// The engine's whole look at the photo, as prepareRender takes it (fresh Buffer: no cache).
const h = monitorEventLoopDelay({ resolution: 5 });
const looks: number[] = [];
for (let i = 0; i < 3; i++) {
  const copy = Buffer.from(image);
  h.enable();
  const a = performance.now();
  const v = await seePicture(copy, 100_000_000, { faces: true, matte: true });
  const thumb = await sharp(Buffer.from(pic.data), { raw: { width: pic.width, height: pic.height, channels: 3 } })
    .resize(256, 256, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  matteFromVision(v, thumb.data, thumb.info.width, thumb.info.height);
  looks.push(performance.now() - a);
  h.disable();
  if (i === 0) console.log(`saw: ${v.subject} ${v.label ?? ''} ${v.confidence}, ${v.faces.length} face(s)`);
}
looks.sort((x, y) => x - y);
console.log(
  `scene look at a ${meta.width}×${meta.height} photo: median ${ms(looks[1]!)} (min ${ms(looks[0]!)}) = ${(looks[1]! / 500).toFixed(2)}× the 0.5 s budget`,
);
console.log(
  `event loop blocked at most ${ms(h.max / 1e6)} at a stretch during the looks (mean delay ${ms(h.mean / 1e6)})`,
);

// The whole preparation of a 720p Arc Right (decode, look, layers) on the same photo, and the
// same for a plain Tilt (no layers: decode and look only), each on a fresh Buffer.
for (const motion of ['Tilt Up', 'Arc Right']) {
  const times: number[] = [];
  for (let i = 0; i < 2; i++) {
    const a = performance.now();
    await prepareRender(
      {
        taskId: 'b',
        model: 'lite',
        motions: [{ name: motion, strength: 1 }],
        prompt: '',
        enhancePrompt: false,
        seed: 1,
        width: 1280,
        height: 720,
        duration: 5,
        fps: 24,
        images: [Buffer.from(image)],
      },
      { maxImagePixels: 100_000_000 },
    );
    times.push(performance.now() - a);
  }
  console.log(`prepareRender ${motion} 720p from the ${meta.width}×${meta.height} photo: ${times.map(ms).join(', ')}`);
}
