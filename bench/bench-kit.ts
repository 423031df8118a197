/**
 * Pieces the render benchmarks share: feeding frames to ffmpeg, decoding a video back to
 * raw frames, medians, and interleaved timing.
 *
 * Interleaving is what makes a ratio on this kind of machine mean something: the two
 * cores are shared and their speed drifts by ±15 % over a minute, so timing all of "ours"
 * and then all of the baseline compares two different machines. Alternating them and
 * taking the median of each pair's ratio compares like with like.
 */
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

/** Runs ffmpeg with `args`, writing `stdin` frames with backpressure; resolves to wall seconds. */
export function runFfmpeg(ffmpeg: string, args: string[], stdin: Buffer[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const p = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('close', (code) =>
      code === 0 ? resolve((performance.now() - t) / 1000) : reject(new Error(err.slice(-500))),
    );
    (async () => {
      for (const f of stdin) if (!p.stdin.write(f)) await new Promise((r) => p.stdin.once('drain', r));
      p.stdin.end();
    })().catch(reject);
  });
}

/** Wall seconds and CPU seconds (user + system, the process and its children) of one run. */
export interface Timed {
  seconds: number;
  cpu: number;
}

/**
 * Runs `cmd args` (writing `stdin` frames with backpressure) through `sh`, whose `times`
 * builtin then reports the CPU the command and its children used (Node has no getrusage of
 * children). CPU seconds hold up under load better than wall time.
 */
export function runTimed(cmd: string, args: string[], stdin: Buffer[] = []): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const script = '"$@"; s=$?; times >&2; exit $s';
    const p = spawn('sh', ['-c', script, 'sh', cmd, ...args], {
      stdio: [stdin.length ? 'pipe' : 'ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${err.slice(-800)}`));
      // The second line of `times`: the children's user and system time ("0m4.87s 0m0.50s").
      const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(err);
      if (!m) return reject(new Error(`no CPU times from sh: ${err.slice(-200)}`));
      const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
      resolve({ seconds: (performance.now() - t) / 1000, cpu });
    });
    if (stdin.length && p.stdin) {
      const input = p.stdin;
      input.on('error', () => {}); // a failed command is reported by its exit code
      (async () => {
        for (const f of stdin) if (!input.write(f)) await new Promise((r) => input.once('drain', r));
        input.end();
      })().catch(reject);
    }
  });
}

/** Decodes a video into raw frames of `width`×`height` (grey: 1 byte a pixel, rgba: 4). */
export function decodeFrames(
  ffmpeg: string,
  path: string,
  width: number,
  height: number,
  fmt: 'gray' | 'rgba',
): Buffer[] {
  const out = spawnSync(ffmpeg, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', fmt, '-'], {
    maxBuffer: 1 << 30,
  });
  const size = width * height * (fmt === 'gray' ? 1 : 4);
  const frames: Buffer[] = [];
  for (let o = 0; o + size <= out.stdout.length; o += size) frames.push(out.stdout.subarray(o, o + size));
  return frames;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export const spread = (xs: number[]): string =>
  xs.length > 1 ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : '';

export const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

export interface Interleaved {
  ours: number[];
  base: number[];
  /** ours[i] / base[i] for each pair. */
  ratios: number[];
  /** Median of the pair ratios: the figure to report. */
  ratio: number;
}

/** Times `ours` and `base` alternately, `runs` pairs (the order within a pair alternates too). */
export async function interleaved(
  runs: number,
  ours: () => Promise<number>,
  base: () => Promise<number>,
): Promise<Interleaved> {
  const o: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      o.push(await ours());
      b.push(await base());
    } else {
      b.push(await base());
      o.push(await ours());
    }
  }
  const ratios = o.map((x, i) => x / b[i]!);
  return { ours: o, base: b, ratios, ratio: median(ratios) };
}
