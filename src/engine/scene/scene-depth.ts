/**
 * A picture's depth for the depth moves, from what the scene estimate found: the subject
 * layer (at depth 1, the unit of the camera's travel) when one separates, the far
 * background above the horizon, and the ground between, receding from the picture's bottom
 * row to the horizon. The ground's slope follows from where the subject stands (its feet
 * are on the ground at the subject's depth); with no subject the ground comes as near as it
 * may and the far background is GROUND_RANGE times farther, the unit on the ground between.
 */
import type { ResolvedScene } from '../../core/task.js';
import type { SceneLayout } from '../frame-plan.js';
import type { GroundPlane } from './ground-plane.js';
import type { HorizonEstimate } from './horizon.js';
import { BACKGROUND_DEPTH, SUBJECT_DEPTH } from './layer-projection.js';
import type { SubjectMatte } from './subject-matte.js';

/** What the engine used, as recorded in the task's `resolved.scene`. */
export type SceneDepthRecord = Required<Pick<ResolvedScene, 'layers' | 'depth'>>;

/** The ground never comes nearer than this at the picture's bottom row. */
const NEAREST_GROUND = 0.8;
/**
 * Without a subject: far background over nearest ground, in disparity. Deeper reads more
 * parallax but an arc then needs a closer crop to start at rest than the plan allows
 * (frame-plan's MAX_REST_CROP; on a 4:3 street 2.5 already left frame 0 off the picture).
 */
const GROUND_RANGE = 2;
/** A subject whose matte reaches this far down stands below the frame (a bust, a close-up). */
const FEET_CUT = 0.95;
/** The ground's depth at the bottom under a subject that is cut by the frame. */
const GROUND_UNDER_BUST = 2;

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** The lowest row (fraction of the height) where the matte is mostly subject. */
export function feetOf(matte: SubjectMatte): number {
  for (let y = matte.height - 1; y >= 0; y--) {
    for (let x = 0; x < matte.width; x++) if (matte.alpha[y * matte.width + x]! > 0.5) return (y + 1) / matte.height;
  }
  return 1;
}

/** The layout and its record for a picture's subject matte (if any) and horizon (`focusRow` is no longer used). */
export function sceneDepth(o: { matte?: SubjectMatte; horizon: HorizonEstimate; focusRow?: number }): {
  layout: SceneLayout;
  record: SceneDepthRecord;
} {
  const h = o.horizon.row;
  let far: number;
  let near: number;
  if (o.matte) {
    far = BACKGROUND_DEPTH;
    const feet = feetOf(o.matte);
    if (feet >= FEET_CUT || feet - h < 0.05) {
      near = GROUND_UNDER_BUST;
    } else {
      // Disparity is linear in the row: 1/far at the horizon, 1 (the subject's) at its feet.
      const disparity = 1 / far + (1 - 1 / far) * ((1 - h) / (feet - h));
      near = Math.max(NEAREST_GROUND, 1 / disparity);
    }
  } else {
    // No subject: the travel's unit (depth 1) lies on the ground, which comes as near as
    // NEAREST_GROUND at the bottom row, and the far background is GROUND_RANGE times as far.
    // (Putting the unit at a centre of interest on the far background, as before, squeezed
    // far over near to 1.25 on a street: the near side slid 1.25× the designed travel and
    // the far side 1×, next to no parallax; now the far side slides 0.63× and the nearest
    // ground still 1.25×, so a track needs the same cover.)
    near = NEAREST_GROUND;
    far = NEAREST_GROUND * GROUND_RANGE;
  }
  const ground: GroundPlane = { horizon: h, near };
  const layout: SceneLayout = { depths: o.matte ? [far, SUBJECT_DEPTH] : [far], ground };
  return {
    layout,
    record: {
      layers: o.matte ? ['far background', 'ground', 'subject'] : ['far background', 'ground'],
      depth: {
        far: round(far),
        ground: { horizon: round(h), horizonFrom: o.horizon.source, near: round(near) },
        ...(o.matte && { subject: SUBJECT_DEPTH }),
      },
    },
  };
}
