/**
 * The plan side of looks: what a frame's look needs from the camera (its transforms now,
 * at the first frame and, for datamosh, at earlier instants) and the whole-frame shift a
 * look applies to the picture itself (Super 8's gate weave). Pure; no drawing.
 */
import type { Affine } from '../maths/affine.js';
import { datamoshRefTimes } from './datamosh.js';
import { crackJolt } from './lens-crack.js';
import { gateWeave } from './super8.js';
import type { FrameLook, PathLook } from './types.js';

export interface LookFrameInput {
  index: number;
  time: number;
  fps: number;
  span: number;
  width: number;
  height: number;
  /** The main picture's transform (picture px → output px) at `seconds`. */
  anchorAt(seconds: number): Affine;
}

export interface PlannedLook {
  look: FrameLook;
  /** Output px → output px, applied after every layer's transform (moves the whole picture). */
  warp?: Affine;
}

export function planLook(path: PathLook, f: LookFrameInput): PlannedLook {
  const look: FrameLook = {
    ...path,
    index: f.index,
    time: f.time,
    fps: f.fps,
    span: f.span,
    anchor: f.anchorAt(f.time),
    anchorStart: f.anchorAt(0),
  };
  if (path.name === 'datamosh') {
    const times = datamoshRefTimes(path.seed, path.amount, f.span, f.time);
    if (times.length) look.refs = times.map((t) => f.anchorAt(t));
  }
  if (path.name === 'super8') return { look, warp: gateWeave(path.seed, path.amount, f.time, f.width, f.height) };
  if (path.name === 'lensCrack')
    return { look, warp: crackJolt(path.seed, path.amount, f.span, f.time, f.width, f.height) };
  return { look };
}
