/**
 * The pinhole camera applied to a layered scene. Every layer is a plane facing the camera
 * at a relative depth (the subject at 1, the far background at 3, the ground between), sized so that from the
 * rest position all layers line up into the original picture. Moving the camera by
 * (tx, ty, tz) then magnifies a layer at depth D by D / (D − tz) and slides it by
 * −t / (D − tz): near layers move more than far ones. Pan, tilt, zoom and roll act on all
 * depths alike, so each layer's view is again a 2-D pose, the one returned here.
 */
import type { CameraPose } from '../motion/camera-pose.js';

/** Depth of the subject layer: the unit of the camera's travel. */
export const SUBJECT_DEPTH = 1;
/** Depth of the far background (above the horizon; the ground recedes to it, see ground-plane). */
export const BACKGROUND_DEPTH = 3;
/** Depth of a picture drawn as one plane (the 2-D moves, where depth plays no part). */
export const PLANE_DEPTH = 1.6;

/** The camera never comes closer to a layer than this fraction of its depth. */
const NEAREST = 0.25;

/** Magnification and slide (cover widths/heights) of a layer at `depth` for a pose's travel. */
export function projectLayer(pose: CameraPose, depth: number): { scale: number; shiftX: number; shiftY: number } {
  const distance = Math.max(depth * NEAREST, depth - pose.tz);
  return { scale: depth / distance, shiftX: -pose.tx / distance, shiftY: -pose.ty / distance };
}

/**
 * The 2-D pose under which the layer at `depth` appears: content at u (relative to the
 * view centre) lands at zoom·R·(s·u + shift − pan) = zoom·s·R·(u − (pan − shift)/s).
 */
export function layerPose(pose: CameraPose, depth: number): CameraPose {
  const { scale, shiftX, shiftY } = projectLayer(pose, depth);
  return {
    ...pose,
    zoom: pose.zoom * scale,
    x: (pose.x - shiftX) / scale,
    y: (pose.y - shiftY) / scale,
    tx: 0,
    ty: 0,
    tz: 0,
  };
}
