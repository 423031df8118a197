/**
 * The scene benchmark's checks (bench/scene/checks.ts) on three real photographs: a
 * portrait (astronaut), an object (coffee) and a street with no single subject (leuvenA),
 * fetched from Debian packages into .cache/photos when missing (scripts/get-bench-photos.sh).
 *
 * Fetching: where apt-get and dpkg exist, a failed fetch FAILS the suite (no silent skip: a
 * CI that lost Debian would otherwise pass without measuring anything). Where they do not
 * exist at all (a macOS laptop) and the photos are not cached, the suite is skipped with that
 * reason; copy .cache/photos from a machine that has them to run it there.
 *
 * Targets are issue 13's. Checks today's engine does not meet yet are marked `todo` with the
 * value measured: they run and report but do not fail the suite. Remove the `todo` once the
 * check passes. Parallax and dolly zoom are judged on the texture probe (see `parallax`).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkAim,
  checkFaces,
  checkMove,
  checkScene,
  FLAT_MOVE,
  TARGETS,
  type AimResult,
  type FaceResult,
  type MoveResult,
  type SceneResult,
} from '../../bench/scene/checks.js';
import { clipSize, loadPhoto, type Photo } from '../../bench/scene/engine-probe.js';
import {
  aptAvailable,
  DEFAULT_PHOTO_DIR,
  ensurePhotos,
  loadLabels,
  photoPath,
  type PhotoLabel,
} from '../../bench/scene/labels.js';
import { defaultFfmpegPath } from '../../src/engine/ffmpeg/ffmpeg-path.js';
import { createLocalEngine } from '../../src/engine/index.js';

const PHOTOS = ['astronaut', 'coffee', 'leuvenA'] as const;
const LONG_SIDE = 384;
const SECONDS = 2;
const FPS = 12;
/** Box/mask IoU at which a found subject counts as the labelled one (PASCAL VOC's detection threshold). */
const IOU = 0.5;
/**
 * The tracker's reading on a flat 2-D move must stay well below the parallax target (1.5 %),
 * so that a reading over the target is parallax, not the instrument (it reads 0.76 % on
 * coffee's Zoom In since that move aims at the cup).
 */
const FLOOR = 1;

const labels = loadLabels().filter((l) => (PHOTOS as readonly string[]).includes(l.name));
const cached = labels.every((l) => existsSync(photoPath(l)));
const skip =
  !cached && !aptAvailable()
    ? `the photos are not in ${DEFAULT_PHOTO_DIR} and this machine has no apt-get/dpkg to fetch them from Debian`
    : false;

describe('scene checks on real photos', { skip }, () => {
  const engine = createLocalEngine({ renderThreads: 1 });
  let tmp: string;
  let ffmpeg: string;
  const photos = new Map<string, { label: PhotoLabel; photo: Photo; size: { width: number; height: number } }>();
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, f: () => Promise<T>): Promise<T> => {
    if (!memo.has(key)) memo.set(key, f());
    return memo.get(key) as Promise<T>;
  };
  const get = (name: string) => photos.get(name)!;
  const scene = (name: string): Promise<SceneResult> =>
    once(`scene ${name}`, () => checkScene(get(name).label, get(name).photo));
  const faces = (name: string): Promise<FaceResult | undefined> =>
    once(`faces ${name}`, () => checkFaces(get(name).label, get(name).photo));
  const aim = (name: string, motion: 'Eyes In' | 'Mouth In' | 'Crash Zoom In'): Promise<AimResult | undefined> =>
    once(`aim ${name} ${motion}`, () =>
      checkAim(get(name).label, get(name).photo, motion, get(name).size, SECONDS, FPS),
    );
  const move = (name: string, motion: string): Promise<MoveResult> =>
    once(`move ${name} ${motion}`, () =>
      checkMove(engine, get(name).label, get(name).photo, motion, get(name).size, SECONDS, FPS, ffmpeg, tmp),
    );

  before(async () => {
    // Throws (failing every test below) when apt is there but the fetch does not work.
    ensurePhotos(labels);
    tmp = await mkdtemp(join(tmpdir(), 'sm-scene-photos-'));
    ffmpeg = await defaultFfmpegPath();
    for (const label of labels) {
      const photo = await loadPhoto(photoPath(label));
      photos.set(label.name, { label, photo, size: clipSize(photo, LONG_SIDE) });
    }
  });
  after(async () => {
    await engine.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  // Parallax and dolly zoom are judged on the texture probe (the engine's plan, layers and
  // mattes painted by its painter with a noise over the picture: bench/scene/engine-probe.ts),
  // which flat regions cannot hide from the tracker; the photo clip's figure is in the message.
  const photoFigure = (r: MoveResult): string =>
    r.parallaxPct === undefined ? `photo: not measurable` : `photo: ${r.parallaxPct.toFixed(2)} %`;
  const parallax = async (name: string, motion: string): Promise<void> => {
    const r = await move(name, motion);
    const p = r.probe!;
    assert.ok(p.parallaxPct !== undefined, `${motion} on ${name}: parallax not measurable on the probe (${p.note})`);
    assert.ok(
      p.parallaxPct >= TARGETS.parallaxPct,
      `${motion} on ${name}: parallax ${p.parallaxPct.toFixed(2)} % of the width on the probe (${photoFigure(r)}), target ≥ ${TARGETS.parallaxPct} % (${r.layers} layer(s))`,
    );
  };
  const dollyZoom = async (name: string, motion: string): Promise<void> => {
    const r = (await move(name, motion)).probe!;
    assert.ok(
      r.subjectScale !== undefined && r.backgroundScale !== undefined,
      `${motion} on ${name}: scales not measurable on the probe (${r.note})`,
    );
    assert.ok(
      Math.abs(r.subjectScale - 1) <= TARGETS.dollySubject,
      `${motion} on ${name}: the subject's size changed ×${r.subjectScale.toFixed(3)}, target within ±${TARGETS.dollySubject * 100} %`,
    );
    assert.ok(
      Math.abs(r.backgroundScale - 1) >= TARGETS.dollyBackground,
      `${motion} on ${name}: the background's scale changed only ×${r.backgroundScale.toFixed(3)}, target ≥ ${TARGETS.dollyBackground * 100} %`,
    );
  };
  const frame0 = async (name: string, motion: string): Promise<void> => {
    const [r, flat] = [await move(name, motion), await move(name, FLAT_MOVE)];
    assert.ok(
      r.frame0.psnr >= flat.frame0.psnr - TARGETS.frame0PsnrSlackDb,
      `${motion} on ${name}: frame 0 is ${r.frame0.psnr.toFixed(1)} dB from the framed source (p99.9 error ${r.frame0.p999}), ${FLAT_MOVE}'s is ${flat.frame0.psnr.toFixed(1)} dB`,
    );
  };
  const found = async (name: string): Promise<void> => {
    const s = await scene(name);
    assert.ok(s.subjectFound, `${name}: the engine found no subject`);
    assert.ok(
      s.boxIoU! >= IOU,
      `${name}: subject box IoU ${s.boxIoU!.toFixed(2)} with the labelled box, want ≥ ${IOU}`,
    );
    assert.ok(
      s.maskIoU! >= IOU,
      `${name}: subject mask IoU ${s.maskIoU!.toFixed(2)} with the labelled outline, want ≥ ${IOU}`,
    );
  };
  const centred = async (name: string, motion: 'Eyes In' | 'Mouth In' | 'Crash Zoom In'): Promise<void> => {
    const a = (await aim(name, motion))!;
    assert.ok(
      a.inCentralHalf,
      `${motion} on ${name}: the target ends at (${a.last.map((v) => v.toFixed(0)).join(', ')}) in a ${get(name).size.width}×${get(name).size.height} frame, not in its central half (in frame ${(a.inFrameShare * 100).toFixed(0)} % of the clip)`,
    );
  };

  describe('the instrument', () => {
    for (const name of PHOTOS) {
      it(`reads no parallax on a flat 2-D move (${FLAT_MOVE}, ${name}), on the photo and on the probe`, async () => {
        const r = await move(name, FLAT_MOVE);
        for (const [what, x] of [
          ['photo', r],
          ['probe', r.probe!],
        ] as const) {
          assert.ok(x.parallaxPct !== undefined, `${FLAT_MOVE} on ${name} (${what}): not measurable (${x.note})`);
          assert.ok(
            x.parallaxPct < FLOOR,
            `${FLAT_MOVE} on ${name} (${what}): ${x.parallaxPct.toFixed(2)} % parallax on a flat move`,
          );
        }
      });
    }
  });

  describe('astronaut (portrait)', () => {
    it('finds the person as the subject', () => found('astronaut'));
    it('puts the face point in the face and the eyes point on the eyes', async () => {
      const f = (await faces('astronaut'))!;
      assert.ok(
        f.faceHit,
        `face point ${f.face?.map((v) => v.toFixed(0)).join(', ') ?? 'none'} not in the labelled face`,
      );
      assert.ok(
        f.eyeHit,
        `eyes point ${f.eyes?.map((v) => v.toFixed(0)).join(', ') ?? 'none'} not on the labelled eyes`,
      );
    });
    it('ends Eyes In with the eyes in the central half', () => centred('astronaut', 'Eyes In'));
    it('ends Crash Zoom In on the subject', () => centred('astronaut', 'Crash Zoom In'));
    it('shows parallax on Arc Right', () => parallax('astronaut', 'Arc Right'));
    it('shows parallax on Dolly In', () => parallax('astronaut', 'Dolly In'));
    it("keeps the subject's size on Dolly Zoom In while the background's changes", () =>
      dollyZoom('astronaut', 'Dolly Zoom In'));
    it('starts Dolly Zoom In on the framed picture', () => frame0('astronaut', 'Dolly Zoom In'));
  });

  describe('coffee (object)', () => {
    // Box IoU 0.39 with the colour-model matte (the cup's body has the saucer's colour); the
    // graph cut around the detector's box takes cup and saucer (0.96 / mask 0.94).
    it('finds the cup as the subject', () => found('coffee'));
    // The aim is the middle of what the graph cut around the detector's box finds (cup and
    // saucer), not of the box (the cup alone, which left the labelled centre at (168, 224)
    // in the 384×256 frame).
    it('ends Crash Zoom In on the cup', () => centred('coffee', 'Crash Zoom In'));
    it('shows parallax on Arc Right', () => parallax('coffee', 'Arc Right'));
    // On the photo clip the tracker cannot follow the cup's smooth white through the zoom
    // (not measurable). The probe reads what is drawn: at 480 px (bench) cup and saucer
    // ×1.000, the table ×0.778; at this test's 384 px the picture is decoded at 553×369 and
    // the subject layer holds the cup alone (15 % of the picture against 47 %), so the
    // labelled cup-and-saucer shrinks with the table.
    it(
      "keeps the cup's size on Dolly Zoom In while the background's changes",
      {
        todo: 'measured on the probe at 384 px: subject ×0.807, background ×0.778 — the saucer is on the plate (the cut around the detected cup differs with the decode size)',
      },
      () => dollyZoom('coffee', 'Dolly Zoom In'),
    );
    it('starts Dolly Zoom In on the framed picture', () => frame0('coffee', 'Dolly Zoom In'));
  });

  describe('leuvenA (street, no single subject)', () => {
    it('shows parallax between the near walls and the far houses on Arc Right', () => parallax('leuvenA', 'Arc Right'));
    // With no subject the centre of interest (the house at the street's end, foot row 0.715
    // under the 0.68 eye level) is at 1; a dolly in brings the ground as near as its travel
    // allows (0.5 at the bottom, was 0.8) so the left wall stands at ~0.75 (was ~0.91).
    it('shows parallax on Dolly In', () => parallax('leuvenA', 'Dolly In'));
    it('draws Dolly In with more than one depth layer', async () => {
      const r = await move('leuvenA', 'Dolly In');
      assert.ok(r.layers > 1, `Dolly In on leuvenA drew ${r.layers} layer(s)`);
    });
    // Dolly In's centred boom opened frame 0 off the rest position (26.9 dB against Zoom In's
    // 31.7 dB); the travel now counts from the first frame (frame-plan.ts).
    it('starts Dolly In on the framed picture', () => frame0('leuvenA', 'Dolly In'));
  });
});
