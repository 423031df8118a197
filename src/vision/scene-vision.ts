/**
 * What the engine understands of one picture, from the vision models: the subject (a
 * person, an object with its COCO label, or none), the faces with their eyes and mouth,
 * the face the face moves go for, and where the other moves aim. Runs once per picture of
 * a task on a ≤ 1024 px analysis copy; the models are loaded once per process.
 *
 * Choices (recorded in the task's `resolved.scene`):
 * - the subject is a person when the detector finds one clearly (score ≥ 0.4 and a
 *   sizeable box), else the detection that ranks best by score × √(area share) × centrality
 *   (a box over 70 % of the picture counts a third of its area);
 *   furniture and tables (backdrops a thing stands on) are never the subject;
 * - the face is the largest face, discounted by its distance from the centre (a large
 *   face at the edge loses to a nearly as large one in the middle);
 * - faces are searched on the whole picture and, at full model resolution, in the head
 *   region of each of the two best person boxes, so a small face in a wide shot is found.
 */
import { detectFaces, type Face } from './face-detector.js';
import { detectObjects, type Detection } from './object-detector.js';
import type { Box, RgbPicture } from './picture.js';
import { segmentPeople, type PersonMask } from './person-segmenter.js';

/** Normalised (0..1 of the picture's width and height) box. */
export interface NormBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SeenFace {
  /** Normalised box. */
  box: NormBox;
  score: number;
  /** Normalised points: eyes (picture-left first), mouth. */
  eyes: [{ x: number; y: number }, { x: number; y: number }];
  mouth: { x: number; y: number };
}

export interface SceneVision {
  subject: 'person' | 'object' | 'none';
  /** The detector's COCO label for the subject. */
  label?: string;
  /** The detector's score for the subject (0 with no subject). */
  confidence: number;
  /** The subject's box, normalised. */
  box?: NormBox;
  faces: SeenFace[];
  /** Index into `faces` of the face the face moves aim at, and why that one. */
  face?: { index: number; reason: 'only face' | 'largest' | 'most central' };
  /** Where aimed moves point (normalised), when there is a subject. */
  aim?: { x: number; y: number };
  /** Person boxes that touch the subject's (person subjects), normalised. */
  people?: NormBox[];
  /** The person probability over the subject's region (person subjects, when asked for). */
  personMask?: PersonMask;
  /** Size of the analysis picture the boxes were found on. */
  width: number;
  height: number;
}

/** Labels that are where a subject stands, not a subject. */
const BACKDROPS = new Set(['dining table', 'bed', 'couch', 'bench', 'toilet', 'sink', 'refrigerator', 'oven']);
/** A person this sure and this big is the subject whatever else is in the picture. */
const PERSON_SCORE = 0.4;
const PERSON_AREA = 0.02;
/** Below this a detection is not trusted as a subject (a cup on a table scores ~0.28). */
const SUBJECT_SCORE = 0.25;
/** A face outside every person box must be this sure (a cup's handle, a cat scored ~0.7). */
const LONE_FACE_SCORE = 0.9;
/**
 * A box over nearly the whole picture is believed only when the detector is this sure: an
 * unsure one is the detector reading texture as a thing (a random blurred texture at 320 px
 * scored an "elephant" 0.35 over 98 % of the frame), and an object that fills the frame
 * leaves no background for a depth move to part it from.
 */
const WHOLE_PICTURE_SHARE = 0.9;
const WHOLE_PICTURE_SCORE = 0.5;

export interface SeeOptions {
  /** Run the person segmentation for the subject matte (depth moves). */
  matte?: boolean;
  /** Look for faces even without a person box (face moves). */
  faces?: boolean;
}

/** Looks at `picture` (packed RGB at analysis size). */
export async function seeScene(picture: RgbPicture, options: SeeOptions = {}): Promise<SceneVision> {
  const { width: W, height: H } = picture;
  const norm = (b: Box): NormBox => ({ x: b.x / W, y: b.y / H, w: b.w / W, h: b.h / H });
  const detections = await detectObjects(picture, 0.25);
  const subject = chooseSubject(detections, W, H);
  const people = detections.filter((d) => d.label === 'person' && d.score >= SUBJECT_SCORE).slice(0, 2);
  // The head region of a person box: its top, as tall as the box is wide (a standing figure)
  // or the whole box (a portrait).
  const heads = people
    .filter((p) => p.box.w * p.box.h < 0.6 * W * H)
    .map((p) => ({ x: p.box.x, y: p.box.y, w: p.box.w, h: Math.min(p.box.h, 1.1 * p.box.w) }));
  const inPerson = (f: Face): boolean =>
    people.some(
      (p) =>
        f.box.x + f.box.w / 2 > p.box.x &&
        f.box.x + f.box.w / 2 < p.box.x + p.box.w &&
        f.box.y + f.box.h / 2 > p.box.y &&
        f.box.y + f.box.h / 2 < p.box.y + p.box.h,
    );
  // With every person the detector found searched in its head region, the whole picture's
  // pass (a BlazeFace run, ~50 ms) would only add faces outside them, which must be very sure
  // to count; it runs when there is no person, a person too large for a head region, or
  // more people than are searched.
  const everyHead =
    heads.length > 0 &&
    heads.length === detections.filter((d) => d.label === 'person' && d.score >= SUBJECT_SCORE).length;
  const found: Face[] = (
    people.length > 0 || options.faces ? await detectFaces(picture, heads, undefined, !everyHead) : []
  ).filter((f) => f.score >= LONE_FACE_SCORE || inPerson(f));
  const faces: SeenFace[] = found.map((f) => ({
    box: norm(f.box),
    score: f.score,
    eyes: [
      { x: f.eyes[0].x / W, y: f.eyes[0].y / H },
      { x: f.eyes[1].x / W, y: f.eyes[1].y / H },
    ],
    mouth: { x: f.mouth.x / W, y: f.mouth.y / H },
  }));
  const face = chooseFace(faces, W / H);
  const out: SceneVision = { subject: 'none', confidence: 0, faces, width: W, height: H, ...(face && { face }) };
  if (!subject) return out;
  out.subject = subject.label === 'person' ? 'person' : 'object';
  out.label = subject.label;
  out.confidence = round(subject.score);
  out.box = norm(subject.box);
  const chosen = face && faces[face.index];
  const inSubject = chosen && centreIn(chosen.box, out.box);
  out.aim =
    out.subject === 'person' && inSubject
      ? { x: chosen.box.x + chosen.box.w / 2, y: chosen.box.y + chosen.box.h / 2 }
      : out.subject === 'person'
        ? { x: out.box.x + out.box.w / 2, y: out.box.y + 0.3 * out.box.h }
        : { x: out.box.x + out.box.w / 2, y: out.box.y + out.box.h / 2 };
  out.people = detections
    .filter((d) => d.label === 'person' && d.score >= SUBJECT_SCORE && touches(d.box, subject.box))
    .map((d) => norm(d.box));
  if (options.matte) await segmentSubject(picture, out);
  return out;
}

/** Adds the person segmentation to a look at a person subject (a no-op otherwise, or when done). */
export async function segmentSubject(picture: RgbPicture, vision: SceneVision): Promise<SceneVision> {
  if (vision.subject !== 'person' || vision.personMask || !vision.people?.length) return vision;
  const { width: W, height: H } = picture;
  // All the people near the subject: the union of the person boxes that touch it, padded.
  const boxes = vision.people.map((b) => toPixels(b, W, H));
  const all = pad(union(boxes), 0.08, W, H);
  const wide = await segmentPeople(picture, all);
  // The subject alone, on the detector's box: where the union above spans more (a crowd
  // behind a player), the model sees the subject at a fraction of its 256 px and loses thin
  // limbs (messi5's outstretched shin scores 0.00 on the union, 1.00 on the player's box).
  // Merged by the larger probability, so the wide pass keeps what the box cuts (an arm held
  // out past it); inside another person's box only the wide pass counts, because on the
  // close crop the model also joins a spectator behind the player's hand to the player.
  // The second pass (~50 ms) is skipped where it would see about the same pixels.
  const own = toPixels(vision.box!, W, H);
  const beside = vision.people.filter((p) => !sameBox(p, vision.box!)).map((p) => toPixels(p, W, H));
  vision.personMask =
    own.w * own.h < 0.9 * all.w * all.h ? mergeMasks(wide, await segmentPeople(picture, own), beside) : wide;
  return vision;
}

function toPixels(b: NormBox, W: number, H: number): Box {
  return { x: b.x * W, y: b.y * H, w: b.w * W, h: b.h * H };
}

function sameBox(a: NormBox, b: NormBox): boolean {
  const near = (u: number, v: number): boolean => Math.abs(u - v) < 1e-9;
  return near(a.x, b.x) && near(a.y, b.y) && near(a.w, b.w) && near(a.h, b.h);
}

/**
 * Two masks merged: over both regions, at the finer grid of the two, the larger of the two
 * probabilities per pixel; inside the `exclude` boxes (picture pixels), `wide`'s alone.
 */
export function mergeMasks(wide: PersonMask, close: PersonMask, exclude: Box[] = []): PersonMask {
  const region = union([wide.region, close.region]);
  const scale = Math.max(wide.width / wide.region.w, close.width / close.region.w);
  const width = Math.max(1, Math.round(region.w * scale));
  const height = Math.max(1, Math.round(region.h * scale));
  const alpha = new Float32Array(width * height);
  const sample = (m: PersonMask, px: number, py: number): number => {
    const u = Math.floor(((px - m.region.x) / m.region.w) * m.width);
    const v = Math.floor(((py - m.region.y) / m.region.h) * m.height);
    return u >= 0 && u < m.width && v >= 0 && v < m.height ? m.alpha[v * m.width + u]! : 0;
  };
  for (let y = 0; y < height; y++) {
    const py = region.y + ((y + 0.5) / height) * region.h;
    for (let x = 0; x < width; x++) {
      const px = region.x + ((x + 0.5) / width) * region.w;
      const w = sample(wide, px, py);
      const theirs = exclude.some((b) => px >= b.x && px < b.x + b.w && py >= b.y && py < b.y + b.h);
      alpha[y * width + x] = theirs ? w : Math.max(w, sample(close, px, py));
    }
  }
  return { region, width, height, alpha };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function centrality(cx: number, cy: number): number {
  return 1 - Math.min(1, Math.hypot(cx - 0.5, cy - 0.5) / Math.SQRT1_2);
}

/** The subject among the detections, or undefined when none is believable. */
export function chooseSubject(detections: Detection[], W: number, H: number): Detection | undefined {
  const share = (d: Detection): number => (d.box.w * d.box.h) / (W * H);
  const candidates = detections.filter(
    (d) =>
      d.score >= SUBJECT_SCORE &&
      !BACKDROPS.has(d.label) &&
      !(share(d) > WHOLE_PICTURE_SHARE && d.score < WHOLE_PICTURE_SCORE),
  );
  // A box over most of the picture is the scene more often than its subject (a false
  // "airplane" over a whole landscape): it counts as a third of its size.
  const size = (d: Detection): number => (share(d) > 0.7 ? share(d) / 3 : share(d));
  const rank = (d: Detection): number =>
    d.score * Math.sqrt(size(d)) * (0.4 + 0.6 * centrality((d.box.x + d.box.w / 2) / W, (d.box.y + d.box.h / 2) / H));
  const people = candidates.filter((d) => d.label === 'person' && d.score >= PERSON_SCORE && share(d) >= PERSON_AREA);
  const pool = people.length > 0 ? people : candidates;
  let best: Detection | undefined;
  for (const d of pool) if (!best || rank(d) > rank(best)) best = d;
  return best;
}

/** The face to aim at: the largest, discounted by distance from the centre. */
export function chooseFace(faces: SeenFace[], aspect: number): SceneVision['face'] {
  if (faces.length === 0) return undefined;
  if (faces.length === 1) return { index: 0, reason: 'only face' };
  const area = (f: SeenFace): number => f.box.w * f.box.h * aspect;
  const rank = (f: SeenFace): number =>
    area(f) * (0.5 + 0.5 * centrality(f.box.x + f.box.w / 2, f.box.y + f.box.h / 2));
  let best = 0;
  let largest = 0;
  faces.forEach((f, i) => {
    if (rank(f) > rank(faces[best]!)) best = i;
    if (area(f) > area(faces[largest]!)) largest = i;
  });
  return { index: best, reason: best === largest ? 'largest' : 'most central' };
}

function centreIn(a: NormBox, b: NormBox): boolean {
  const cx = a.x + a.w / 2;
  const cy = a.y + a.h / 2;
  return cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h;
}

function touches(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function union(boxes: Box[]): Box {
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.w));
  const y1 = Math.max(...boxes.map((b) => b.y + b.h));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

function pad(b: Box, k: number, W: number, H: number): Box {
  const x0 = Math.max(0, b.x - k * b.w);
  const y0 = Math.max(0, b.y - k * b.h);
  const x1 = Math.min(W, b.x + b.w * (1 + k));
  const y1 = Math.min(H, b.y + b.h * (1 + k));
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
