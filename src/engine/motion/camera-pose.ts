/**
 * The camera's state at one instant. The camera looks at the picture from the front. `x`,
 * `y`, `zoom` and `roll` are pan, tilt, focal length and roll: they move every depth alike,
 * so the 2-D moves are exactly these. `tx`, `ty`, `tz` move the camera itself through the
 * scene and so move near layers more than far ones (parallax; see scene/layer-projection).
 * Parts of a motion each contribute a partial pose, and contributions combine: offsets,
 * travels and angles add, zooms multiply.
 */

export interface CameraPose {
  /** Horizontal camera offset in widths of the cover view; + = camera right (content moves left). */
  x: number;
  /** Vertical camera offset in heights of the cover view; + = camera down (content moves up). */
  y: number;
  /** Magnification relative to "the picture just covers the frame" (1). */
  zoom: number;
  /** Rotation of the content on screen in radians; + = clockwise as seen by the viewer. */
  roll: number;
  /** Defocus blur radius in output pixels outside the focus point. */
  blur: number;
  /** Where focus sits, 0 = centre of interest, 1 = the opposite corner region (rack focus). */
  focusShift: number;
  /** Barrel distortion strength (0 = rectilinear). */
  fisheye: number;
  /** Shutter open time as a fraction of the frame interval (0.5 = 180°). */
  shutter: number;
  /** Camera travel right, in cover widths at the subject's distance (the subject slides that far). */
  tx: number;
  /** Camera travel down, in cover heights at the subject's distance. */
  ty: number;
  /** Camera travel forward along the view axis, as a fraction of the subject's distance. */
  tz: number;
}

export const NEUTRAL_POSE: Readonly<CameraPose> = Object.freeze({
  x: 0,
  y: 0,
  zoom: 1,
  roll: 0,
  blur: 0,
  focusShift: 0,
  fisheye: 0,
  shutter: 0.5,
  tx: 0,
  ty: 0,
  tz: 0,
});

/** Whether a pose moves the camera through the scene (and so needs layers to look right). */
export function travels(pose: CameraPose): boolean {
  return Math.abs(pose.tx) > 1e-6 || Math.abs(pose.ty) > 1e-6 || Math.abs(pose.tz) > 1e-6;
}

/** Adds a partial contribution onto a pose (in place) and returns it. */
export function addToPose(pose: CameraPose, part: Partial<CameraPose>): CameraPose {
  if (part.x !== undefined) pose.x += part.x;
  if (part.y !== undefined) pose.y += part.y;
  if (part.zoom !== undefined) pose.zoom *= part.zoom;
  if (part.roll !== undefined) pose.roll += part.roll;
  if (part.blur !== undefined) pose.blur += part.blur;
  if (part.focusShift !== undefined) pose.focusShift += part.focusShift;
  if (part.fisheye !== undefined) pose.fisheye += part.fisheye;
  if (part.shutter !== undefined) pose.shutter = Math.max(pose.shutter, part.shutter);
  if (part.tx !== undefined) pose.tx += part.tx;
  if (part.ty !== undefined) pose.ty += part.ty;
  if (part.tz !== undefined) pose.tz += part.tz;
  return pose;
}
