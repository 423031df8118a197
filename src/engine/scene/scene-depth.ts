/**
 * A picture's depth for the depth moves, from what the scene estimate found: the subject
 * layer (at depth 1, the unit of the camera's travel) when one separates, the far
 * background above the horizon, and the ground between, receding from the picture's bottom
 * row to the horizon. The ground's slope follows from where the subject stands (its feet
 * are on the ground at the subject's depth); with no subject the depths are scaled so the
 * centre of interest is at 1 — a dolly zoom keeps it its size, arcs and orbits turn about it.
 */
import type { ResolvedScene } from '../../core/task.js';
import type { SceneLayout } from '../render/frame-plan.js';
import { footAt, type GroundPlane } from './ground-plane.js';
import type { GroundContact } from './ground-contact.js';
import type { HorizonEstimate } from './horizon.js';
import { BACKGROUND_DEPTH, SUBJECT_DEPTH } from './layer-projection.js';
import type { SubjectMatte } from './subject-matte.js';

/** What the engine used, as recorded in the task's `resolved.scene`. */
export type SceneDepthRecord = Required<Pick<ResolvedScene, 'layers' | 'depth'>>;

/** The ground never comes nearer than this at the picture's bottom row. */
const NEAREST_GROUND = 0.8;
/** Without a subject: far background over nearest ground, in disparity. */
const GROUND_RANGE = 3;
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

/**
 * The layout and its record for a picture's subject matte (if any), horizon, ground contact
 * (if any: what stands on the ground, see ground-contact.ts) and centre of interest.
 */
export function sceneDepth(o: {
  matte?: SubjectMatte;
  horizon: HorizonEstimate;
  contact?: GroundContact;
  focusRow: number;
  /** Column of the centre of interest (fraction of the width); its depth is its column's foot's when it stands. */
  focusColumn?: number;
}): {
  layout: SceneLayout;
  record: SceneDepthRecord;
} {
  const h = o.horizon.row;
  const feet = o.contact?.feet;
  let far: number;
  let near: number;
  if (o.matte) {
    far = BACKGROUND_DEPTH;
    const feetRow = feetOf(o.matte);
    if (feetRow >= FEET_CUT || feetRow - h < 0.05) {
      near = GROUND_UNDER_BUST;
    } else {
      // Disparity is linear in the row: 1/far at the horizon, 1 (the subject's) at its feet.
      const disparity = 1 / far + (1 - 1 / far) * ((1 - h) / (feetRow - h));
      near = Math.max(NEAREST_GROUND, 1 / disparity);
    }
  } else {
    // Scale so the centre of interest's row is at depth 1, within the nearest ground; a
    // centre of interest on the far background puts that at 1 and the ground nearer.
    // (Shallow on a street whose centre of interest is up on the houses: far 1.2 over near
    // 0.8 on leuvenA. Putting the unit on the ground instead, far over near 2, read 1.6–5.5 %
    // parallax there on every depth move but Crane Up, at rest as before, but the camera
    // axes promise that with no subject the centre of interest slides the whole travel
    // (camera-control.test.ts 'horizontal +10', 'vertical +10'): it slid 0.71× as far.)
    // With ground contact the centre of interest is as deep as its column's foot, if it stands.
    const row = feet ? Math.max(o.focusRow, footAt({ horizon: h, near: 1, feet }, o.focusColumn ?? 0.5)) : o.focusRow;
    const k = Math.max(0, Math.min(1, (row - h) / Math.max(1e-6, 1 - h)));
    const dNear = 1 / NEAREST_GROUND;
    const compressed = (1 - dNear * k) / Math.max(1e-6, 1 - k);
    const farDisparity = compressed * GROUND_RANGE >= dNear ? compressed : 1 / (1 + (GROUND_RANGE - 1) * k);
    far = 1 / farDisparity;
    near = 1 / Math.min(dNear, farDisparity * GROUND_RANGE);
  }
  const ground: GroundPlane = { horizon: h, near, ...(feet && { feet }) };
  const standing = feet ? feet.filter((f) => f > h).length / feet.length : 0;
  const layout: SceneLayout = { depths: o.matte ? [far, SUBJECT_DEPTH] : [far], ground };
  return {
    layout,
    record: {
      layers: o.matte ? ['far background', 'ground', 'subject'] : ['far background', 'ground'],
      depth: {
        far: round(far),
        ground: {
          horizon: round(h),
          horizonFrom: o.horizon.source,
          near: round(near),
          ...(standing > 0 && { standing: round(standing) }),
        },
        ...(o.matte && { subject: SUBJECT_DEPTH }),
      },
    },
  };
}
