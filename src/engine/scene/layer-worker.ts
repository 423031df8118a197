/**
 * The layer thread's message loop (layer-thread.ts): each request is one task's pictures
 * and scenes, answered with their layers (buildSceneSources) and the stages timed on the
 * way, for the asker's stage clock. The pixels are shared memory: level 0 is filled in
 * place here and the layers' levels go back without a copy.
 */
import { parentPort } from 'node:worker_threads';
import type { PainterSource } from '../render/frame-painter.js';
import type { DecodedSource } from '../render/source-image.js';
import { withStageClock, type StageTime } from '../render/stage-clock.js';
import { buildSceneSources, type SceneEstimate } from './scene-sources.js';

export interface LayerRequest {
  id: number;
  decoded: DecodedSource[];
  scenes: SceneEstimate[];
  /** Whether the asker's stages are being timed (then they come back in `stages`). */
  timed: boolean;
}

export type LayerReply = { id: number; sources: PainterSource[]; stages: StageTime[] } | { id: number; error: string };

parentPort!.on('message', (req: LayerRequest) => {
  const stages: StageTime[] = [];
  const sink = req.timed ? (t: StageTime): void => void stages.push(t) : undefined;
  withStageClock(sink, () => buildSceneSources(req.decoded, req.scenes)).then(
    (sources) => parentPort!.postMessage({ id: req.id, sources, stages } satisfies LayerReply),
    (error: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies LayerReply),
  );
});
