/**
 * A picture's depth for the depth moves, from what the scene estimate found: the subject
 * layer (at depth 1, the unit of the camera's travel) when one separates, the far
 * background above the horizon, and the ground between, receding from the picture's bottom
 * row to the horizon. The ground's slope follows from where the subject stands (its feet
 * are on the ground at the subject's depth); with no subject the depths are scaled so the
 * centre of interest is at 1 — a dolly zoom keeps it its size, arcs and orbits turn about it.
 */
import type { ResolvedScene } from '../../core/task.js';
import type { CameraPath } from '../motion/camera-path.js';
import type { SceneLayout } from '../render/frame-plan.js';
import { footAt, groundDepthAt, type GroundPlane } from './ground-plane.js';
import type { GroundContact } from './ground-contact.js';
import type { HorizonEstimate } from './horizon.js';
import { BACKGROUND_DEPTH, SUBJECT_DEPTH } from './layer-projection.js';
import type { SkyColumns } from './sky-region.js';
import type { SubjectMatte } from './subject-matte.js';

/** What the engine used, as recorded in the task's `resolved.scene`. */
export type SceneDepthRecord = Required<Pick<ResolvedScene, 'layers' | 'depth'>>;

/**
 * The sky's disparity as a share of the far background's: it is drawn behind the far
 * background (a façade, the houses at a street's end), which under a depth move then parts
 * from it by 1 − SKY_SHARE of the far background's own travel.
 */
const SKY_SHARE = 0.4;
/** The ground never comes nearer than this at the picture's bottom row. */
const NEAREST_GROUND = 0.8;
/** Without a subject: far background over nearest ground, in disparity. */
const GROUND_RANGE = 3;
/** A subject whose matte reaches this far down stands below the frame (a bust, a close-up). */
const FEET_CUT = 0.95;
/** The ground's depth at the bottom under a subject that is cut by the frame. */
const GROUND_UNDER_BUST = 2;

/**
 * With ground contact and no subject, the nearest ground comes as near as the camera's
 * travel allows (see `travelNearest`): a dolly in closes at most this share of its distance.
 */
const CLOSEST_APPROACH = 0.6;
/** … a travel sideways or up and down slides it at most this much (cover widths) more than the centre of interest. */
const NEAR_SLIDE = 0.02;

/** How far a camera path travels: sideways or up and down (range), in (most) and out (most), in units of depth 1. */
export interface PathReach {
  lateral: number;
  forward: number;
  back: number;
  /** How far the view pans over the travel (range, cover widths or heights): an arc turns to hold depth 1. */
  pan?: number;
}

/** The reach of a camera path, from `frames` poses over its span. */
export function pathReach(path: CameraPath, frames: number): PathReach {
  let [x0, x1, y0, y1, z0, z1] = [Infinity, -Infinity, Infinity, -Infinity, Infinity, -Infinity];
  let [px0, px1, py0, py1] = [Infinity, -Infinity, Infinity, -Infinity];
  const n = Math.max(2, frames);
  for (let i = 0; i < n; i++) {
    const p = path.poseAt((i / (n - 1)) * path.span);
    [x0, x1, y0, y1, z0, z1] = [
      Math.min(x0, p.tx),
      Math.max(x1, p.tx),
      Math.min(y0, p.ty),
      Math.max(y1, p.ty),
      Math.min(z0, p.tz),
      Math.max(z1, p.tz),
    ];
    [px0, px1, py0, py1] = [Math.min(px0, p.x), Math.max(px1, p.x), Math.min(py0, p.y), Math.max(py1, p.y)];
  }
  return {
    lateral: Math.max(x1 - x0, y1 - y0),
    forward: Math.max(0, z1),
    back: Math.max(0, -z0),
    pan: Math.max(px1 - px0, py1 - py0),
  };
}

/**
 * The nearest the ground's bottom row may be (depth, the centre of interest at 1) for a
 * travel: a dolly in closes at most CLOSEST_APPROACH of its distance, a sideways or
 * vertical travel slides it at most NEAR_SLIDE more than the centre of interest (an arc
 * or a crane keeps it at NEAREST_GROUND), and a dolly out keeps NEAREST_GROUND (Dolly Zoom
 * Out on leuvenA read 1.45 → 1.29 % with the ground at 0.75).
 */
export function travelNearest(reach: PathReach): number {
  const { lateral, forward, back } = reach;
  return Math.max(
    forward / CLOSEST_APPROACH,
    lateral > 0 ? lateral / (lateral + NEAR_SLIDE) : 0,
    // A dolly out shrinks the nearest ground the most, and its cover crop with it: as before.
    back > 0 ? NEAREST_GROUND : 0,
  );
}

/** Cover widths two neighbouring standing columns may part by over the travel (a seam where a foot jumps). */
const FOOT_STEP_SEAM = 0.004;

/**
 * Feet raised where one column stands much nearer than its neighbour: a foot jumps where a
 * low wall in front ends, and the column above it — the house behind, the sky — would stand
 * at the low wall's depth, the column beside it at the house's: under the travel they would
 * tear apart along the column. Neighbouring columns' disparities then differ by at most
 * FOOT_STEP_SEAM over the travel's reach (the nearer one is raised: its lower rows are drawn
 * as ground), so a wall still joins the ground at its (raised) foot.
 */
export function limitFootSteps(
  feet: Float32Array,
  h: number,
  far: number,
  near: number,
  reach: PathReach,
): Float32Array {
  const span = Math.max(reach.lateral, reach.forward, reach.back);
  if (span <= 0) return feet;
  const maxStep = FOOT_STEP_SEAM / span;
  const ground: GroundPlane = { horizon: h, near };
  const disparity = Array.from(feet, (f) => (f > h ? 1 / groundDepthAt(ground, far, f) : 0));
  const limited = [...disparity];
  for (let c = 1; c < limited.length; c++)
    if (limited[c]! > 0 && limited[c - 1]! > 0) limited[c] = Math.min(limited[c]!, limited[c - 1]! + maxStep);
  for (let c = limited.length - 2; c >= 0; c--)
    if (limited[c]! > 0 && limited[c + 1]! > 0) limited[c] = Math.min(limited[c]!, limited[c + 1]! + maxStep);
  const d0 = 1 / far;
  const d1 = 1 / near;
  return Float32Array.from(feet, (f, c) =>
    limited[c]! < disparity[c]! ? h + ((limited[c]! - d0) / Math.max(1e-9, d1 - d0)) * (1 - h) : f,
  );
}

/**
 * The sky's depth behind a far background at `far` (nearest ground `near`, a subject at 1
 * or not): SKY_SHARE of the far background's disparity, unless the camera turns with its
 * travel (an arc, an orbit holding depth 1 still). There what is farther slides the more
 * the farther it is, and the frame is cropped for the layer that slides most: the sky then
 * slides no more than a layer already there slides that way (leuvenA's Arc Right, with the
 * sky three times the far houses' depth: probe parallax 2.31 → 1.48 %, its travel shortened
 * for the crop; bounded by the nearest ground's slide the other way, 2.00 %).
 */
export function skyDepth(far: number, near: number, subject: boolean, reach?: PathReach): number {
  const wanted = SKY_SHARE / far;
  if (!reach || reach.lateral <= 0 || !reach.pan) return 1 / wanted;
  // A plane at disparity d slides by (turn − d) of the travel; the frame keeps a margin on
  // each side for the layer sliding most that way, which the sky does not pass.
  const turn = reach.pan / reach.lateral;
  const most = Math.max(0, turn - 1 / far, turn - 1 / near, subject ? turn - 1 : 0);
  return 1 / Math.min(1 / far, Math.max(wanted, turn - most));
}

/** Whether any of the sky lies above the horizon `h` (the rows it is drawn in). */
function skyAbove(sky: SkyColumns, h: number): boolean {
  return sky.top.some((t, c) => Math.min(h, sky.bottom[c]!) > t);
}

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
  /**
   * How far the camera travels. With ground contact and no subject the ground is then as
   * near as the centre of interest's foot says (a street's bottom row is a fraction of the
   * distance to the house at its end), as near as this travel allows and never farther
   * than NEAREST_GROUND.
   */
  reach?: PathReach;
  /** The sky (sky-region.ts), drawn behind the far background. */
  sky?: SkyColumns;
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
    // A horizon nobody saw (the prior row: no split, no vanishing point) says nothing about
    // a ground the subject stands on: a squirrel on a branch against blurred leaves had its
    // lowest matte row taken for feet on a ground reaching 0.8 at the bottom, and the
    // leaves below the prior row slid with it (Arc Right 1.45 %, Dolly Zoom In's leaves
    // ×0.997 on the texture probe). The ground then lies between subject and far, as under a bust.
    if (feetRow >= FEET_CUT || feetRow - h < 0.05 || o.horizon.source === 'prior') {
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
    // A ground plane whose disparity is 1 at the centre's foot and 0 at the horizon puts its
    // bottom row at depth k; the travel and NEAREST_GROUND bound that.
    const nearest = feet && o.reach ? Math.min(NEAREST_GROUND, Math.max(k, travelNearest(o.reach))) : NEAREST_GROUND;
    const dNear = 1 / nearest;
    const compressed = (1 - dNear * k) / Math.max(1e-6, 1 - k);
    const farDisparity = compressed * GROUND_RANGE >= dNear ? compressed : 1 / (1 + (GROUND_RANGE - 1) * k);
    far = 1 / farDisparity;
    near = 1 / Math.min(dNear, farDisparity * GROUND_RANGE);
  }
  // Only where the travel brought the ground nearer than NEAREST_GROUND: at that depth the
  // steps stayed small (leuvenA's Crane Up lost its near region to the raised feet).
  const stepped =
    feet && !o.matte && o.reach && near < NEAREST_GROUND - 1e-9 ? limitFootSteps(feet, h, far, near, o.reach) : feet;
  const sky =
    o.sky && skyAbove(o.sky, h) ? { ...o.sky, depth: skyDepth(far, near, o.matte !== undefined, o.reach) } : undefined;
  const ground: GroundPlane = { horizon: h, near, ...(stepped && { feet: stepped }), ...(sky && { sky }) };
  const standing = feet ? feet.filter((f) => f > h).length / feet.length : 0;
  const layout: SceneLayout = { depths: o.matte ? [far, SUBJECT_DEPTH] : [far], ground };
  return {
    layout,
    record: {
      layers: [
        ...(sky ? (['sky'] as const) : []),
        'far background',
        'ground',
        ...(o.matte ? (['subject'] as const) : []),
      ],
      depth: {
        far: round(far),
        ...(sky && { sky: round(sky.depth) }),
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
