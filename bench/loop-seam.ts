/**
 * A loop's seam, measured: renders a photo looped with the given motions and encodes the
 * same frames three ways — losslessly (the path's own seam), with the tier's plain x264
 * settings, and with the loop settings (ffmpeg-args.ts `loopX264Params`) — then prints,
 * from the decoded grey frames, the last→first mean absolute difference against the
 * neighbouring pairs' (largest, mean, the pairs at the seam), each frame's coding error
 * against the lossless encode (first, middle, last frame) and the file size. The check the
 * camera tests apply is seam ≤ largest pair.
 *
 *   node --import tsx bench/loop-seam.ts [photo] [--tier lite] [--size 512x480] [--seconds 5]
 *     [--fps 24] [--seed 4] [--motions "Handheld,Dolly In,Arc Right,Zoom In"]
 *
 * The photo defaults to .cache/photos/fruits.jpg (scripts/get-bench-photos.sh).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelTier } from '../src/core/task.js';
import { buildEncodeArgs } from '../src/engine/ffmpeg/ffmpeg-args.js';
import { defaultFfmpegPath } from '../src/engine/ffmpeg/ffmpeg-path.js';
import { prepareRender } from '../src/engine/render/prepare-render.js';
import { renderVideo } from '../src/engine/render/render-video.js';
import { decodeGrey, meanAbsDiff } from '../test/engine/helpers.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tier: { type: 'string', default: 'lite' },
    size: { type: 'string', default: '512x480' },
    seconds: { type: 'string', default: '5' },
    fps: { type: 'string', default: '24' },
    seed: { type: 'string', default: '4' },
    motions: { type: 'string', default: 'Handheld,Dolly In,Arc Right,Zoom In' },
  },
});
const tier = values.tier as ModelTier;
const [width, height] = values.size!.split('x').map(Number) as [number, number];
const image = await readFile(positionals[0] ?? '.cache/photos/fruits.jpg');
const ffmpeg = await defaultFfmpegPath();
const root = await mkdtemp(join(tmpdir(), 'sm-loop-seam-'));
const f2 = (v: number): string => v.toFixed(2);

try {
  for (const motion of values.motions!.split(',')) {
    const { timing, plan, sources } = await prepareRender(
      {
        taskId: 'bench',
        model: tier,
        motions: [{ name: motion.trim(), strength: 1 }],
        prompt: '',
        enhancePrompt: false,
        seed: Number(values.seed),
        width,
        height,
        duration: Number(values.seconds),
        fps: Number(values.fps),
        images: [image],
        camera: { loop: true },
      },
      { maxImagePixels: 50_000_000 },
    );
    const encodings: [string, (raw: string) => string[]][] = [
      [
        'lossless',
        (raw) =>
          buildEncodeArgs({ ...timing, tier, inputPixelFormat: 'rgba', rawPath: raw, threads: 0 }).map((a, i, all) =>
            all[i - 1] === '-crf' ? '0' : a,
          ),
      ],
      ['plain', (raw) => buildEncodeArgs({ ...timing, tier, inputPixelFormat: 'rgba', rawPath: raw, threads: 0 })],
      [
        'loop',
        (raw) =>
          buildEncodeArgs({
            ...timing,
            tier,
            inputPixelFormat: 'rgba',
            rawPath: raw,
            threads: 0,
            loop: { frames: timing.frames },
          }),
      ],
    ];
    let reference: Uint8Array[] | undefined;
    let plainBytes = 0;
    for (const [name, args] of encodings) {
      const raw = join(root, `${name}.mp4`);
      await renderVideo({
        plan,
        sources,
        width: timing.width,
        height: timing.height,
        threads: 0,
        ffmpegPath: ffmpeg,
        ffmpegArgs: args(raw),
        outputs: [raw],
        signal: new AbortController().signal,
        onFrame: () => {},
        posterFrame: -1,
        onPoster: () => {},
      });
      const { frames } = await decodeGrey(raw);
      const bytes = (await stat(raw)).size;
      const pairs = frames.slice(1).map((f, i) => meanAbsDiff(frames[i]!, f));
      const seam = meanAbsDiff(frames.at(-1)!, frames[0]!);
      reference ??= frames;
      const err = (i: number): string => f2(meanAbsDiff(frames[i]!, reference![i]!));
      if (name === 'plain') plainBytes = bytes;
      console.log(
        `${motion.padEnd(10)} ${tier} ${timing.width}×${timing.height} ${timing.frames}f ${name.padEnd(8)} seam ${f2(seam)} largest pair ${f2(Math.max(...pairs))}` +
          ` mean ${f2(pairs.reduce((a, b) => a + b, 0) / pairs.length)} at the seam ${f2(pairs.at(-1)!)}/${f2(pairs[0]!)}` +
          (name === 'lossless'
            ? ''
            : ` error first/mid/last ${err(0)}/${err(frames.length >> 1)}/${err(frames.length - 1)}`) +
          ` ${bytes} B${name === 'loop' ? ` (×${(bytes / plainBytes).toFixed(2)})` : ''}`,
      );
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
