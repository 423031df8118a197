/**
 * The scene benchmark's checks, one labelled photo at a time (bench/scene.bench.ts prints
 * them; test/engine/scene-real-photos.test.ts asserts them): what the engine understood of
 * the picture (subject box and mask, face and eyes), where its aimed moves end up, and,
 * from rendered frames, each depth move's parallax, dolly zoom's scales and frame 0.
 */
import type { LocalEngine } from '../../src/engine/local-engine.js';
import {
  clipJob,
  engineFacePoint,
  engineScene,
  planView,
  probeClip,
  renderClip,
  type Clip,
  type Photo,
  type PlanView,
} from './engine-probe.js';
import type { Box, PhotoLabel, Point } from './labels.js';
import { writeSheet } from './sheet.js';
import {
  apply,
  boxCentre,
  boxIoU,
  compareFrames,
  frameSource,
  gridPoints,
  inBox,
  inCentralHalf,
  inPolygon,
  invert,
  maskBox,
  maskIoU,
  measureParallax,
  rasterPolygon,
  tile,
  toGrey,
  type Affine2,
} from './measure.js';

/** The targets (#13, Proof). */
export const TARGETS = {
  /** Depth moves: subject vs background motion, % of frame width. */
  parallaxPct: 1.5,
  /** Dolly zoom: the subject's size stays within ±6 % ... */
  dollySubject: 0.06,
  /** ... while the background's scale changes ≥ 8 %. */
  dollyBackground: 0.08,
  /** Frame 0 of a depth move is as close to the framed source as a 2-D move's (PSNR within 1 dB). */
  frame0PsnrSlackDb: 1,
} as const;

export const DEPTH_MOVES = [
  'Arc Right',
  'Dolly In',
  'Dolly Right',
  '360 Orbit',
  'Bullet Time',
  'Crane Up',
  'Crane Down',
  'Dolly Zoom In',
  'Dolly Zoom Out',
] as const;
export const DOLLY_ZOOMS = new Set(['Dolly Zoom In', 'Dolly Zoom Out']);
/** The 2-D control: frame 0 and the tracker's noise floor on a flat move. */
export const FLAT_MOVE = 'Zoom In';
/** Aimed moves and what they aim at. */
export const AIM_MOVES = { 'Eyes In': 'eyes', 'Mouth In': 'mouth', 'Crash Zoom In': 'subject' } as const;

export interface SceneResult {
  subjectFound: boolean;
  layers: number;
  /** Undefined where the photo has no labelled subject or the engine found none (0 is reported then). */
  boxIoU?: number;
  maskIoU?: number;
}

export async function checkScene(label: PhotoLabel, photo: Photo): Promise<SceneResult> {
  const scene = await engineScene(photo);
  const out: SceneResult = { subjectFound: scene.subject, layers: scene.layers };
  if (!label.subject) return out;
  if (!scene.mask) return { ...out, boxIoU: 0, ...(label.subject.polygon && { maskIoU: 0 }) };
  const { data, width, height } = scene.mask;
  const box = maskBox(data, width, height, photo.width, photo.height);
  out.boxIoU = box ? boxIoU(box, label.subject.box) : 0;
  if (label.subject.polygon)
    out.maskIoU = maskIoU(data, rasterPolygon(label.subject.polygon, photo.width, photo.height, width, height));
  return out;
}

const eyeCentre = (eyes: Point[]): Point => [
  eyes.reduce((s, e) => s + e[0], 0) / eyes.length,
  eyes.reduce((s, e) => s + e[1], 0) / eyes.length,
];

/** An eyes point is on the eyes when it is within a fifth of the face's height of their centre. */
export function onEyes(p: Point, face: { box: Box; eyes: Point[] }): boolean {
  const [ex, ey] = eyeCentre(face.eyes);
  return Math.hypot(p[0] - ex, p[1] - ey) <= 0.2 * (face.box[3] - face.box[1]);
}

export interface FaceResult {
  /** The engine's face point lies inside a labelled face box. */
  faceHit: boolean;
  /** The engine's eyes point lies on a labelled face's eyes. */
  eyeHit: boolean;
  face?: Point;
  eyes?: Point;
}

/** Undefined for photos without labelled faces. */
export async function checkFaces(label: PhotoLabel, photo: Photo): Promise<FaceResult | undefined> {
  if (label.faces.length === 0) return undefined;
  const face = await engineFacePoint(photo, 'face');
  const eyes = await engineFacePoint(photo, 'eyes');
  return {
    faceHit: face !== undefined && label.faces.some((f) => inBox(f.box, face)),
    eyeHit: eyes !== undefined && label.faces.some((f) => onEyes(eyes, f)),
    ...(face && { face }),
    ...(eyes && { eyes }),
  };
}

export interface AimResult {
  motion: string;
  /** The labelled point the move should end on, in the last frame (frame px). */
  last: Point;
  inCentralHalf: boolean;
  /** Share of the frames in which the point is inside the frame at all. */
  inFrameShare: number;
}

/** The labelled point a move aims at: the (largest) face's eyes or mouth, or the subject's box centre. */
function aimTarget(label: PhotoLabel, what: 'eyes' | 'mouth' | 'subject'): Point | undefined {
  if (what === 'subject') return label.subject && boxCentre(label.subject.box);
  const face = [...label.faces].sort(
    (a, b) => (b.box[2] - b.box[0]) * (b.box[3] - b.box[1]) - (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]),
  )[0];
  if (!face) return undefined;
  return what === 'eyes' ? eyeCentre(face.eyes) : face.mouth;
}

/**
 * Where an aimed move's target lands: the labelled point projected through the plan's
 * transform for each frame (the front layer's: what the picture shows there). With several
 * faces any face counts for the centre check (the engine picks one, the labels do not).
 */
export async function checkAim(
  label: PhotoLabel,
  photo: Photo,
  motion: keyof typeof AIM_MOVES,
  size: { width: number; height: number },
  seconds: number,
  fps: number,
): Promise<AimResult | undefined> {
  const what = AIM_MOVES[motion];
  const target = aimTarget(label, what);
  if (!target) return undefined;
  // A person is aimed at as a whole or at the face (a crash zoom into a portrait ends on the
  // face, which a tall figure's box centre, at the chest, is not): either counts.
  const faceCentres = label.subject
    ? label.faces.map((f) => boxCentre(f.box)).filter((c) => inBox(label.subject!.box, c))
    : [];
  const alternatives =
    what === 'subject'
      ? [target, ...faceCentres]
      : label.faces.map((f) => (what === 'eyes' ? eyeCentre(f.eyes) : f.mouth));
  const view = await planView(clipJob(photo, motion, size, seconds, fps));
  const lastIndex = view.frames - 1;
  const m = view.front(lastIndex);
  const lasts = alternatives.map((p) => apply(m, p));
  const hit = lasts.findIndex((p) => inCentralHalf(p, view.width, view.height));
  const chosen = alternatives[hit >= 0 ? hit : 0]!;
  let inside = 0;
  for (let i = 0; i < view.frames; i++) {
    const [x, y] = apply(view.front(i), chosen);
    if (x >= 0 && x < view.width && y >= 0 && y < view.height) inside++;
  }
  return { motion, last: lasts[hit >= 0 ? hit : 0]!, inCentralHalf: hit >= 0, inFrameShare: inside / view.frames };
}

/** What the tracker read between the labelled near side and background of one set of frames. */
export interface ParallaxFigures {
  parallaxPct?: number;
  /** Frames the regions were followed over (of the clip's), from the reference frame on. */
  followed?: number;
  subjectScale?: number;
  backgroundScale?: number;
  /** Why parallax could not be measured (regions too small or lost at once). */
  note?: string;
}

export interface MoveResult extends ParallaxFigures {
  motion: string;
  /** Layers the plan drew (1: the move rendered flat). */
  layers: number;
  /**
   * The same reading on the texture probe (engine-probe.ts probeClip): the engine's plan,
   * layers and mattes painted by its painter with a noise over the picture, so flat regions
   * can be followed. The figures beside it (parallaxPct, …) are the plain photo's clip.
   */
  probe?: ParallaxFigures;
  /** Frame 0 against the framed source. */
  frame0: { psnr: number; p999: number };
  /** For a move that lands on the picture (drawn at rest on its last frame, not its first): the last frame against it. */
  landing?: { psnr: number; p999: number };
  /** The horizon the engine's depth used (fraction of the height) and how it was found. */
  horizon?: { row: number; from: string };
}

/** Cap on registered pixel positions per region (time is bounded by it). */
const MAX_POINTS = 4000;

function thin(points: Point[]): Point[] {
  if (points.length <= MAX_POINTS) return points;
  const step = points.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, i) => points[Math.floor(i * step)]!);
}

/** The near side of a photo (its subject's outline, else the middle of its box, else its near boxes), as a test on photo px. */
function nearRegion(label: PhotoLabel): ((p: Point) => boolean) | undefined {
  const s = label.subject;
  if (s?.polygon) return (p) => inPolygon(s.polygon!, p);
  if (s) {
    const [x0, y0, x1, y1] = s.box;
    const dx = (x1 - x0) * 0.2;
    const dy = (y1 - y0) * 0.2;
    return (p) => inBox([x0 + dx, y0 + dy, x1 - dx, y1 - dy], p);
  }
  if (label.near?.length) return (p) => label.near!.some((b) => inBox(b, p));
  return undefined;
}

/** The labelled near side and background as grid points of a plan's frame (frame 0 unless told). */
function regions(label: PhotoLabel, view: PlanView, frame = 0): { near: Point[]; background: Point[] } | undefined {
  const near = nearRegion(label);
  if (!near || label.background.length === 0) return undefined;
  const { width: w, height: h } = view;
  // Frame px back to photo px, to ask the labels which side a grid point is on.
  const inv = invert(view.front(frame));
  const toPhoto = (p: Point): Point => apply(inv, p);
  const step = Math.max(2, Math.round(w / 160));
  const margin = 4;
  return {
    near: thin(
      gridPoints(w, h, step, margin, (p) => near(toPhoto(p)) && !label.background.some((b) => inBox(b, toPhoto(p)))),
    ),
    background: thin(
      gridPoints(w, h, step, margin, (p) => label.background.some((b) => inBox(b, toPhoto(p))) && !near(toPhoto(p))),
    ),
  };
}

/**
 * Fewest grid points of the smaller region at which frame 0 is a good start. Below it (a
 * move that starts away from the picture and lands on it: Crane Up's frame 0 shows no sky)
 * the regions are taken on the last frame instead, when more of them show there.
 */
const MIN_REGION_POINTS = 300;

/** Which frame the regions are taken on and tracked from: 0, or the last one (tracked backwards). */
function referenceFrame(
  label: PhotoLabel,
  view: PlanView,
): { frame: number; pts?: { near: Point[]; background: Point[] } } {
  const first = regions(label, view, 0);
  const size = (r: typeof first): number => (r ? Math.min(r.near.length, r.background.length) : 0);
  if (!first || size(first) >= MIN_REGION_POINTS) return { frame: 0, ...(first && { pts: first }) };
  const last = view.frames - 1;
  const atLast = regions(label, view, last);
  return size(atLast) > size(first) ? { frame: last, pts: atLast! } : { frame: 0, pts: first };
}

/**
 * The tracker's reading of a clip between the two regions, from frame `from` (0, or the
 * last frame: then backwards, and the scales are given as last over first, as from frame 0).
 */
function readParallax(
  clip: Clip,
  pts: { near: Point[]; background: Point[] },
  from = 0,
  maxJump?: number,
): ParallaxFigures {
  const { width: w, height: h } = clip;
  const backwards = from > 0;
  const grey = (backwards ? [...clip.frames].reverse() : clip.frames).map(toGrey);
  // The subject in tiles of about a sixth of the frame (at least 40 px): each is followed on its own.
  const reading = measureParallax(
    grey,
    w,
    h,
    tile(pts.near, Math.max(40, Math.round(Math.max(w, h) / 6))),
    pts.background,
    maxJump,
  );
  if (!reading)
    return {
      note: `regions could not be followed (near ${pts.near.length} px, background ${pts.background.length} px)`,
    };
  // Backwards, a region lost before frame 0 gives a scale that is not the whole clip's.
  const whole = reading.lastFrame === clip.frames.length - 1;
  return {
    parallaxPct: reading.parallaxPct,
    followed: reading.lastFrame + 1,
    ...(!backwards
      ? { subjectScale: reading.subjectScale, backgroundScale: reading.backgroundScale }
      : whole && { subjectScale: 1 / reading.subjectScale, backgroundScale: 1 / reading.backgroundScale }),
    ...(backwards && { note: 'regions taken on the last frame and tracked back to frame 0' }),
  };
}

/**
 * Renders `motion` on the photo and measures it: parallax between the labelled near side
 * and the labelled background (points tracked from frame 0 on), the two sides' scale
 * change, and frame 0 against the framed source — on the clip engine.render made, and
 * (unless `probe` is false) the same on the texture probe of the same plan.
 */
export async function checkMove(
  engine: LocalEngine,
  label: PhotoLabel,
  photo: Photo,
  motion: string,
  size: { width: number; height: number },
  seconds: number,
  fps: number,
  ffmpeg: string,
  tmp: string,
  sheetPath?: string,
  options: { probe?: boolean } = {},
): Promise<MoveResult> {
  const job = clipJob(photo, motion, size, seconds, fps);
  const probed = options.probe === false ? undefined : await probeClip(job);
  const view = probed?.view ?? (await planView(job));
  const clip = await renderClip(engine, job, ffmpeg, tmp);
  const { width: w, height: h } = clip;
  const back0: Affine2 = view.back(0);
  const reference = frameSource(photo.rgb, photo.width, photo.height, back0, w, h);
  const frame0 = compareFrames(clip.frames[0]!, reference);
  const lastIndex = clip.frames.length - 1;
  const landing = view.landsAtRest
    ? compareFrames(
        clip.frames[lastIndex]!,
        frameSource(photo.rgb, photo.width, photo.height, view.back(lastIndex), w, h),
      )
    : undefined;
  const result: MoveResult = {
    motion,
    layers: view.layers,
    frame0,
    ...(landing && { landing }),
    ...(view.horizon && { horizon: view.horizon }),
  };
  const { frame: from, pts } = referenceFrame(label, view);
  if (!pts) return { ...result, note: 'no near/background labels' };
  // The sheet shows frames 0, mid and last in that order, each labelled, the regions
  // marked on the reference frame they were taken on (0, or the last: tracked back).
  const pick = [0, Math.floor(clip.frames.length / 2), lastIndex];
  if (sheetPath) {
    await writeSheet(sheetPath, clip.frames, w, h, pick, pts, from);
    if (probed) await writeSheet(sheetPath.replace(/\.png$/, '-probe.png'), probed.clip.frames, w, h, pick, pts, from);
  }
  return {
    ...result,
    ...readParallax(clip, pts, from),
    ...(probed && { probe: readParallax(probed.clip, pts, from, PROBE_MAX_JUMP) }),
  };
}

/**
 * On the probe a fit may land farther from the extrapolated motion than on a photo (4 px):
 * the jump check guards against locking onto the next period of a wallpaper, and the
 * probe's noise has no period, while a move that holds and then sets off (Arc Right's
 * ramp: 0.2 px, then 4.9 px a frame) outruns the extrapolation. The residual check stays.
 */
const PROBE_MAX_JUMP = 12;

/** Whether a reading keeps the subject's size (±6 %) while the background's changes (≥ 8 %). */
function dollyHolds(r: ParallaxFigures): boolean {
  return (
    r.subjectScale !== undefined &&
    r.backgroundScale !== undefined &&
    Math.abs(r.subjectScale - 1) <= TARGETS.dollySubject &&
    Math.abs(r.backgroundScale - 1) >= TARGETS.dollyBackground
  );
}

/**
 * Pass/fail of one move's reading against the targets (frame 0 needs the flat move's PSNR):
 * parallax and dolly on the plain clip, probeParallax and probeDolly on the texture probe.
 */
export function judgeMove(
  r: MoveResult,
  flatPsnr: number | undefined,
): { parallax?: boolean; dolly?: boolean; probeParallax?: boolean; probeDolly?: boolean; frame0?: boolean } {
  const out: { parallax?: boolean; dolly?: boolean; probeParallax?: boolean; probeDolly?: boolean; frame0?: boolean } =
    {};
  out.parallax = r.parallaxPct !== undefined && r.parallaxPct >= TARGETS.parallaxPct;
  if (r.probe) out.probeParallax = r.probe.parallaxPct !== undefined && r.probe.parallaxPct >= TARGETS.parallaxPct;
  if (DOLLY_ZOOMS.has(r.motion)) {
    out.dolly = dollyHolds(r);
    if (r.probe) out.probeDolly = dollyHolds(r.probe);
  }
  // The picture at rest: frame 0, or the last frame of a move that lands on the picture.
  if (flatPsnr !== undefined)
    out.frame0 = Math.max(r.frame0.psnr, r.landing?.psnr ?? -Infinity) >= flatPsnr - TARGETS.frame0PsnrSlackDb;
  return out;
}
