/**
 * Framing: turns camera poses into affine transforms from picture pixels to output pixels,
 * so the picture always covers the frame (no black borders) and sits on the centre of
 * interest as far as the picture allows.
 */
import type { Affine } from '../maths/affine.js';
import type { CameraPose } from '../motion/camera-pose.js';
import { softMin } from './soft-min.js';

export interface FrameGeometry {
  /** Picture size in its own (oriented, full-resolution) pixels. */
  imageWidth: number;
  imageHeight: number;
  outWidth: number;
  outHeight: number;
  /** Centre of interest in picture pixels. */
  focusX: number;
  focusY: number;
}

/** The scale at which the picture just covers the output. */
export function coverScale(g: FrameGeometry): number {
  return Math.max(g.outWidth / g.imageWidth, g.outHeight / g.imageHeight);
}

/**
 * Half-extents, in picture pixels at zoom 1, of the axis-aligned box around the (rolled)
 * output rectangle. Dividing by the zoom gives them at any zoom.
 */
function halfExtents(g: FrameGeometry, roll: number): { ax: number; ay: number } {
  const s0 = coverScale(g);
  const c = Math.abs(Math.cos(roll));
  const s = Math.abs(Math.sin(roll));
  return {
    ax: ((g.outWidth / 2) * c + (g.outHeight / 2) * s) / s0,
    ay: ((g.outWidth / 2) * s + (g.outHeight / 2) * c) / s0,
  };
}

/** The share of the picture a camera offset may use at most; motions are designed well inside. */
const MAX_OFFSET_SHARE = 0.45;

/** The largest camera offsets (picture px) a set of poses uses, per axis. */
export function maxOffsets(g: FrameGeometry, poses: CameraPose[]): { mx: number; my: number } {
  const s0 = coverScale(g);
  let mx = 0;
  let my = 0;
  for (const p of poses) {
    mx = Math.max(mx, Math.abs((p.x * g.outWidth) / s0));
    my = Math.max(my, Math.abs((p.y * g.outHeight) / s0));
  }
  return { mx: Math.min(mx, g.imageWidth * MAX_OFFSET_SHARE), my: Math.min(my, g.imageHeight * MAX_OFFSET_SHARE) };
}

/** The zoom factor a pose needs (≥ 1) so that, with offsets up to `off`, no border shows. */
export function requiredZoom(g: FrameGeometry, pose: CameraPose, off: { mx: number; my: number }): number {
  const { ax, ay } = halfExtents(g, pose.roll);
  const zx = ax / (g.imageWidth / 2 - off.mx);
  const zy = ay / (g.imageHeight / 2 - off.my);
  return Math.max(1, zx / pose.zoom, zy / pose.zoom);
}

/**
 * The transform of one pose. `zoomFactor` is the path's constant cover correction; the
 * view centre leans toward the centre of interest by as much as the room at this zoom
 * allows, through a smooth minimum so the aim never kinks.
 */
export function poseTransform(
  g: FrameGeometry,
  pose: CameraPose,
  zoomFactor: number,
  off: { mx: number; my: number },
  /** The zoom whose room limits the lean (layers of one scene share the smallest one). */
  leanZoom = pose.zoom * zoomFactor,
): Affine {
  const s0 = coverScale(g);
  const z = pose.zoom * zoomFactor;
  const { ax, ay } = halfExtents(g, pose.roll);
  const roomX = Math.max(0, g.imageWidth / 2 - ax / leanZoom - off.mx);
  const roomY = Math.max(0, g.imageHeight / 2 - ay / leanZoom - off.my);
  const dx = g.focusX - g.imageWidth / 2;
  const dy = g.focusY - g.imageHeight / 2;
  let cx = g.imageWidth / 2 + Math.sign(dx) * softMin(Math.abs(dx), roomX) + (pose.x * g.outWidth) / s0;
  let cy = g.imageHeight / 2 + Math.sign(dy) * softMin(Math.abs(dy), roomY) + (pose.y * g.outHeight) / s0;
  // Safety net only: the constant zoom factor already keeps the view inside the picture.
  const limX = Math.max(0, g.imageWidth / 2 - ax / z);
  const limY = Math.max(0, g.imageHeight / 2 - ay / z);
  cx = Math.min(g.imageWidth / 2 + limX, Math.max(g.imageWidth / 2 - limX, cx));
  cy = Math.min(g.imageHeight / 2 + limY, Math.max(g.imageHeight / 2 - limY, cy));
  const S = s0 * z;
  const a = S * Math.cos(pose.roll);
  const b = S * Math.sin(pose.roll);
  const c = -b;
  const d = a;
  return [a, b, c, d, g.outWidth / 2 - (a * cx + c * cy), g.outHeight / 2 - (b * cx + d * cy)];
}
