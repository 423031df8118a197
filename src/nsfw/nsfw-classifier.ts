/**
 * The NSFW image classifier: nsfwjs's MobileNetV2 (224×224, five classes) on the shared
 * tfjs wasm runtime. The model files ship inside the `nsfwjs` npm package (as JS modules
 * holding the topology and the base64 weights) and are imported from node_modules; nothing
 * is fetched at install or run time.
 */
import sharp from '../sharp.js';
import { tfReady } from '../vision/tf-runtime.js';

/** nsfwjs's five classes, as probabilities that add up to 1. */
export interface NsfwScores {
  drawing: number;
  hentai: number;
  neutral: number;
  porn: number;
  sexy: number;
}

/** Scores one encoded image (JPEG, PNG, WebP...). */
export interface NsfwClassifier {
  classify(image: Buffer): Promise<NsfwScores>;
  /** Starts loading what it needs in the background. */
  warm?(): void;
}

const SIZE = 224;

type Model = { classify(input: unknown, topk?: number): Promise<{ className: string; probability: number }[]> };

let model: Promise<Model> | undefined;
let loads = 0;

/** How many times this process loaded the model (it should be once). */
export function nsfwModelLoads(): number {
  return loads;
}

/** Loads the model once per process; later callers share the same promise. */
function loadModel(): Promise<Model> {
  model ??= (async () => {
    await tfReady();
    const { load } = await import('nsfwjs/core');
    const { MobileNetV2Model } = await import('nsfwjs/models/mobilenet_v2');
    // nsfwjs logs a line about hosting the model yourself on every named load; we do host it.
    const info = console.info;
    console.info = () => undefined;
    try {
      loads++;
      const loaded = await load('MobileNetV2', { modelDefinitions: [MobileNetV2Model] } as never);
      return loaded as unknown as Model;
    } finally {
      console.info = info;
    }
  })().catch((error: unknown) => {
    model = undefined; // a failed load may be retried by the next task
    throw error;
  });
  return model;
}

/** The real classifier. Decoding and the resize to 224×224 are sharp's; inference is tfjs's. */
export class NsfwjsClassifier implements NsfwClassifier {
  /** Starts loading the model in the background (a worker process that will check images). */
  warm(): void {
    void loadModel().catch(() => undefined);
  }

  async classify(image: Buffer): Promise<NsfwScores> {
    const [net, tf] = await Promise.all([loadModel(), tfReady()]);
    // The whole picture squeezed to the model's square input, as nsfwjs itself resizes;
    // EXIF orientation applied, alpha flattened.
    const { data } = await sharp(image)
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(SIZE, SIZE, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = tf.tensor3d(new Int32Array(data), [SIZE, SIZE, 3], 'int32');
    try {
      const predictions = await net.classify(pixels, 5);
      const scores: NsfwScores = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
      for (const p of predictions) scores[p.className.toLowerCase() as keyof NsfwScores] = p.probability;
      return scores;
    } finally {
      pixels.dispose();
    }
  }
}
