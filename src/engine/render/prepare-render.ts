/**
 * Everything before the first frame: validate and probe the pictures, resolve size and
 * timing, read the prompt, estimate the centre of interest, build the camera path and
 * the plan, then decode the pictures at the resolution the plan needs.
 */
import { AppError } from '../../core/errors.js';
import type { RenderJob } from '../../core/ports.js';
import type { ModelTier, RenderResolved } from '../../core/task.js';
import { pathTravels, type CameraPath, type PathMotion } from '../motion/camera-path.js';
import { buildControlledPath, resolvePathSpec } from '../motion/camera-control.js';
import { buildRenderPlan, type RenderPlan, type SceneLayout } from './frame-plan.js';
import type { FrameGeometry } from '../framing/framing.js';
import { findMotionDefinition } from '../motion/motion-definitions.js';
import { DEFAULT_MODIFIERS, describeModifiers, parsePromptModifiers } from '../motion/prompt-modifiers.js';
import { resolveSize, resolveTiming, type RenderTiming } from '../framing/render-size.js';
import { estimateSaliency, saliencyAim } from '../framing/saliency.js';
import { subjectAim } from '../framing/subject-aim.js';
import { buildSceneSourcesOffThread, startLayerThread } from '../scene/layer-thread.js';
import {
  estimateScene,
  PRESUMED_LAYOUT,
  pictureOf,
  sceneThumbnail,
  VISION_MATTE_SIDE,
} from '../scene/scene-sources.js';
import { decodeSource, probeImage, saliencyThumbnail } from './source-image.js';
import type { PainterSource } from './frame-painter.js';
import { closeUpZoom, facePointFromVision, findFaceByColour, type FacePoint } from '../framing/face-aim.js';
import { ANALYSIS_SIDE as VISION_SIDE, seePicture } from '../../vision/see-picture.js';
import { looksFirst, startLooks } from './look-ahead.js';
import type { RgbPicture } from '../../vision/picture.js';
import { salientRecord, sceneRecord } from '../../vision/scene-record.js';
import type { SceneVision } from '../../vision/scene-vision.js';
import { sceneGround, type GroundContact } from '../scene/ground-contact.js';
import type { HorizonEstimate } from '../scene/horizon.js';
import type { SkyColumns } from '../scene/sky-region.js';
import { feetOf, pathReach, sceneDepth } from '../scene/scene-depth.js';
import { doubtfulPerson, objectExtent } from '../scene/vision-matte.js';
import type { SubjectMatte } from '../scene/subject-matte.js';
import type { DecodedSource } from './source-image.js';
import { chooseMatch, type SubjectMatch } from './two-image-transition.js';
import { timed, withStageClock, type StageSink } from './stage-clock.js';

/** The thumbnail the horizon is found on: the size of the subject matte's (made with it). */
function horizonThumbnail(source: DecodedSource, matte?: SubjectMatte): ReturnType<typeof sceneThumbnail> {
  return sceneThumbnail(source, matte ? Math.max(matte.width, matte.height) : 192);
}

/** The horizon and ground contact of a decoded picture, on its horizon thumbnail (outside the subject matte). */
async function horizonOf(
  source: DecodedSource,
  matte?: SubjectMatte,
): Promise<{ horizon: HorizonEstimate; contact?: GroundContact; sky?: SkyColumns }> {
  const t = await horizonThumbnail(source, matte);
  const fits = matte && matte.width === t.width && matte.height === t.height;
  const feet = matte ? feetOf(matte) : 1;
  return sceneGround(t.data, t.width, t.height, {
    ...(fits && { subject: matte.alpha }),
    below: feet,
    layered: matte !== undefined,
  });
}

/**
 * Most sub-frame samples per frame for motion blur, per tier (how many a frame gets follows
 * its speed, see motion-blur.ts; only the fastest frames of the fastest moves reach these).
 */
export const MAX_BLUR_SAMPLES: Readonly<Record<ModelTier, number>> = { lite: 8, turbo: 24, standard: 48 };
/** Mip levels are drawn with this minification before the next one blends in (see painter). */
const LOD_BIAS = 0.7;
/** A cap on decoded level-0 pixels so a crash zoom on a huge photo stays within memory. */
const MAX_SOURCE_PIXELS = 28_000_000;

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

export interface PreparedRender {
  timing: RenderTiming;
  plan: RenderPlan;
  /** What the painter draws: the decoded pictures, or their scene layers. */
  sources: PainterSource[];
  resolved: RenderResolved;
}

interface PrepareOptions {
  maxImagePixels: number;
  onTiming?: (timing: RenderTiming) => void;
  /**
   * Receives the sources the frames will be drawn from as soon as they are known: for a
   * flat move, the decoded pictures, before the looks are in (the caller hands them to a
   * drawing thread meanwhile); never for a depth move, whose layers need the looks.
   */
  onSources?: (sources: PainterSource[]) => void;
  /** Receives each stage's wall and CPU time (stage-clock.ts; for the benchmark). */
  onStage?: StageSink;
}

/** Prepares a render job; rejects with image_invalid / image_too_large on bad pictures. */
export function prepareRender(job: RenderJob, options: PrepareOptions): Promise<PreparedRender> {
  return withStageClock(options.onStage, () => prepare(job, options));
}

async function prepare(job: RenderJob, options: PrepareOptions): Promise<PreparedRender> {
  if (job.images.length === 0)
    throw new AppError('image_invalid', 'image[0]: a start image is required', { field: 'image[0]' });
  const images = job.images.slice(0, 2);
  const infos = await timed('probe', () =>
    Promise.all(images.map((img, i) => probeImage(img, options.maxImagePixels, `image[${i}]`))),
  );
  const size = resolveSize(job.model, infos[0]!, { width: job.width, height: job.height });
  const timing = resolveTiming(size, { duration: job.duration, fps: job.fps });
  // The size is known before anything is decoded: the caller starts the encoder meanwhile.
  options.onTiming?.(timing);
  const modifiers = job.enhancePrompt ? parsePromptModifiers(job.prompt) : DEFAULT_MODIFIERS;
  const geometry = (i: number, focus = { x: 0.5, y: 0.5 }): FrameGeometry => ({
    imageWidth: infos[i]!.width,
    imageHeight: infos[i]!.height,
    outWidth: timing.width,
    outHeight: timing.height,
    focusX: focus.x * infos[i]!.width,
    focusY: focus.y * infos[i]!.height,
  });
  const definitions = job.motions.map((m) => {
    const definition = findMotionDefinition(m.name);
    if (!definition)
      throw new AppError('motion_not_renderable', `motion "${m.name}" has no local definition`, { field: 'motion_id' });
    return definition;
  });
  // Face moves look for the face first: its size sets the close-up's zoom, and the zoom
  // sets the resolution the picture is decoded at. Without a face they aim at the centre
  // of interest with their default push.
  const aim = definitions.find((d) => d.aim)?.aim;
  // One look per picture by the vision models (src/vision/): the subject, its faces, where
  // to aim. Should the models fail to run, the colour estimates stand in (and the scene
  // record says so) rather than the render failing.
  // The looks run in the vision thread while this one decodes; only a face move waits for
  // its look first (the face's size sets the zoom, which sets the decode's resolution).
  // Which looks start first, and how, is look-ahead.ts's rule: the CLI starts the same
  // looks there before the engine has loaded, and these calls then find them begun.
  const lookAt = (copies?: ((() => Promise<RgbPicture>) | undefined)[]): Promise<(SceneVision | undefined)[]> =>
    startLooks(images, aim !== undefined, options.maxImagePixels, copies);
  let looking = looksFirst(images, aim !== undefined) ? lookAt() : undefined;
  const firstLook = aim ? (await looking!)[0] : undefined;
  const face: FacePoint | undefined = !aim
    ? undefined
    : firstLook
      ? facePointFromVision(firstLook, aim)
      : await findFaceByColour(images[0]!, aim, options.maxImagePixels).catch(() => undefined);
  const motions: PathMotion[] = definitions.map((definition, i) => {
    const closeUp = face && definition.closeUp;
    const fitted = closeUp
      ? { ...definition, parts: closeUp.push(closeUpZoom(face.height, closeUp.fill, geometry(0))) }
      : definition;
    return { definition: fitted, strength: job.motions[i]!.strength };
  });
  const aspect = timing.width / timing.height;
  const path = buildControlledPath({
    motions,
    modifiers,
    seed: job.seed,
    span: (timing.frames - 1) / timing.fps,
    fps: timing.fps,
    aspect,
    ...(job.camera && { control: job.camera }),
  });
  // Depth moves render each picture as layers (scene/): sized for a subject and a
  // background until the scene is known.
  const depth = pathTravels(path, timing.frames);
  // Its modules load while the pictures decode.
  if (depth) startLayerThread();
  // A depth move's matte is the person segmentation where the look found a person: asked
  // for as soon as the look is back, so that the vision thread segments while the pictures
  // are still decoding rather than after (seePicture adds it to the look it made).
  const segmentationsOf = (of: Promise<(SceneVision | undefined)[]>): Promise<(SceneVision | undefined)[]> =>
    of.then((looks) =>
      Promise.all(
        looks.map((look, i) =>
          look ? seePicture(images[i]!, options.maxImagePixels, { matte: true }).catch(() => undefined) : undefined,
        ),
      ),
    );
  let segmenting = depth && looking ? segmentationsOf(looking) : undefined;
  const planFor = (geometries: FrameGeometry[], scenes?: SceneLayout[], match?: SubjectMatch): RenderPlan =>
    buildRenderPlan({
      path,
      frames: timing.frames,
      fps: timing.fps,
      geometries,
      maxSamples: MAX_BLUR_SAMPLES[job.model],
      ...(scenes && { scenes }),
      ...(match && { match }),
    });
  // Two pictures with a subject each are matched on them (a match cut), when the looks are sure.
  const matching = images.length > 1 ? looking!.then((looks) => chooseMatch(looks, infos)) : undefined;
  const match = matching && (await matching).match;
  // The scales a move needs do not depend on where the centre of interest is, so the
  // pictures are decoded once, for a plan aimed at the centre, and the saliency estimate
  // reads the decoded pixels (no second decode).
  const { scaleRange } = timed('plan', () =>
    planFor(
      infos.map((_, i) => geometry(i)),
      depth ? images.map(() => PRESUMED_LAYOUT) : undefined,
      match,
    ),
  );
  const sources = await timed('decode', () =>
    Promise.all(
      images.map((img, i) => {
        const info = infos[i]!;
        const range = scaleRange[i]!;
        // Level 0 samples the most-zoomed frame about 1:1; never upsample on decode.
        const cap = Math.sqrt(MAX_SOURCE_PIXELS / (info.width * info.height));
        const scale = Math.min(1, range.max, cap);
        const lod = Math.log2(scale / range.min) - LOD_BIAS;
        const levelCount = Math.max(1, Math.ceil(lod) + 1);
        return decodeSource(img, info, { scale, levelCount, maxPixels: options.maxImagePixels, field: `image[${i}]` });
      }),
    ),
  );
  if (!depth) options.onSources?.(sources);
  looking ??= lookAt(
    sources.map((s, i) =>
      // The decode holds the copy a decode of the file would give (level 0 at least as large).
      Math.max(s.levels[0]!.width, s.levels[0]!.height) >=
      Math.min(VISION_SIDE, Math.max(infos[i]!.width, infos[i]!.height))
        ? () => pictureOf(s)
        : undefined,
    ),
  );
  // (What is left of the look once the decode is done: they ran side by side.)
  if (depth) segmenting ??= segmentationsOf(looking);
  const looks = await timed('vision look', () => looking!);
  const scenes = depth
    ? await Promise.all(
        sources.map(async (s, i) => {
          // (What is left of it once the look is back.)
          const look = looks[i] && (await timed('vision segmentation', () => segmenting!.then((seen) => seen[i])));
          return timed('matte', () => estimateScene(s, look ?? undefined));
        }),
      )
    : undefined;
  // Where each picture's move aims:
  // - the detected subject; for an object, the middle of what the graph cut around its box
  //   finds (a cup and its saucer where the detector boxed the cup), else the box's middle;
  // - not the box of an unsure "person" with no face (a baboon's face), and, where the
  //   detector trusts nothing, the saliency estimate (a landscape still has a centre);
  // - the zoom's own rules (subject-aim.ts: skip small unsure detections, a faceless
  //   person's head, half way to the saliency estimate) only where a 2-D zoom converges: the
  //   first picture of a move that magnifies. Elsewhere the focus only leans the framing, and
  //   stays the same whichever move shows the picture, so a two-picture clip ends on the
  //   second as a still of it is framed (test/engine/depth-scene.test.ts);
  // - depth moves keep the look's own aim (the box's middle, or the estimate itself): their
  //   focus row also sets the layers' depths, and moving it moved Lazy Susan's background
  //   sweep (test/engine/parallax.test.ts) 3.2 → 2.8 px.
  const zooms = !depth && magnifies(path, timing.frames);
  const focus = await timed('aim', () =>
    Promise.all(
      sources.map(async (s, i) => {
        const look = looks[i];
        const zoomAim = zooms && i === 0;
        const aimed = zoomAim ? subjectAim(look) : look && !doubtfulPerson(look) ? look.aim : undefined;
        // A subject found by its colours where the detector saw none: the depth moves focus on it.
        const found = scenes?.[i]?.salient;
        if (!aimed && found) return { x: found.box.x + found.box.w / 2, y: found.box.y + found.box.h / 2 };
        if (aimed && !depth && look?.subject === 'object') {
          const t = await sceneThumbnail(s, VISION_MATTE_SIDE);
          const extent = objectExtent(look!, t.data, t.width, t.height);
          if (extent) return { x: extent.x + extent.w / 2, y: extent.y + extent.h / 2 };
        }
        if (aimed) return aimed;
        const t = await saliencyThumbnail(s);
        const salient = estimateSaliency(t.data, t.width, t.height);
        return zoomAim ? saliencyAim(salient) : salient;
      }),
    ),
  );
  // The layers are built in their own thread (layer-thread.ts) while this one works out the
  // depth and the plan: they need only the pictures and their mattes. Level 0 is the
  // plate's from here on, so the horizon's thumbnails are made first (they are the
  // mattes', made already: this only waits for them).
  if (scenes) await Promise.all(sources.map((s, i) => horizonThumbnail(s, scenes[i]!.matte)));
  const layering = scenes ? timed('layers', () => buildSceneSourcesOffThread(sources, scenes)) : undefined;
  // (Should the depth or the plan fail, the layers' own failure is not left unhandled.)
  layering?.catch(() => undefined);
  // Face moves aim the first picture at the face when one was found.
  if (face) focus[0] = face;
  // A focus point the client chose is where the move aims, over the face and the estimate
  // (a face move still sizes its close-up by the face it found).
  const userFocus = job.camera?.focus;
  if (userFocus) focus[0] = { x: userFocus.x, y: userFocus.y };
  // Depth: the subject (when one separates), the ground below the horizon, the far background.
  const depths =
    scenes &&
    (await timed('depth', () =>
      Promise.all(
        sources.map(async (s, i) => {
          const matte = scenes[i]!.matte;
          const ground = await horizonOf(s, matte);
          return sceneDepth({
            ...(matte && { matte }),
            ...ground,
            focusRow: focus[i]!.y,
            focusColumn: focus[i]!.x,
            reach: pathReach(path, timing.frames),
          });
        }),
      ),
    ));
  const plan = timed('plan', () =>
    planFor(
      focus.map((f, i) => geometry(i, f)),
      depths?.map((d) => d.layout),
      match,
    ),
  );
  const layers = layering ? await layering : sources;

  const names = job.motions.map((m) => m.name);
  const resolved: RenderResolved = {
    width: timing.width,
    height: timing.height,
    fps: timing.fps,
    frames: timing.frames,
    duration: timing.duration,
    scene: {
      ...sceneRecord(looks[0], face),
      ...(scenes?.[0]?.salient && salientRecord(scenes[0].salient)),
      ...(depths && depths[0]!.record),
    },
    ...(job.enhancePrompt
      ? {
          enhancedPrompt: describeModifiers(names, modifiers),
          modifiers: {
            speed: modifiers.speed,
            intensity: modifiers.intensity,
            ...(modifiers.direction ? { direction: modifiers.direction } : {}),
          },
        }
      : {}),
    cameraPath: resolvePathSpec(path, {
      frames: timing.frames,
      fps: timing.fps,
      aspect,
      loop: job.camera?.loop === true,
    }),
    focus: { x: round6(focus[0]!.x), y: round6(focus[0]!.y) },
    ...(job.camera?.loop && { loop: true }),
    ...(plan.transition && { transition: plan.transition }),
    ...(matching && {
      transitionChoice: plan.match?.made
        ? {
            because: plan.match.because,
            ...(plan.match.zoom && { zoom: plan.match.zoom }),
            ...(plan.match.wipe && { wipe: plan.match.wipe }),
          }
        : { because: `no match cut: ${plan.match?.because ?? (await matching).because}` },
    }),
  };
  return { timing, plan, sources: layers, resolved };
}

/** Whether a camera path magnifies the picture by a tenth or more at some frame (a zoom in). */
function magnifies(path: CameraPath, frames: number): boolean {
  const n = Math.max(2, frames);
  for (let i = 0; i < n; i++) if (path.poseAt((i / (n - 1)) * path.span).zoom >= 1.1) return true;
  return false;
}
