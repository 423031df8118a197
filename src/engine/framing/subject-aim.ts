/**
 * Which point of what the vision models found an aimed 2-D move (Crash Zoom In, Push) goes
 * for, or none, so the caller falls back to the saliency estimate.
 *
 * - A person the detector doubts (doubtfulPerson): none.
 * - A small object the detector is unsure of: none. Under SMALL_SHARE of the picture and
 *   scored under SURE_OBJECT it is as often a detail as the subject (a parked car under a
 *   hotel's facade, a bird over a palace, a terracotta pot called an "orange" under an aloe
 *   that fills the frame), and a 2.6× crash zoom that commits to a detail near the edge
 *   throws the rest of the picture, the subject included, out of the frame.
 * - A person: the largest face found in its box (the face moves' face may be another
 *   person's); with none, its head: HEAD_DROP of the box's width below its top (a head is
 *   about a third as wide as the shoulders that set a figure's box), not a fixed 0.3 of a
 *   standing figure's height, which ends a crash zoom on the chest with the head cut by the
 *   frame's top edge.
 * - Otherwise the vision's aim (the chosen face in the person's box, the object's middle).
 */
import type { NormBox, SceneVision } from '../../vision/scene-vision.js';
import { doubtfulPerson } from '../scene/vision-matte.js';

/** Below this share of the picture an object must be SURE_OBJECT to be aimed at. */
export const SMALL_SHARE = 0.1;
/** A detection this sure is aimed at whatever its size (a kite in the sky). */
export const SURE_OBJECT = 0.5;
/** How far below a person box's top its head's middle is, in box widths. */
const HEAD_DROP = 0.3;

/** The normalised point aimed moves go for, or undefined where the look should not steer them. */
export function subjectAim(look: SceneVision | undefined): { x: number; y: number } | undefined {
  if (!look?.aim || !look.box || doubtfulPerson(look)) return undefined;
  const b = look.box;
  if (look.subject === 'object' && b.w * b.h < SMALL_SHARE && look.confidence < SURE_OBJECT) return undefined;
  if (look.subject !== 'person') return look.aim;
  const faces = look.faces.filter((f) => centreIn(f.box, b));
  const chosen = look.face && look.faces[look.face.index];
  if (chosen && faces.includes(chosen)) return look.aim;
  // The face moves' face is another person's: this person's own largest face.
  const own = faces.sort((p, q) => q.box.w * q.box.h - p.box.w * p.box.h)[0];
  if (own) return { x: own.box.x + own.box.w / 2, y: own.box.y + own.box.h / 2 };
  // In picture pixels: the drop is a share of the box's width.
  const drop = (HEAD_DROP * b.w * look.width) / look.height;
  return { x: b.x + b.w / 2, y: b.y + Math.min(0.3 * b.h, drop) };
}

function centreIn(a: NormBox, b: NormBox): boolean {
  const cx = a.x + a.w / 2;
  const cy = a.y + a.h / 2;
  return cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h;
}
