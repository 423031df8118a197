/**
 * The vision thread's message loop: each request is one look at a picture (seeScene) or
 * the segmentation added to a look (segmentSubject), answered with its id. The models
 * load once in this thread, on its first request.
 */
import { parentPort } from 'node:worker_threads';
import type { RgbPicture } from './picture.js';
import { seeScene, segmentSubject, type SceneVision, type SeeOptions } from './scene-vision.js';

export type VisionRequest =
  | { id: number; op: 'see'; picture: RgbPicture; options: SeeOptions }
  | { id: number; op: 'segment'; picture: RgbPicture; vision: SceneVision };

export type VisionReply = { id: number; vision: SceneVision } | { id: number; error: string };

parentPort!.on('message', (req: VisionRequest) => {
  const work = req.op === 'see' ? seeScene(req.picture, req.options) : segmentSubject(req.picture, req.vision);
  work.then(
    (vision) => parentPort!.postMessage({ id: req.id, vision } satisfies VisionReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies VisionReply),
  );
});
