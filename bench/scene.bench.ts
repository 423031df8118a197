/**
 * The scene benchmark (issue 13's proof): on hand-labelled real photographs
 * (bench/scene-labels.json, photos from Debian packages via scripts/get-bench-photos.sh),
 * what the engine understood (subject box and mask IoU, face and eye hits), where its aimed
 * moves end (projected through the render plan), and, from rendered lite clips, each depth
 * move's parallax, dolly zoom's subject/background scale and frame 0 against the source.
 *
 *   npm run bench:scene [-- --quick] [--photo NAME[,NAME]] [--motion NAME[,NAME]] [--dir DIR] [--json FILE] [--sheets DIR]
 *
 * --sheets DIR writes a contact sheet (frames 0, middle, last; measured regions dotted) per clip,
 * and NAME-probe.png for its texture probe (bench/scene/engine-probe.ts probeClip).
 *
 * Parallax and dolly zoom are read twice: on the clip engine.render made of the photo
 * ("photo") and on the texture probe of the same plan ("probe": the engine's layers and
 * mattes painted by its painter with a noise over the picture, so flat backdrops can be
 * followed). Pass/fail of a depth move is the probe's; the photo's figures stay beside it.
 * --aspect W:H renders every clip at that aspect (default: each photo's own), e.g. 16:9.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultFfmpegPath } from '../src/engine/ffmpeg/ffmpeg-path.js';
import { createLocalEngine } from '../src/engine/index.js';
import {
  AIM_MOVES,
  checkAim,
  checkFaces,
  checkMove,
  checkScene,
  DEPTH_MOVES,
  DOLLY_ZOOMS,
  FLAT_MOVE,
  judgeMove,
  TARGETS,
  type AimResult,
  type FaceResult,
  type MoveResult,
  type SceneResult,
} from './scene/checks.js';
import { clipSize, loadPhoto } from './scene/engine-probe.js';
import { DEFAULT_PHOTO_DIR, ensurePhotos, loadLabels, photoPath } from './scene/labels.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    photo: { type: 'string', multiple: true },
    motion: { type: 'string', multiple: true },
    dir: { type: 'string', default: DEFAULT_PHOTO_DIR },
    json: { type: 'string' },
    sheets: { type: 'string' },
    aspect: { type: 'string' },
  },
});
const list = (v: string[] | undefined): string[] | undefined =>
  v
    ?.flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

const QUICK_PHOTOS = ['astronaut', 'camera', 'coffee', 'leuvenA'];
const QUICK_MOVES = ['Arc Right', 'Dolly Zoom In'];
const quick = values.quick;
const LONG_SIDE = quick ? 384 : 480;
const aspect = values.aspect?.split(':').map(Number);
if (aspect && (aspect.length !== 2 || !aspect.every((n) => n > 0)))
  throw new Error(`--aspect wants W:H, got ${values.aspect}`);
const SECONDS = 2;
const FPS = 12;

const all = loadLabels();
const wanted = list(values.photo) ?? (quick ? QUICK_PHOTOS : all.map((l) => l.name));
const unknown = wanted.filter((n) => !all.some((l) => l.name === n));
if (unknown.length)
  throw new Error(`unknown photo(s) ${unknown.join(', ')}; labelled: ${all.map((l) => l.name).join(', ')}`);
const labels = all.filter((l) => wanted.includes(l.name));
const motionFilter = list(values.motion);
const depthMoves = (motionFilter ?? (quick ? QUICK_MOVES : [...DEPTH_MOVES])).filter(
  (m) => !(m in AIM_MOVES) && m !== FLAT_MOVE,
);
const aimMoves = (Object.keys(AIM_MOVES) as (keyof typeof AIM_MOVES)[]).filter(
  (m) => !motionFilter || motionFilter.includes(m),
);

ensurePhotos(labels, values.dir);
if (values.sheets) await mkdir(values.sheets, { recursive: true });
const ffmpeg = await defaultFfmpegPath();
const engine = createLocalEngine({ renderThreads: 1 });
const tmp = await mkdtemp(join(tmpdir(), 'sm-scene-bench-'));
const started = performance.now();

interface PhotoReport {
  name: string;
  kind: string;
  scene: SceneResult;
  faces?: FaceResult;
  aims: AimResult[];
  flat?: MoveResult;
  moves: MoveResult[];
}
const reports: PhotoReport[] = [];
const f1 = (x: number | undefined, d = 2): string => (x === undefined ? '–' : x.toFixed(d));
const yn = (b: boolean | undefined): string => (b === undefined ? '–' : b ? 'yes' : 'NO');
/** " (frames followed/of)" where a reading lost its regions before the clip's end. */
const followed = (r: { followed?: number } | undefined): string =>
  r?.followed !== undefined && r.followed < SECONDS * FPS ? ` (${r.followed}/${SECONDS * FPS} frames)` : '';

console.log(
  `scene benchmark: ${labels.length} photo(s), depth moves ${depthMoves.join(', ') || 'none'}; lite clips ${SECONDS} s at ${FPS} fps, long side ${LONG_SIDE}${values.aspect ? `, aspect ${values.aspect}` : ''}`,
);
console.log(
  `load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (the machine is shared: times are indicative only)`,
);
try {
  for (const label of labels) {
    const photo = await loadPhoto(photoPath(label, values.dir));
    const size = clipSize(photo, LONG_SIDE, aspect && aspect[0]! / aspect[1]!);
    const scene = await checkScene(label, photo);
    const faces = await checkFaces(label, photo);
    const aims: AimResult[] = [];
    for (const m of aimMoves) {
      const a = await checkAim(label, photo, m, size, SECONDS, FPS);
      if (a) aims.push(a);
    }
    const moves: MoveResult[] = [];
    const sheet = (m: string): string | undefined =>
      values.sheets && join(values.sheets, `${label.name}-${m.replace(/\W+/g, '-').toLowerCase()}.png`);
    const flat = depthMoves.length
      ? await checkMove(engine, label, photo, FLAT_MOVE, size, SECONDS, FPS, ffmpeg, tmp, sheet(FLAT_MOVE))
      : undefined;
    for (const m of depthMoves)
      moves.push(await checkMove(engine, label, photo, m, size, SECONDS, FPS, ffmpeg, tmp, sheet(m)));
    const r: PhotoReport = {
      name: label.name,
      kind: label.kind,
      scene,
      aims,
      moves,
      ...(faces && { faces }),
      ...(flat && { flat }),
    };
    reports.push(r);
    console.log(`\n${label.name} (${label.kind}, ${photo.width}×${photo.height} → ${size.width}×${size.height})`);
    console.log(
      `  scene: subject ${scene.subjectFound ? 'found' : 'none'}, ${scene.layers} layer(s); box IoU ${f1(scene.boxIoU)}, mask IoU ${f1(scene.maskIoU)}`,
    );
    if (faces)
      console.log(
        `  faces: face point ${faces.face ? faces.face.map((v) => v.toFixed(0)).join(',') : 'none'} hit ${yn(faces.faceHit)}; eyes point ${faces.eyes ? faces.eyes.map((v) => v.toFixed(0)).join(',') : 'none'} hit ${yn(faces.eyeHit)}`,
      );
    for (const a of aims)
      console.log(
        `  aim ${a.motion}: last frame at ${a.last.map((v) => v.toFixed(0)).join(',')} central half ${yn(a.inCentralHalf)}, in frame ${(a.inFrameShare * 100).toFixed(0)} % of the clip`,
      );
    if (flat)
      console.log(
        `  ${FLAT_MOVE} (2-D control): tracker floor photo ${f1(flat.parallaxPct)} % / probe ${f1(flat.probe?.parallaxPct)} %, frame 0 PSNR ${f1(flat.frame0.psnr, 1)} dB (p99.9 err ${flat.frame0.p999})`,
      );
    const horizon = moves.find((m) => m.horizon)?.horizon;
    if (horizon)
      console.log(
        `  horizon: row ${horizon.row.toFixed(2)} (${horizon.from})${label.horizon === undefined ? '' : `, labelled ${(label.horizon / photo.height).toFixed(2)}`}`,
      );
    for (const m of moves) {
      const j = judgeMove(m, flat?.frame0.psnr);
      const dz = DOLLY_ZOOMS.has(m.motion)
        ? `; subject ×${f1(m.subjectScale, 3)} background ×${f1(m.backgroundScale, 3)} dolly ${yn(j.dolly)} / probe subject ×${f1(m.probe?.subjectScale, 3)} background ×${f1(m.probe?.backgroundScale, 3)} dolly ${yn(j.probeDolly)}`
        : '';
      const notes = [m.note && `photo: ${m.note}`, m.probe?.note && `probe: ${m.probe.note}`].filter(Boolean);
      console.log(
        `  ${m.motion}: ${m.layers} layer(s), parallax photo ${f1(m.parallaxPct)} %${followed(m)} ${yn(j.parallax)} / probe ${f1(m.probe?.parallaxPct)} %${followed(m.probe)} ${yn(j.probeParallax)}${dz}; frame 0 PSNR ${f1(m.frame0.psnr, 1)} dB (p99.9 ${m.frame0.p999})${m.landing ? `, lands on the picture: last frame ${f1(m.landing.psnr, 1)} dB (p99.9 ${m.landing.p999})` : ''} ${yn(j.frame0)}${notes.length ? ` [${notes.join('; ')}]` : ''}`,
      );
    }
  }
} finally {
  await engine.close();
  await rm(tmp, { recursive: true, force: true });
}

// Summary against the issue's targets.
const rate = (xs: boolean[]): string => (xs.length ? `${xs.filter(Boolean).length}/${xs.length}` : '–');
const mean = (xs: number[]): string => (xs.length ? (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2) : '–');
const sceneRows = reports.filter((r) => r.scene.boxIoU !== undefined);
const faceRows = reports.filter((r) => r.faces);
console.log('\nsummary (targets from issue 13)');
console.log('| check | result | target |');
console.log('|---|---|---|');
console.log(`| subject found (labelled subjects) | ${rate(sceneRows.map((r) => r.scene.subjectFound))} | – |`);
console.log(`| subject box IoU, mean | ${mean(sceneRows.map((r) => r.scene.boxIoU!))} | – |`);
console.log(
  `| subject mask IoU, mean (${reports.filter((r) => r.scene.maskIoU !== undefined).length} outlined) | ${mean(reports.flatMap((r) => (r.scene.maskIoU === undefined ? [] : [r.scene.maskIoU])))} | – |`,
);
console.log(`| face point in a face box | ${rate(faceRows.map((r) => r.faces!.faceHit))} | all |`);
console.log(`| eyes point on the eyes | ${rate(faceRows.map((r) => r.faces!.eyeHit))} | all |`);
const horizonErr = reports.flatMap((r) => {
  const h = r.moves.find((m) => m.horizon)?.horizon;
  const l = labels.find((x) => x.name === r.name)!;
  return h && l.horizon !== undefined ? [Math.abs(h.row - l.horizon / l.size[1])] : [];
});
console.log(
  `| horizon row vs labelled, mean abs error (${horizonErr.length} labelled) | ${mean(horizonErr)} of the height | – |`,
);
for (const m of aimMoves)
  console.log(
    `| ${m}: target in the last frame's central half | ${rate(reports.flatMap((r) => r.aims.filter((a) => a.motion === m).map((a) => a.inCentralHalf)))} | all |`,
  );
for (const m of depthMoves) {
  const rs = reports.flatMap((r) =>
    r.moves.filter((x) => x.motion === m).map((x) => ({ x, j: judgeMove(x, r.flat?.frame0.psnr) })),
  );
  for (const [what, of, pass] of [
    ['probe', (x: MoveResult) => x.probe?.parallaxPct, (j: ReturnType<typeof judgeMove>) => j.probeParallax],
    ['photo', (x: MoveResult) => x.parallaxPct, (j: ReturnType<typeof judgeMove>) => j.parallax],
  ] as const) {
    const px = rs.flatMap(({ x }) => (of(x) === undefined ? [] : [of(x)!]));
    const unmeasured = rs.length - px.length;
    console.log(
      `| ${m}: parallax ≥ ${TARGETS.parallaxPct} % of width (${what}) | ${rate(rs.map(({ j }) => pass(j) === true))} (median ${px.length ? [...px].sort((a, b) => a - b)[Math.floor(px.length / 2)]!.toFixed(2) : '–'} % of ${px.length} measured${unmeasured ? `; ${unmeasured} not measurable, counted as failing` : ''}) | all |`,
    );
  }
  if (DOLLY_ZOOMS.has(m))
    console.log(
      `| ${m}: subject ±${TARGETS.dollySubject * 100} %, background ≥ ${TARGETS.dollyBackground * 100} % (probe / photo) | ${rate(rs.map(({ j }) => j.probeDolly === true))} / ${rate(rs.map(({ j }) => j.dolly!))} | all |`,
    );
  console.log(
    `| ${m}: picture at rest (frame 0, or the last frame where the move lands on it) PSNR ≥ the 2-D move's − ${TARGETS.frame0PsnrSlackDb} dB | ${rate(rs.flatMap(({ j }) => (j.frame0 === undefined ? [] : [j.frame0])))} | all |`,
  );
  console.log(`| ${m}: drawn with layers (not flat) | ${rate(rs.map(({ x }) => x.layers > 1))} | all |`);
}
for (const [what, of] of [
  ['probe', (x: MoveResult) => x.probe?.parallaxPct],
  ['photo', (x: MoveResult) => x.parallaxPct],
] as const) {
  const floor = reports.flatMap((r) => (r.flat && of(r.flat) !== undefined ? [of(r.flat)!] : []));
  if (floor.length)
    console.log(
      `| ${FLAT_MOVE} (2-D): tracker noise floor (${what}), max of ${floor.length} | ${Math.max(...floor).toFixed(2)} % | ≪ ${TARGETS.parallaxPct} % |`,
    );
}
console.log(
  `\n${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (values.json) await writeFile(values.json, JSON.stringify(reports, null, 2));
