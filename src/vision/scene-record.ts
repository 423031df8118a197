/**
 * The `resolved.scene` record of a task: what the engine understood of its first picture,
 * in terms a user can check against the picture (normalised boxes, rounded).
 */
import type { ResolvedScene } from '../core/task.js';
import type { SceneVision } from './scene-vision.js';

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * The record for a look (undefined: the models could not run, the colour estimates stood
 * in). `aimed` is the face point a face move used, when it came from a face.
 */
export function sceneRecord(vision: SceneVision | undefined, aimed?: { x: number; y: number }): ResolvedScene {
  if (!vision) return { subject: 'none', confidence: 0, method: 'heuristic' };
  const out: ResolvedScene = {
    subject: vision.subject,
    confidence: vision.confidence,
    faces: vision.faces.length,
    method: 'vision',
  };
  if (vision.label) out.label = vision.label;
  const chosen = vision.face && vision.faces[vision.face.index];
  if (chosen && vision.face) {
    const others = vision.faces.length - 1;
    const because =
      vision.face.reason === 'only face'
        ? 'the only face found'
        : vision.face.reason === 'largest'
          ? `the largest of ${others + 1} faces`
          : `the most central of ${others + 1} faces (a larger one is near the edge)`;
    out.face = {
      x: r3(chosen.box.x),
      y: r3(chosen.box.y),
      w: r3(chosen.box.w),
      h: r3(chosen.box.h),
      chosenBecause: because,
    };
  }
  if (aimed && !chosen && vision.subject === 'person')
    out.face = {
      x: r3(aimed.x),
      y: r3(aimed.y),
      w: 0,
      h: 0,
      chosenBecause: 'no face visible: the head at the top of the person',
    };
  return out;
}

/** The record's subject where the detector saw none and the colour estimate found one (scene-sources.ts). */
export function salientRecord(salient: {
  confidence: number;
  box: { x: number; y: number; w: number; h: number };
}): Pick<ResolvedScene, 'subject' | 'confidence' | 'source' | 'box'> {
  const b = salient.box;
  return {
    subject: 'object',
    confidence: salient.confidence,
    source: 'saliency',
    box: { x: r3(b.x), y: r3(b.y), w: r3(b.w), h: r3(b.h) },
  };
}
