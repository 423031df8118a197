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
 * - `match-cut`, when both pictures have a subject the detector is sure of (faces for two
 *   people, else the subject boxes; see chooseMatch): the camera pushes into the first
 *   picture's subject while the second is framed so that its subject lands on the same
 *   place at the same size; a short wipe (an iris for a move in or out, a linear wipe for a
 *   sideways one) hands over on the matched subjects, and the second picture eases back to
 *   its own framing, which it reaches before the last frame.
 *
 * Every pixel is one picture or the other except within the mask's soft edge, which sweeps
 * across the frame in a fraction of the window. The iris's edge is feathered by how far
 * it travels while the shutter is open (a fast edge is streaked, as a shutter would).
 */
import { smootherstep } from '../motion/easing.js';
import type { CameraPose } from '../motion/camera-pose.js';
import { affineScale, applyAffine, invertAffine, multiplyAffine, type Affine } from '../maths/affine.js';
import type { LayerMask } from './frame-plan.js';

export type TransitionKind = 'iris-in' | 'iris-out' | 'whip' | 'match-cut';
/** How the pictures hand over at the cut itself. */
export type WipeKind = Exclude<TransitionKind, 'match-cut'>;

/** A box in a picture's own px. */
export interface PictureBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The subjects a match cut lines up, one box per picture (picture px). */
export interface SubjectMatch {
  boxes: [PictureBox, PictureBox];
  /** Matched on the chosen faces (two people) or on the subject boxes. */
  on: 'faces' | 'subjects';
  /** What each subject is (the detector's label). */
  labels: [string, string];
}

/** What the match cut did, or why it could not be made (for the task's record). */
export interface MatchOutcome {
  made: boolean;
  because: string;
  /** The zoom each picture is drawn with at the cut (1 = its own framing). */
  zoom?: [number, number];
  wipe?: WipeKind;
}

export interface TransitionStage {
  /** The pictures drawn: the lower whole, the upper (when two) through `mask`. */
  show: readonly [number] | readonly [number, number];
  mask?: LayerMask;
}

export interface Transition {
  kind: TransitionKind;
  /** With a match asked for: whether it was made and how (or why not). */
  match?: MatchOutcome;
  /** What the frame at time `s` shows. */
  stage(s: number): TransitionStage;
  /** The transition's own movement of picture `l` at time `s` (output px), if any. */
  shift(l: number, s: number): Affine | undefined;
}

/** The transition windows, as fractions of the clip. */
const WINDOW: Record<WipeKind, [number, number]> = { 'iris-in': [0.3, 0.7], 'iris-out': [0.3, 0.7], whip: [0.4, 0.6] };
/**
 * The match cut's wipe: about MATCH_WIPE_S seconds (three frames at least) about the middle,
 * at most MATCH_WIPE_MAX of the clip: a cut, softened, not a second transition.
 */
const MATCH_WIPE_S = 0.3;
const MATCH_WIPE_MAX = 0.12;
const matchWindow = (span: number, fps: number): [number, number] => {
  const h = Math.min(MATCH_WIPE_MAX, Math.max(3 / (fps * span), MATCH_WIPE_S / span)) / 2;
  return [0.5 - h, 0.5 + h];
};
/**
 * The disc's soft edge, as a fraction of the distance from the centre to the far corner:
 * this much at rest, plus the edge's travel over a half-frame shutter (a fast edge
 * streaks), at most IRIS_FEATHER_MAX so that only a band of the frame ever mixes the two.
 */
const IRIS_FEATHER = 0.08;
const IRIS_FEATHER_MAX = 0.2;
/** Match cut: picture 0 leans into the match from ALIGN[0], picture 1 leaves it by ALIGN[1]. */
const ALIGN: [number, number] = [0.15, 0.85];
/** Match cut: the most either picture is zoomed beyond its own framing to line the subjects up. */
const MAX_MATCH_ZOOM = 3;
/**
 * Match cut: the most output px per picture px the lean may reach (more is mush), or
 * MAX_UPSAMPLE_LEAN times the picture's own framing where that already upsamples more.
 */
const MAX_UPSAMPLE = 3;
const MAX_UPSAMPLE_LEAN = 1.5;
/** Match cut on a move out: the most the first picture may be pushed into (more reads as a move in). */
const MAX_OUT_PUSH = 1.15;
/** Match cut: the detector's score each subject (or face) needs. */
export const MATCH_CONFIDENCE = 0.5;
/** Match cut: a subject box over this share of its picture says nothing about where the subject is (as chooseSubject). */
const MATCH_MAX_AREA = 0.7;
/** ... and one under this is too small to line up. */
const MATCH_MIN_AREA = 0.002;
/** The whip's seam, as a fraction of the frame's extent along the pan. */
const WHIP_FEATHER = 0.03;

const scaleAbout = (k: number, [cx, cy]: [number, number]): Affine => [k, 0, 0, k, cx - k * cx, cy - k * cy];

/** The travel of smootherstep's progress per unit of x (its derivative). */
const smootherSlope = (x: number): number => (x <= 0 || x >= 1 ? 0 : 30 * x * x * (1 - x) * (1 - x));

type NormBox = { x: number; y: number; w: number; h: number };

/** One picture's look, as far as a match cut needs it (src/vision/scene-vision's SceneVision). */
export interface MatchLook {
  subject: 'person' | 'object' | 'none';
  label?: string;
  confidence: number;
  /** Normalised boxes. */
  box?: { x: number; y: number; w: number; h: number };
  faces: { box: { x: number; y: number; w: number; h: number }; score: number }[];
  face?: { index: number };
  /** Where aimed moves point (normalised): a person's face or head, an object's centre. */
  aim?: { x: number; y: number };
}

/**
 * Whether two pictures' subjects can be matched, and on what: the chosen faces when both
 * pictures are of people with a face found, else the subject boxes (centred on where each
 * picture aims, so a person's face takes the other subject's place). Both must be found
 * with a score ≥ MATCH_CONFIDENCE, and a box must neither fill its picture (it would say
 * nothing about where the subject is) nor be a speck. `sizes`: the pictures' px.
 */
export function chooseMatch(
  looks: readonly (MatchLook | undefined)[],
  sizes: readonly { width: number; height: number }[],
): { match?: SubjectMatch; because: string } {
  const [a, b] = looks;
  if (!a || !b) return { because: 'the vision models did not look at both pictures' };
  const which = (l: MatchLook, i: number): string | undefined =>
    l.subject === 'none' || !l.box
      ? `image[${i}] has no subject the detector trusts`
      : l.confidence < MATCH_CONFIDENCE
        ? `image[${i}]'s ${l.label ?? l.subject} scores ${l.confidence.toFixed(2)} (a match needs ${MATCH_CONFIDENCE})`
        : undefined;
  const missing = which(a, 0) ?? which(b, 1);
  if (missing) return { because: missing };
  const face = (l: MatchLook) => {
    const f = l.subject === 'person' && l.face ? l.faces[l.face.index] : undefined;
    return f && f.score >= MATCH_CONFIDENCE ? f.box : undefined;
  };
  const fa = face(a);
  const fb = face(b);
  const faces = fa && fb;
  // On the subject boxes, each is centred on where its picture aims (a person's face, not
  // the middle of the body, goes where the other subject was) and keeps its size.
  const aimed = (l: MatchLook): NormBox => {
    const box = l.box!;
    return l.aim ? { x: l.aim.x - box.w / 2, y: l.aim.y - box.h / 2, w: box.w, h: box.h } : box;
  };
  const boxes = faces ? [fa, fb] : [aimed(a), aimed(b)];
  for (const [i, box] of boxes.entries()) {
    const area = box.w * box.h;
    if (area > MATCH_MAX_AREA)
      return {
        because: `image[${i}]'s ${looks[i]!.label ?? 'subject'} fills ${Math.round(100 * area)} % of it (no place to match)`,
      };
    if (area < MATCH_MIN_AREA)
      return { because: `image[${i}]'s ${faces ? 'face' : (looks[i]!.label ?? 'subject')} is too small to match` };
  }
  const px = (box: NormBox, i: number): PictureBox => ({
    x: box.x * sizes[i]!.width,
    y: box.y * sizes[i]!.height,
    w: box.w * sizes[i]!.width,
    h: box.h * sizes[i]!.height,
  });
  return {
    match: {
      boxes: [px(boxes[0]!, 0), px(boxes[1]!, 1)],
      on: faces ? 'faces' : 'subjects',
      labels: [a.label ?? a.subject, b.label ?? b.subject],
    },
    because: faces
      ? 'both pictures are of people with a face found'
      : `both pictures have a subject (${a.label}, ${b.label})`,
  };
}

/**
 * The transition for a clip of `span` seconds. `farPose(s)` is the 2-D pose of image[0]'s
 * far background at time `s` (to read how its content moves), `main(l, s)` the transform
 * of picture `l`'s nearest layer, `layers(l, s)` the transforms of all its layers (each must
 * keep covering the frame), and `focus` image[0]'s centre of interest in picture px.
 */
export function planTransition(o: {
  span: number;
  fps: number;
  width: number;
  height: number;
  focus: [number, number];
  farPose: (s: number) => CameraPose;
  main: (l: number, s: number) => Affine;
  layers: (l: number, s: number) => Affine[];
  /** Each picture's size in its own px. */
  pictures: [{ width: number; height: number }, { width: number; height: number }];
  /** The subjects to match, when both pictures have one (chooseMatch). */
  match?: SubjectMatch;
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
  const wipe: WipeKind = speed > 1 && speed > 1.25 * Math.abs(radial) ? 'whip' : radial < -1 ? 'iris-out' : 'iris-in';
  // e: the content's direction of motion (the second picture waits on the other side).
  const e: [number, number] = speed > 0 ? [lateral[0] / speed, lateral[1] / speed] : [1, 0];
  const focusAt = (s: number): [number, number] => applyAffine(o.main(0, s), o.focus[0], o.focus[1]);
  let matched: MatchOutcome | undefined;
  if (o.match) {
    const made = planMatch(o, wipe, e);
    if (typeof made !== 'string') return made;
    matched = { made: false, because: made };
  }
  const kind = wipe;
  const withMatch = <T extends Transition>(t: T): T => (matched ? { ...t, match: matched } : t);
  const [u0, u1] = WINDOW[kind];
  const progress = (s: number): number => smootherstep((s / span - u0) / (u1 - u0));

  if (kind === 'whip') {
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
    return withMatch({
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
    });
  }

  const inward = kind === 'iris-in';
  const iris = irisStage(W, H, o.fps, span, WINDOW[kind], inward);
  return withMatch({
    kind,
    stage: (s) => iris(s, focusAt(s)),
    shift(l, s) {
      const p = progress(s);
      if (p <= 0 || p >= 1) return undefined;
      const c = focusAt(s);
      // In: the first swells past the lens; out: the second settles from a little larger.
      // Neither is ever drawn smaller than its framing (it would no longer cover the frame).
      const k = inward ? (l === 0 ? 1 / (1 - 0.4 * p) : 1) : l === 1 ? 1 + 0.15 * (1 - p) : 1;
      return k === 1 ? undefined : scaleAbout(k, c);
    },
  });
}

/**
 * An iris over the window `[u0, u1]` of the clip: the second picture opens in a growing
 * disc (`inward`), or the first closes into a shrinking one over the second. The edge is
 * feathered by IRIS_FEATHER of the reach plus its travel over a half-frame shutter.
 */
function irisStage(
  W: number,
  H: number,
  fps: number,
  span: number,
  [u0, u1]: [number, number],
  inward: boolean,
): (s: number, c: [number, number]) => TransitionStage {
  const cornerReach = (c: [number, number]): number =>
    Math.max(
      ...[
        [0, 0],
        [W, 0],
        [0, H],
        [W, H],
      ].map(([x, y]) => Math.hypot(x! - c[0], y! - c[1])),
    );
  return (s, c) => {
    const x = (s / span - u0) / (u1 - u0);
    const p = smootherstep(x);
    if (p <= 0) return { show: [0] };
    if (p >= 1) return { show: [1] };
    const reach = cornerReach(c);
    // The edge's travel over half a frame (a 180° shutter), as a share of the reach.
    const travel = (0.5 * smootherSlope(x)) / ((u1 - u0) * span * fps);
    const f = Math.min(IRIS_FEATHER_MAX, IRIS_FEATHER + travel) * reach;
    // The disc holds the second picture going in, the first going out.
    const open = inward ? p : 1 - p;
    const r1 = open * (reach + f);
    const mask: LayerMask = { kind: 'radial', centre: c, r0: Math.max(0, r1 - f), r1: Math.max(1e-3, r1) };
    return inward ? { show: [0, 1], mask } : { show: [1, 0], mask };
  };
}

/**
 * The match cut, or why it cannot be made here. At the middle of the clip each subject's
 * box sits on screen at a centre and a size (√(w·h)); both pictures are moved (a zoom and a
 * shift in screen space) so that both land on one target box: the first subject's place
 * and size where both pictures can still cover the frame, else the nearest place and the
 * smallest size larger that they can. The first picture leans into the target from
 * ALIGN[0] of the clip to the middle, the second leaves it from the middle to ALIGN[1],
 * so the first and last frames are untouched.
 */
function planMatch(o: Parameters<typeof planTransition>[0], wipe: WipeKind, e: [number, number]): Transition | string {
  const { span, width: W, height: H } = o;
  const mid = span / 2;
  const boxes = o.match!.boxes;
  const onScreen = (l: number, s: number): { b: [number, number]; size: number } => {
    const m = o.main(l, s);
    const box = boxes[l]!;
    return { b: applyAffine(m, box.x + box.w / 2, box.y + box.h / 2), size: affineScale(m) * Math.sqrt(box.w * box.h) };
  };
  const at = [onScreen(0, mid), onScreen(1, mid)] as const;
  const [w0, w1] = matchWindow(span, o.fps);
  // Lean weights: 0 = the picture's own framing, 1 = lined up on the target.
  const [a0, a1] = ALIGN;
  const weight = (l: number, s: number): number =>
    l === 0 ? smootherstep((s / span - a0) / (0.5 - a0)) : 1 - smootherstep((s / span - 0.5) / (a1 - 0.5));
  // A screen-space zoom and shift M(x) = k·x + τ, kept as its inverse x = u·y − w (u = 1/k,
  // w = τ/k): covering the frame is linear in (u, w), so easing (u, w) from the identity
  // (1, 0) to the lined-up one moves through framings that cover whenever both ends do.
  // Lined up: the first picture under one zoom and shift, which puts its subject at `c` with
  // `size` at the middle; the second, at each instant, with its subject on the first's.
  const target = (l: number, s: number, size: number, c: [number, number]): { u: number; w: [number, number] } => {
    const k0 = size / at[0].size;
    const u0 = 1 / k0;
    const first = { u: u0, w: [u0 * c[0] - at[0].b[0], u0 * c[1] - at[0].b[1]] as [number, number] };
    if (l === 0) return first;
    const s0 = onScreen(0, s);
    const s1 = onScreen(1, s);
    const lands: [number, number] = [k0 * s0.b[0] + k0 * first.w[0], k0 * s0.b[1] + k0 * first.w[1]];
    const u = s1.size / (k0 * s0.size);
    return { u, w: [u * lands[0] - s1.b[0], u * lands[1] - s1.b[1]] };
  };
  const shiftOf = (t: { u: number; w: [number, number] }, a: number): Affine | undefined => {
    if (a <= 0) return undefined;
    const u = 1 + a * (t.u - 1);
    return [1 / u, 0, 0, 1 / u, (a * t.w[0]) / u, (a * t.w[1]) / u];
  };
  const shown = (l: number, s: number): boolean => (l === 0 ? s <= w1 * span : s >= w0 * span);
  /**
   * Whether every layer of both pictures covers the frame throughout, the pictures lined up
   * on (size, c), without the lean blowing a picture up past MAX_UPSAMPLE output px per
   * picture px (or MAX_UPSAMPLE_LEAN × its own framing): 'edge' or 'soft' when not.
   */
  const covers = (size: number, c: [number, number]): true | 'edge' | 'soft' => {
    for (let i = 0; i <= 40; i++) {
      const s = span * (a0 + ((a1 - a0) * i) / 40);
      for (let l = 0; l < 2; l++) {
        if (!shown(l, s)) continue;
        const m = shiftOf(target(l, s, size, c), weight(l, s));
        if (!m) continue;
        const { width: pw, height: ph } = o.pictures[l]!;
        for (const layer of o.layers(l, s)) {
          const drawn = multiplyAffine(m, layer);
          if (affineScale(drawn) > Math.max(MAX_UPSAMPLE, affineScale(layer) * MAX_UPSAMPLE_LEAN)) return 'soft';
          const inv = invertAffine(drawn);
          // A twentieth of an output pixel short of an edge is no edge one can see.
          const tol = 0.05 / affineScale(drawn);
          for (const [x, y] of [
            [0, 0],
            [W, 0],
            [0, H],
            [W, H],
          ] as const) {
            const [qx, qy] = applyAffine(inv, x, y);
            if (qx < -tol || qy < -tol || qx > pw + tol || qy > ph + tol) return 'edge';
          }
        }
      }
    }
    return true;
  };
  /**
   * The target centre nearest `want` at which both pictures, lined up at `size`, cover the
   * frame at the middle (Dykstra's projection onto the half-planes the frame's corners set).
   */
  const placeAt = (size: number, want: [number, number]): [number, number] => {
    const planes: { n: [number, number]; d: number }[] = [];
    const k0 = size / at[0].size;
    // Where each picture is fully lined up: the first from the middle to the wipe's end, the
    // second from the wipe's start to the middle (in between, the lean eases toward its own).
    for (let l = 0; l < 2; l++) {
      for (let i = 0; i <= 4; i++) {
        const s = span * (l === 0 ? 0.5 + ((w1 - 0.5) * i) / 4 : w0 + ((0.5 - w0) * i) / 4);
        const here = onScreen(l, s);
        const first = onScreen(0, s);
        // The lined-up map sends the subject from b to c + δ at size u⁻¹ times its own.
        const u = l === 0 ? at[0].size / size : here.size / (k0 * first.size);
        const delta: [number, number] =
          l === 0 ? [0, 0] : [k0 * (first.b[0] - at[0].b[0]), k0 * (first.b[1] - at[0].b[1])];
        const { width: pw, height: ph } = o.pictures[l]!;
        for (const layer of o.layers(l, s)) {
          const inv = invertAffine(layer);
          const rows: [number, number][] = [
            [inv[0], inv[2]],
            [inv[1], inv[3]],
          ];
          for (const [x, y] of [
            [0, 0],
            [W, 0],
            [0, H],
            [W, H],
          ] as const) {
            // The corner, back in picture px: K − u·L·c, with K = L·(u·(q − δ) + b) + e.
            const p = applyAffine(inv, u * (x - delta[0]) + here.b[0], u * (y - delta[1]) + here.b[1]);
            rows.forEach((r, j) => {
              const lim = j === 0 ? pw : ph;
              const m = 0.5;
              planes.push({ n: [u * r[0], u * r[1]], d: p[j]! - m });
              planes.push({ n: [-u * r[0], -u * r[1]], d: lim - m - p[j]! });
            });
          }
        }
      }
    }
    let c: [number, number] = [...want];
    const inc = planes.map((): [number, number] => [0, 0]);
    for (let it = 0; it < 200; it++) {
      planes.forEach((h, k) => {
        const y: [number, number] = [c[0] + inc[k]![0], c[1] + inc[k]![1]];
        const over = h.n[0] * y[0] + h.n[1] * y[1] - h.d;
        const nn = h.n[0] * h.n[0] + h.n[1] * h.n[1];
        const next: [number, number] =
          over > 0 && nn > 0 ? [y[0] - (over * h.n[0]) / nn, y[1] - (over * h.n[1]) / nn] : y;
        inc[k] = [y[0] - next[0], y[1] - next[1]];
        c = next;
      });
    }
    return c;
  };
  let size = at[0].size;
  let c: [number, number] | undefined;
  let soft = false;
  for (let j = 0; j < 40; j++, size *= 1.05) {
    if (size / at[0].size > MAX_MATCH_ZOOM || size / at[1].size > MAX_MATCH_ZOOM) break;
    const place = placeAt(size, at[0].b);
    const fits = covers(size, place);
    if (fits === true) {
      c = place;
      break;
    }
    // Larger only blows the pictures up further.
    if (fits === 'soft') {
      soft = true;
      break;
    }
  }
  if (!c) {
    const ratio = Math.max(at[0].size, at[1].size) / Math.min(at[0].size, at[1].size);
    return `the subjects differ ${ratio.toFixed(1)}× in size on screen: lining them up would ${
      soft
        ? `blow a picture up past ${MAX_UPSAMPLE} px per pixel`
        : `zoom a picture more than ${MAX_MATCH_ZOOM}× or show its edge`
    }`;
  }
  const centre = c;
  // A move out that would have to push into the first picture to match the second's larger
  // subject goes against its motion: the iris out stays.
  if (wipe === 'iris-out' && size / at[0].size > MAX_OUT_PUSH) {
    return `image[1]'s subject is ${(size / at[0].size).toFixed(1)}× image[0]'s on screen: matching it would push into image[0] on a move out`;
  }
  const zoom = [0, 1].map((l) => Math.round((1 / target(l, mid, size, centre).u) * 100) / 100) as [number, number];
  const shift = (l: number, s: number): Affine | undefined =>
    shown(l, s) ? shiftOf(target(l, s, size, centre), weight(l, s)) : undefined;
  const match: MatchOutcome = {
    made: true,
    because: `${o.match!.labels[0]} and ${o.match!.labels[1]} lined up on their ${o.match!.on}, handed over by ${wipe === 'whip' ? 'a wipe' : `an ${wipe}`}`,
    zoom,
    wipe,
  };
  if (wipe === 'whip') {
    // A linear wipe along the content's motion, its seam crossing the frame over the window.
    const L = Math.abs(e[0]) * W + Math.abs(e[1]) * H;
    const progress = (s: number): number => smootherstep((s / span - w0) / (w1 - w0));
    return {
      kind: 'match-cut',
      match,
      stage(s) {
        const p = progress(s);
        if (p <= 0) return { show: [0] };
        if (p >= 1) return { show: [1] };
        const f = (WHIP_FEATHER * L) / 2;
        const seam = (p - 0.5) * (L + 2 * f);
        const at = (k: number): [number, number] => [W / 2 + e[0] * (seam + k), H / 2 + e[1] * (seam + k)];
        return { show: [0, 1], mask: { kind: 'linear', from: at(f), to: at(-f) } };
      },
      shift,
    };
  }
  const iris = irisStage(W, H, o.fps, span, [w0, w1], wipe === 'iris-in');
  return { kind: 'match-cut', match, stage: (s) => iris(s, centre), shift };
}
