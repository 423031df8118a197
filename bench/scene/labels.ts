/**
 * The scene benchmark's hand labels (bench/scene-labels.json) and the photographs they
 * label, fetched from Debian packages into a cache by scripts/get-bench-photos.sh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** [x0, y0, x1, y1] in the photo's pixels. */
export type Box = [number, number, number, number];
export type Point = [number, number];

export interface FaceLabel {
  box: Box;
  /** Pupils (one where the face is in profile). */
  eyes: Point[];
  mouth: Point;
}

export interface PhotoLabel {
  name: string;
  file: string;
  package: string;
  path: string;
  licence: string;
  size: [number, number];
  kind: string;
  subject?: { label: string; box: Box; polygon?: Point[] };
  faces: FaceLabel[];
  /** Boxes of far background. */
  background: Box[];
  /** Boxes near the camera, for pictures without a single subject. */
  near?: Box[];
  horizon?: number;
  ground?: Box[];
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Every labelled photo, in the file's order. */
export function loadLabels(): PhotoLabel[] {
  const raw = JSON.parse(readFileSync(join(repoRoot, 'bench/scene-labels.json'), 'utf8')) as {
    photos: Record<string, Omit<PhotoLabel, 'name'>>;
  };
  return Object.entries(raw.photos).map(([name, p]) => ({ name, ...p }));
}

/** Where the photos are cached by default: `.cache/photos` under the repository (gitignored). */
export const DEFAULT_PHOTO_DIR = join(repoRoot, '.cache/photos');

/**
 * Makes sure every labelled photo is in `dir`, running scripts/get-bench-photos.sh when one
 * is missing. Throws with the script's stderr when the fetch fails (no silent skip).
 */
export function ensurePhotos(labels: PhotoLabel[], dir = DEFAULT_PHOTO_DIR): void {
  if (labels.every((l) => existsSync(join(dir, l.file)))) return;
  const r = spawnSync('bash', [join(repoRoot, 'scripts/get-bench-photos.sh'), dir], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `fetching the benchmark photos failed (scripts/get-bench-photos.sh ${dir}, exit ${r.status}): ${(r.stderr || r.error?.message || '').trim()}`,
    );
  const missing = labels.filter((l) => !existsSync(join(dir, l.file))).map((l) => l.file);
  if (missing.length > 0) throw new Error(`photos still missing after the fetch: ${missing.join(', ')}`);
}

/** Whether this machine can fetch Debian packages at all (apt-get and dpkg-deb present). */
export function aptAvailable(): boolean {
  return ['apt-get', 'dpkg'].every((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0);
}

export function photoPath(label: PhotoLabel, dir = DEFAULT_PHOTO_DIR): string {
  return join(dir, label.file);
}
