/**
 * `stillmotion render`: renders one clip with the local engine, without a server.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppError } from '../core/errors.js';
import { DEFAULT_MAX_IMAGE_PIXELS } from '../core/image-limits.js';
import { MODEL_TIERS, type ModelTier } from '../core/task.js';
import { MotionCatalogue } from '../catalogue/motion-catalogue.js';
import { warmVision } from '../vision/vision-thread.js';
import type { Command } from './command.js';
import { suggestMotions } from './motion-suggest.js';
import { progressBar } from './progress-bar.js';
import type { ResolvedScene } from '../core/task.js';

const HELP = `usage: stillmotion render --image in.jpg [--end end.jpg] --motion "Dolly In" -o out.mp4
  --image, -i     start image (required)
  --end           end image (the clip ends exactly on it)
  --motion, -m    catalogue motion name or id (repeat for a mix; "Name:0.6" sets strength)
  --model         lite | turbo | standard (default turbo)
  --width, --height   output size (rounded to even, bounded)
  --duration      seconds, 2–10 (default 5)
  --fps           12–60 (default 24)
  --seed          integer (default 1)
  --prompt        e.g. "slowly, to the left" (read for speed, intensity, direction)
  --threads       drawing threads (default: up to 2)
  --output, -o    output MP4 (required)
  --preview       also write the ≤ 480p preview MP4 to this path
  --poster        also write the first frame as a JPEG to this path`;

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

export const renderCommand: Command = {
  summary: 'render a clip from an image with the local engine',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        image: { type: 'string', short: 'i' },
        end: { type: 'string' },
        motion: { type: 'string', short: 'm', multiple: true },
        model: { type: 'string', default: 'turbo' },
        width: { type: 'string' },
        height: { type: 'string' },
        duration: { type: 'string' },
        fps: { type: 'string' },
        seed: { type: 'string', default: '1' },
        prompt: { type: 'string', default: '' },
        threads: { type: 'string' },
        output: { type: 'string', short: 'o' },
        preview: { type: 'string' },
        poster: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (!values.image || !values.output || !values.motion?.length) {
      console.error(`--image, --motion and --output are required\n\n${HELP}`);
      return 2;
    }
    if (!(MODEL_TIERS as readonly string[]).includes(values.model!)) {
      console.error(`--model must be one of ${MODEL_TIERS.join(', ')}`);
      return 2;
    }
    const threads = num(values.threads, 'threads');
    // The vision thread starts first and loads its models (every render looks at the
    // picture) while this thread loads the engine's modules, which it imports only now.
    // Not kept warm: a one-shot process hands the models' memory back for the render.
    warmVision({ keep: false });
    const catalogue = MotionCatalogue.load();
    const motions = [];
    for (const spec of values.motion) {
      const m = /^(.*?)(?::([0-9.]+))?$/.exec(spec)!;
      const record = catalogue.resolve(m[1]!);
      if (!record) {
        const near = suggestMotions(catalogue, m[1]!);
        const hint = near.length
          ? `; did you mean ${near.map((n) => `"${n}"`).join(' or ')}?`
          : ' (the catalogue is at GET /higgsfield/tpl/motions)';
        console.error(`error (unknown_motion): unknown motion "${m[1]}"${hint}`);
        return 2;
      }
      motions.push({ name: record.name, strength: m[2] ? Number(m[2]) : 1 });
    }
    let images: Buffer[];
    try {
      images = [await readFile(values.image), ...(values.end ? [await readFile(values.end)] : [])];
    } catch (err) {
      reportError(err);
      return 1;
    }
    // The picture goes to the vision thread now: its look is the longest step before the
    // first frame, and it would otherwise wait for the engine's import, the probe and the
    // decode (the render finds it begun).
    const { lookAhead } = await import('../engine/render/look-ahead.js');
    void lookAhead({ images, motions }, DEFAULT_MAX_IMAGE_PIXELS);
    // The engine module itself, not engine/index.js, which also loads the catalogue previews.
    const { createLocalEngine } = await import('../engine/local-engine.js');
    const engine = createLocalEngine({
      maxImagePixels: DEFAULT_MAX_IMAGE_PIXELS,
      keepVisionWarm: false,
      ...(threads !== undefined && { renderThreads: threads }),
    });
    // A drawing thread starts now, while the picture is probed and decoded; a second only if
    // the plan draws with it (a plain move on two cores does not, drawingThreads).
    engine.warm({ drawingThreads: 1 });
    const output = resolve(values.output);
    const preview = values.preview === undefined ? undefined : resolve(values.preview);
    const poster = values.poster === undefined ? undefined : resolve(values.poster);
    const workDir = await mkdtemp(join(tmpdir(), 'stillmotion-'));
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    const bar = progressBar(process.stderr);
    const started = performance.now();
    try {
      const width = num(values.width, 'width');
      const height = num(values.height, 'height');
      const duration = num(values.duration, 'duration');
      const fps = num(values.fps, 'fps');
      const result = await engine.renderFiles(
        {
          taskId: 'cli',
          model: values.model as ModelTier,
          motions,
          prompt: values.prompt!,
          enhancePrompt: values.prompt !== '',
          seed: Math.trunc(num(values.seed, 'seed') ?? 1),
          ...(width !== undefined && { width }),
          ...(height !== undefined && { height }),
          ...(duration !== undefined && { duration }),
          ...(fps !== undefined && { fps }),
          images,
        },
        { workDir, signal: controller.signal, onProgress: bar.update },
        { raw: output, ...(preview && { min: preview }), ...(poster && { poster }) },
      );
      bar.done();
      const seconds = (performance.now() - started) / 1000;
      const bytes = (await stat(output)).size;
      const r = result.resolved;
      console.log(
        `${output}: ${r.width}×${r.height}, ${r.frames} frames at ${r.fps} fps (${r.duration.toFixed(2)} s), ${(bytes / 1024).toFixed(0)} KiB, rendered in ${seconds.toFixed(2)} s`,
      );
      if (r.enhancedPrompt) console.log(`prompt read as: ${r.enhancedPrompt}`);
      if (r.scene) console.log(`scene: ${describeScene(r.scene)}`);
      if (r.transition)
        console.log(`transition: ${r.transition}${r.transitionChoice ? ` (${r.transitionChoice.because})` : ''}`);
      for (const extra of [preview, poster]) if (extra) console.log(`also wrote ${extra}`);
      return 0;
    } catch (err) {
      bar.done();
      reportError(err);
      return 1;
    } finally {
      process.off('SIGINT', onSigint);
      await engine.close();
      await rm(workDir, { recursive: true, force: true });
    }
  },
};

function reportError(err: unknown): void {
  const fsError = err as NodeJS.ErrnoException;
  if (isAppError(err)) console.error(`error (${err.code}): ${err.message}`);
  else if (fsError.code === 'ENOENT' && fsError.path) console.error(`error: cannot read ${fsError.path}: no such file`);
  else console.error(err);
}

/** One line of what the engine understood of the picture (resolved.scene). */
export function describeScene(scene: ResolvedScene): string {
  const pct = (v: number): string => `${Math.round(v * 100)}%`;
  const parts = [
    scene.subject === 'none'
      ? 'no subject found'
      : scene.source === 'saliency'
        ? `subject ${scene.subject} found by its colours (the detector saw none; confidence ${scene.confidence.toFixed(2)})`
        : `subject ${scene.label ?? scene.subject} (${scene.subject}, confidence ${scene.confidence.toFixed(2)})`,
  ];
  if (scene.faces !== undefined) parts.push(`${scene.faces} face${scene.faces === 1 ? '' : 's'}`);
  if (scene.face)
    parts.push(`aimed at the face boxed at ${pct(scene.face.x)}, ${pct(scene.face.y)} (${scene.face.chosenBecause})`);
  if (scene.layers) parts.push(`depth layers: ${scene.layers.join(', ')}`);
  if (scene.method === 'heuristic') parts.push('vision models unavailable: colour estimates used');
  return parts.join('; ');
}
