/**
 * Every camera-kind motion of the catalogue as a small named definition built from parts.
 * Moves whose point is depth (dollies, arcs and orbits, cranes, dolly zoom, flying) move
 * the camera through the scene (`dolly`, `track`, `boom`, `arc`, ...), so they render
 * with parallax over the picture's layers; the others pan, tilt, zoom and roll.
 */
import {
  burst,
  easeInCubic,
  easeInOutCubic,
  easeInOutSine,
  easeOutCubic,
  linear,
  smootherstep,
  window,
} from './easing.js';
import {
  arc,
  boom,
  crane,
  dolly,
  dollyZoom,
  fisheye,
  focusRack,
  orbitAround,
  pedestal,
  pulseZoom,
  push,
  roll,
  shake,
  shutter,
  sway,
  track,
  truck,
  whip,
  type MotionPart,
} from './motion-parts.js';
import type { LookName } from '../looks/types.js';
import type { FaceTarget } from '../framing/face-aim.js';
import type { Direction } from './prompt-modifiers.js';

export interface MotionDefinition {
  name: string;
  parts: MotionPart[];
  /** The direction the move goes by default, when a prompt may reverse it. */
  direction?: Direction;
  /** A 2-D effect drawn over the move (catalogue effects with an honest 2-D form). */
  look?: LookName;
  /** Aimed at a face (see face-aim.ts) rather than the picture's centre of interest. */
  aim?: FaceTarget;
  /**
   * A face move's close-up: when a face is found, `push(zoom)` replaces `parts`, with the
   * zoom at which the face fills `fill` frame heights (so a small face in a wide shot is
   * reached, and a portrait is not pushed into its pores); `parts` apply without a face.
   */
  closeUp?: { fill: number; push: (zoom: number) => MotionPart[] };
  /** Why `loop: true` is refused for this motion (see `loopability`); absent = it loops. */
  noLoop?: string;
}

const deg = (d: number): number => (d * Math.PI) / 180;

const handheld: MotionPart[] = [
  shake({ pos: 0.012, roll: deg(0.5), zoom: 0.008, hz: 0.55 }),
  shake({ pos: 0.0025, roll: deg(0.15), hz: 2.2, channel: 1 }),
];

/** Loop refusals: a there-and-back would undo what the move is for. */
const SNAP = 'its point is one sudden snap to a new framing; looped it would snap there and back twice a clip';
const ONE_WAY =
  'it is a one-way passage or reveal (through an object, out from a close-up to the wide view); looped it would run back through it';

/** Camera definitions by exact catalogue name. Mixes ("A + B") compose their parts. */
const DEFINITIONS: Record<string, Omit<MotionDefinition, 'name'>> = {
  Static: { parts: [] },
  General: {
    parts: [push(1.07, easeInOutSine), truck(0.04), shake({ pos: 0.004, roll: deg(0.2), hz: 0.25 })],
    direction: 'right',
  },
  'Zoom In': { parts: [push(1.45)] },
  'Zoom Out': { parts: [push(1, easeInOutSine, 1.45)] },
  'Crash Zoom In': { parts: [push(2.6, burst(0.42, 0.16)), shutter(1)], noLoop: SNAP },
  'Crash Zoom Out': { parts: [push(1, burst(0.42, 0.16), 2.6), shutter(1)], noLoop: SNAP },
  'YoYo Zoom': { parts: [pulseZoom(1.45, 2, 1.5), shutter(0.75)] },
  'Dolly In': { parts: [dolly(0.3), boom(0.02)] },
  'Dolly Out': { parts: [dolly(0, smootherstep, 0.3), boom(-0.02)] },
  'Super Dolly In': { parts: [push(1.6, easeInOutCubic), dolly(0.4, easeInOutCubic), shutter(0.75)] },
  'Super Dolly Out': { parts: [push(1, easeInOutCubic, 1.6), dolly(0, easeInOutCubic, 0.4), shutter(0.75)] },
  'Double Dolly': { parts: [dolly(0.22, linear), track(0.08, linear)], direction: 'right' },
  'Tilt up': { parts: [pedestal(-0.24)] },
  'Tilt Down': { parts: [pedestal(0.24)] },
  'Dolly Left': { parts: [track(-0.22)] },
  'Dolly Right': { parts: [track(0.22)] },
  'Whip Pan': { parts: [whip(0.4), shutter(1)], direction: 'right', noLoop: SNAP },
  Handheld: { parts: handheld },
  Wiggle: { parts: [push(1.2), shake({ pos: 0.02, roll: deg(1.5), zoom: 0.02, hz: 2.4 })] },
  'Dutch Angle': { parts: [roll(deg(10)), push(1.08)], direction: 'right' },
  Incline: { parts: [roll(deg(17), easeInOutCubic), pedestal(0.05)], direction: 'right' },
  Snorricam: {
    parts: [sway({ roll: deg(4), x: 0.015, hz: 0.45 }), push(1.15, linear, 1.15), ...handheld.slice(1)],
    direction: 'right',
  },
  'Low Shutter': { parts: [push(1.12), shake({ pos: 0.01, roll: deg(0.6), hz: 0.9 }), shutter(2.5)] },
  Fisheye: { parts: [fisheye(0.45, easeInOutSine, 0.2), push(1.1)] },
  'Focus Change': { parts: [focusRack(7), push(1.05)] },
  'Eyes In': {
    parts: [push(2.2, easeInOutCubic)],
    aim: 'eyes',
    closeUp: { fill: 1.8, push: (z) => [push(z, easeInOutCubic)] },
  },
  'Mouth In': {
    parts: [push(2, easeInOutCubic)],
    aim: 'mouth',
    closeUp: { fill: 1.5, push: (z) => [push(z, easeInOutCubic)] },
  },
  'Earth Zoom Out': {
    parts: [push(1, easeInOutSine, 6), shutter(0.6)],
    aim: 'face',
    closeUp: { fill: 1.1, push: (z) => [push(1, easeInOutSine, z), shutter(0.6)] },
    noLoop: ONE_WAY,
  },
  Hyperlapse: {
    parts: [push(1.55, linear), truck(0.05, linear), shake({ pos: 0.006, roll: deg(0.4), hz: 1.2 }), shutter(0.9)],
    direction: 'right',
  },
  // Rises 0.2 cover heights, pulling back a little onto the picture (its rest frame, the last),
  // tilting down 0.7 of the way that holds the subject, so frame 0 keeps it (a full hold
  // slides the background so far that the cover crop cuts the subject's head; no hold slid
  // the subject out of the top; half a hold still cut messi5's head and the astronaut's
  // forehead at frame 0, and leuvenA's far houses parted from its walls by only 1.1 %).
  'Crane Up': { parts: [crane(-0.2, { from: 0.04, to: 0 }, 0.7)] },
  // Crane Up's mirror: from the picture (its rest frame, the first) it sinks 0.2 cover heights
  // pushing in a little, tilting up 0.7 of the way that holds the subject (a boom and a 0.16
  // dolly with no tilt slid the subject up out of the frame's top: heads cut at the end; half
  // a hold still took basketball1's face out of the top).
  'Crane Down': { parts: [crane(0.2, { from: 0, to: 0.04 }, 0.7)] },
  'Crane Over The Head': { parts: [boom(-0.28), dolly(0.25, window(0.35, 1)), roll(deg(2))] },
  'Jib Up': { parts: [boom(-0.15)] },
  'Jib Down': { parts: [boom(0.15)] },
  'Arc Left': { parts: [arc(-0.26), roll(deg(-2.5)), push(1.04)] },
  'Arc Right': { parts: [arc(0.26), roll(deg(2.5)), push(1.04)] },
  '360 Orbit': { parts: [orbitAround(0.2, 1), push(1.05)], direction: 'right' },
  'Lazy Susan': { parts: [orbitAround(0.12, 0.5, 0.02), push(1.04, linear)], direction: 'right' },
  '3D Rotation': { parts: [orbitAround(0.18, 1, 0.05), push(1.08)], direction: 'right' },
  'Bullet Time': { parts: [orbitAround(0.24, 0.4, 0.02), push(1.1, linear)], direction: 'right' },
  'Action Run': {
    parts: [push(1.18, linear), shake({ pos: 0.014, roll: deg(1), hz: 2.6 }), sway({ y: 0.008, hz: 2.6 })],
  },
  'Buckle Up': {
    parts: [
      shake({ pos: 0.022, roll: deg(1.6), zoom: 0.015, hz: 3.5, translate: true }),
      shake({ pos: 0.006, hz: 9, channel: 1 }),
    ],
  },
  'Car Chasing': {
    parts: [truck(0.3, linear), shake({ pos: 0.005, roll: deg(0.3), hz: 7 }), shutter(1)],
    direction: 'right',
  },
  'Car Grip': { parts: [track(0.2, linear), shake({ pos: 0.003, hz: 11 }), shutter(1.2)], direction: 'right' },
  'Downhill POV': { parts: [push(1.6, linear), shake({ pos: 0.01, roll: deg(1.2), hz: 3 }), shutter(0.9)] },
  'FPV Drone': {
    parts: [
      push(1.3, easeInOutSine),
      dolly(0.32, easeInOutSine),
      sway({ roll: deg(7), tx: 0.05, hz: 0.35 }),
      shutter(0.8),
    ],
    direction: 'right',
  },
  Flying: {
    parts: [push(1.15, linear), dolly(0.22, linear), sway({ roll: deg(5), ty: 0.03, hz: 0.25 })],
    direction: 'right',
  },
  Glam: { parts: [push(1.12, easeInOutSine), sway({ roll: deg(1.5), hz: 0.15 }), truck(0.04)], direction: 'right' },
  'Head Tracking': {
    parts: [sway({ tx: 0.07, roll: deg(1.5), hz: 0.3 }), push(1.12, linear, 1.12)],
    direction: 'right',
  },
  'Object POV': { parts: [fisheye(0.25), shake({ pos: 0.006, roll: deg(0.5), hz: 0.8 }), push(1.08)] },
  Overhead: { parts: [roll(deg(12), linear), push(1.06, linear), dolly(0.12, linear)], direction: 'right' },
  'Rap Flex': {
    parts: [
      push(1.25, burst(0.2, 0.08)),
      push(1.2, burst(0.55, 0.08)),
      shake({ pos: 0.01, roll: deg(1), hz: 2 }),
      shutter(0.8),
    ],
  },
  'Robo Arm': {
    parts: [
      track(0.36, easeInOutCubic),
      push(1.1, easeInOutCubic),
      dolly(0.2, easeInOutCubic),
      roll(deg(5), easeInOutCubic),
    ],
    direction: 'right',
  },
  'Through Object In': { parts: [push(1.5, easeInCubic), dolly(0.45, easeInCubic), shutter(0.9)], noLoop: ONE_WAY },
  'Through Object Out': {
    parts: [push(1, easeOutCubic, 1.5), dolly(0, easeOutCubic, 0.45), shutter(0.9)],
    noLoop: ONE_WAY,
  },
  'Dolly Zoom In': { parts: [dollyZoom(0.3)] },
  'Dolly Zoom Out': { parts: [dollyZoom(-0.5)] },
};

/**
 * Catalogue effects with an honest 2-D form: a look over a gentle, named camera move (so a
 * render of that camera motion with the same seed is the same move without the look).
 * Every other effect is generative and stays refused (see motion-support).
 */
const LOOK_DEFINITIONS: Record<string, { camera: string; look: LookName }> = {
  VHS: { camera: 'Handheld', look: 'vhs' },
  'Super 8MM': { camera: 'Handheld', look: 'super8' },
  'Lens Flare': { camera: 'General', look: 'lensFlare' },
  'Dirty Lens': { camera: 'General', look: 'dirtyLens' },
  Paparazzi: { camera: 'Handheld', look: 'paparazzi' },
  Datamosh: { camera: 'Zoom In', look: 'datamosh' },
  'Lens Crack': { camera: 'Handheld', look: 'lensCrack' },
};

const byKey = new Map<string, MotionDefinition>();
for (const [name, def] of Object.entries(DEFINITIONS)) byKey.set(name.toLowerCase(), { name, ...def });
for (const [name, { camera, look }] of Object.entries(LOOK_DEFINITIONS))
  byKey.set(name.toLowerCase(), { name, ...DEFINITIONS[camera]!, look });

/** The definition for a canonical camera motion name (mixes compose), or undefined. */
export function findMotionDefinition(name: string): MotionDefinition | undefined {
  const key = name.trim().toLowerCase();
  const direct = byKey.get(key);
  if (direct) return direct;
  if (!key.includes(' + ')) return undefined;
  const parts = key.split(' + ').map((p) => byKey.get(p.trim()));
  if (parts.some((p) => p === undefined)) return undefined;
  const defs = parts as MotionDefinition[];
  const composed: MotionDefinition = { name: name.trim(), parts: defs.flatMap((d) => d.parts) };
  const direction = defs.find((d) => d.direction)?.direction;
  const look = defs.find((d) => d.look)?.look;
  const aim = defs.find((d) => d.aim)?.aim;
  const noLoop = defs.find((d) => d.noLoop)?.noLoop;
  return {
    ...composed,
    ...(direction && { direction }),
    ...(look && { look }),
    ...(aim && { aim }),
    ...(noLoop && { noLoop }),
  };
}

/**
 * Whether `loop: true` makes sense for a motion (`ownPath`: a keyframed path replaces its
 * movement). Progressive moves loop there and back and
 * shakes and sways wrap (see camera-path.ts); refused: the snaps and one-way moves marked
 * `noLoop`, and every look, whose overlay (grain, flicker, glitches) runs on the clip's own
 * clock and does not wrap.
 */
export function loopability(
  name: string,
  options: { ownPath?: boolean } = {},
): { loopable: true } | { loopable: false; reason: string } {
  const def = findMotionDefinition(name);
  if (!def) return { loopable: false, reason: 'the local engine has no definition for it' };
  if (def.look)
    return { loopable: false, reason: `its "${def.look}" look runs on the clip's own clock and does not wrap` };
  // A keyframed path replaces the motion's movement: only a look can stand in the way.
  if (def.noLoop && !options.ownPath) return { loopable: false, reason: def.noLoop };
  return { loopable: true };
}

/** Names of every single (non-mix) definition, camera moves and looks. */
export function definedMotionNames(): string[] {
  return [...Object.keys(DEFINITIONS), ...Object.keys(LOOK_DEFINITIONS)];
}

/** The camera motion a look motion moves with (the same move, without the look). */
export function lookCameraOf(name: string): string | undefined {
  return LOOK_DEFINITIONS[name.trim()]?.camera;
}
