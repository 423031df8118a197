/**
 * The vision thread's message loop: each request is one look at a picture (seeScene) or
 * the segmentation added to a look (segmentSubject), answered with its id. The models
 * load once in this thread, on its first request.
 */
import { parentPort } from 'node:worker_threads';
import type { RgbPicture } from './picture.js';
import { seeScene, segmentSubject, type SceneVision, type SeeOptions } from './scene-vision.js';
import { graphModel } from './model-store.js';
import { openInputSize } from './object-detector.js';
import { tfReady } from './tf-runtime.js';

export type VisionRequest =
  | { id: number; op: 'warm' }
  | { id: number; op: 'see'; picture: RgbPicture; options: SeeOptions }
  | { id: number; op: 'segment'; picture: RgbPicture; vision: SceneVision };

export type VisionReply = { id: number; vision: SceneVision | undefined } | { id: number; error: string };

/** Loads the runtime and the models every look runs (the detector, then faces), running nothing. */
async function warm(): Promise<undefined> {
  await tfReady();
  await graphModel('nanodet', openInputSize);
  await graphModel('blazeface-back');
  return undefined;
}

parentPort!.on('message', (req: VisionRequest) => {
  const work: Promise<SceneVision | undefined> =
    req.op === 'warm'
      ? warm()
      : req.op === 'see'
        ? seeScene(req.picture, req.options)
        : segmentSubject(req.picture, req.vision);
  work.then(
    (vision) => parentPort!.postMessage({ id: req.id, vision } satisfies VisionReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies VisionReply),
  );
});
