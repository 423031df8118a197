/**
 * Real photographs for the vision tests: scikit-image's sample data from Debian's
 * python3-skimage package (public-domain / CC0 pictures: astronaut is a NASA photo, camera is
 * MIT's "cameraman" released by the scikit-image project, coffee is CC0), kept in
 * .cache/photos (the scene benchmark's cache, so CI fetches them once for both).
 *
 * Where apt-get exists, a failed fetch throws (a CI that lost Debian must not pass without
 * looking at a photo); where it does not (a laptop without Debian tools) and the cache is
 * empty, `photosSkip` gives the reason to skip.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PHOTO_DIR = join(process.cwd(), '.cache', 'photos');
const NAMES = ['astronaut.png', 'camera.png', 'coffee.png'] as const;

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const cached = (): boolean => NAMES.every((n) => existsSync(join(PHOTO_DIR, n)));

export const photosSkip: string | false =
  cached() || (has('apt-get') && has('dpkg'))
    ? false
    : `no photos in ${PHOTO_DIR} and no apt-get/dpkg to fetch python3-skimage`;

function find(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      const hit = find(p, name);
      if (hit) return hit;
    } else if (e === name) return p;
  }
  return undefined;
}

/** The path of a sample photo, fetching the package first when the cache lacks it. */
export function photo(name: (typeof NAMES)[number]): string {
  if (!cached()) {
    const tmp = mkdtempSync(join(tmpdir(), 'skimage-'));
    try {
      execFileSync('apt-get', ['download', 'python3-skimage'], { cwd: tmp, stdio: 'ignore' });
      const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download python3-skimage gave no .deb');
      execFileSync('dpkg', ['-x', deb, 'x'], { cwd: tmp });
      mkdirSync(PHOTO_DIR, { recursive: true });
      for (const n of NAMES) {
        const src = find(join(tmp, 'x'), n);
        if (!src) throw new Error(`python3-skimage has no ${n}`);
        copyFileSync(src, join(PHOTO_DIR, n));
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return join(PHOTO_DIR, name);
}
