/**
 * How a two-picture clip carries image[0] into image[1] without a double exposure: a
 * transition that moves with the camera, in a short window in the middle of the clip (the
 * first frame is image[0] and the last image[1], exactly). Which one follows from how
 * image[0]'s content moves at the clip's middle:
 *
 * - going in (dolly in, push, zoom in): `iris-in`, a push through the first picture —
 *   it swells past the lens about the centre of interest while the second opens from
 *   there in a growing disc;
 * - going out: `iris-out`, the reverse — the first closes into a shrinking disc over the
 *   second, which settles from a little larger;
 * - sideways (arcs, orbits, trucks, cranes, pans): `whip`, a fast pan in the content's
 *   direction with the two pictures side by side, the second arriving from the side the
 *   camera moves to; the move is fast enough that the sub-frame samples streak it.
 *
 * Every pixel is one picture or the other except within the mask's soft edge, which sweeps
 * across the frame in a fraction of the window.
 */
import { smootherstep } from './easing.js';
import type { CameraPose } from './camera-pose.js';
import { applyAffine, type Affine } from './framing.js';
import type { LayerMask } from './frame-plan.js';

export type TransitionKind = 'iris-in' | 'iris-out' | 'whip';

export interface TransitionStage {
  /** The pictures drawn: the lower whole, the upper (when two) through `mask`. */
  show: readonly [number] | readonly [number, number];
  mask?: LayerMask;
}

export interface Transition {
  kind: TransitionKind;
  /** What the frame at time `s` shows. */
  stage(s: number): TransitionStage;
  /** The transition's own movement of picture `l` at time `s` (output px), if any. */
  shift(l: number, s: number): Affine | undefined;
}

/** The transition windows, as fractions of the clip. */
const WINDOW: Record<TransitionKind, [number, number]> = { 'iris-in': [0.3, 0.7], 'iris-out': [0.3, 0.7], whip: [0.4, 0.6] };
/** The disc's soft edge, as a fraction of the distance from the centre to the far corner. */
const IRIS_FEATHER = 0.15;
/** The whip's seam, as a fraction of the frame's extent along the pan. */
const WHIP_FEATHER = 0.03;

const scaleAbout = (k: number, [cx, cy]: [number, number]): Affine => [k, 0, 0, k, cx - k * cx, cy - k * cy];

/**
 * The transition for a clip of `span` seconds. `farPose(s)` is the 2-D pose of image[0]'s
 * far background at time `s` (to read how its content moves), `main(s)` the transform of
 * its nearest layer, and `focus` image[0]'s centre of interest in picture px.
 */
export function planTransition(o: {
  span: number;
  width: number;
  height: number;
  focus: [number, number];
  farPose: (s: number) => CameraPose;
  main: (s: number) => Affine;
}): Transition {
  const { span, width: W, height: H } = o;
  const mid = span / 2;
  const dt = span * 0.05;
  // How the far background moves on screen about the middle of the clip: sideways (px)
  // and in scale (px at the frame's corners). The far background, because the subject
  // may be held still (an arc) while the world turns behind it.
  const a = o.farPose(mid - dt);
  const b = o.farPose(mid + dt);
  const diag = Math.hypot(W, H) / 2;
  const radial = Math.log(b.zoom / a.zoom) * diag;
  const cos = Math.cos(a.roll);
  const sin = Math.sin(a.roll);
  const px = -(b.x - a.x) * W * a.zoom;
  const py = -(b.y - a.y) * H * a.zoom;
  const lateral: [number, number] = [cos * px - sin * py, sin * px + cos * py];
  const speed = Math.hypot(...lateral);
  const kind: TransitionKind = speed > 1 && speed > 1.25 * Math.abs(radial) ? 'whip' : radial < -1 ? 'iris-out' : 'iris-in';
  const [u0, u1] = WINDOW[kind];
  const progress = (s: number): number => smootherstep((s / span - u0) / (u1 - u0));
  const focusAt = (s: number): [number, number] => applyAffine(o.main(s), o.focus[0], o.focus[1]);
  const cornerReach = (c: [number, number]): number =>
    Math.max(...[[0, 0], [W, 0], [0, H], [W, H]].map(([x, y]) => Math.hypot(x! - c[0], y! - c[1])));

  if (kind === 'whip') {
    // e: the content's direction of motion; the second picture waits on the other side.
    const e: [number, number] = [lateral[0] / speed, lateral[1] / speed];
    const L = Math.abs(e[0]) * W + Math.abs(e[1]) * H;
    const whipAt = (l: number, p: number): Affine => {
      // A slight zoom during the whip leaves each picture a margin beyond its seam.
      const z = 1 + 2 * WHIP_FEATHER * Math.sin(Math.PI * p);
      const d = (l === 0 ? p : p - 1) * L;
      const m = scaleAbout(z, [W / 2, H / 2]);
      m[4] += e[0] * d * z;
      m[5] += e[1] * d * z;
      return m;
    };
    return {
      kind,
      stage(s) {
        const p = progress(s);
        if (p <= 0) return { show: [0] };
        if (p >= 1) return { show: [1] };
        const z = 1 + 2 * WHIP_FEATHER * Math.sin(Math.PI * p);
        const seam = (p - 0.5) * L * z;
        const f = (WHIP_FEATHER * L) / 2;
        const at = (k: number): [number, number] => [W / 2 + e[0] * (seam + k), H / 2 + e[1] * (seam + k)];
        return { show: [0, 1], mask: { kind: 'linear', from: at(f), to: at(-f) } };
      },
      shift(l, s) {
        const p = progress(s);
        return p <= 0 || p >= 1 ? undefined : whipAt(l, p);
      },
    };
  }

  const inward = kind === 'iris-in';
  return {
    kind,
    stage(s) {
      const p = progress(s);
      if (p <= 0) return { show: [0] };
      if (p >= 1) return { show: [1] };
      const c = focusAt(s);
      const reach = cornerReach(c);
      const f = IRIS_FEATHER * reach;
      // The disc holds the second picture going in, the first going out.
      const open = inward ? p : 1 - p;
      const r1 = open * (reach + f);
      const mask: LayerMask = { kind: 'radial', centre: c, r0: Math.max(0, r1 - f), r1: Math.max(1e-3, r1) };
      return inward ? { show: [0, 1], mask } : { show: [1, 0], mask };
    },
    shift(l, s) {
      const p = progress(s);
      if (p <= 0 || p >= 1) return undefined;
      const c = focusAt(s);
      // In: the first swells past the lens; out: the second settles from a little larger.
      // Neither is ever drawn smaller than its framing (it would no longer cover the frame).
      const k = inward ? (l === 0 ? 1 / (1 - 0.4 * p) : 1) : l === 1 ? 1 + 0.15 * (1 - p) : 1;
      return k === 1 ? undefined : scaleAbout(k, c);
    },
  };
}
