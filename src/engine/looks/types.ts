/**
 * Looks: honest 2-D effects drawn over a camera move (videotape, film, lens artefacts,
 * flashes, compression glitches). A look is chosen by the motion definition, planned per
 * frame as plain data (posted to the frame workers) and drawn by the painter after the
 * picture and its optics, so it never changes what the camera sees, only how it is recorded.
 */
import type { Affine } from '../maths/affine.js';

export type LookName = 'vhs' | 'super8' | 'lensFlare' | 'dirtyLens' | 'paparazzi' | 'datamosh' | 'lensCrack';

/** The look of a render, as the camera path carries it. */
export interface PathLook {
  name: LookName;
  seed: number;
  /** strength × prompt intensity: scales how strong the look is. */
  amount: number;
}

/** One frame's look: plain data (structured-cloned to worker threads). */
export interface FrameLook extends PathLook {
  index: number;
  /** Seconds since the first frame (index / fps, never accumulated). */
  time: number;
  fps: number;
  /** Seconds from the first to the last frame. */
  span: number;
  /** Picture px → output px of the main picture at this frame (things fixed to the scene). */
  anchor: Affine;
  /** The same at the first frame (things chosen once, e.g. where a flare's source sits). */
  anchorStart: Affine;
  /** Datamosh: the main picture's transforms at earlier instants (the stale references). */
  refs?: Affine[];
}
