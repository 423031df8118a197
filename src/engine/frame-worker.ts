/**
 * Worker-thread body: builds a FramePainter from shared source pixels and paints the
 * frames it is sent into shared output slots, answering with the frame index.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FramePainter } from './frame-painter.js';
import type { FrameInstructions } from './frame-plan.js';
import type { DecodedSource } from './source-image.js';

export interface FrameWorkerData {
  sources: DecodedSource[];
  width: number;
  height: number;
  slots: SharedArrayBuffer[];
}

export type FrameWorkerRequest = { type: 'frame'; index: number; slot: number; frame: FrameInstructions };
export type FrameWorkerReply = { type: 'done'; index: number } | { type: 'error'; index: number; message: string };

if (parentPort) {
  const port = parentPort;
  const data = workerData as FrameWorkerData;
  const painter = new FramePainter(data.sources, data.width, data.height);
  const targets = data.slots.map((s) => new Uint8Array(s));
  port.on('message', (msg: FrameWorkerRequest) => {
    try {
      painter.paint(msg.frame, targets[msg.slot]!);
      port.postMessage({ type: 'done', index: msg.index } satisfies FrameWorkerReply);
    } catch (err) {
      port.postMessage({ type: 'error', index: msg.index, message: err instanceof Error ? err.message : String(err) } satisfies FrameWorkerReply);
    }
  });
}
