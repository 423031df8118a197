// The build stamp: which sources dist/ was compiled from. `npm run build` (scripts/build.mjs)
// writes dist/build-stamp.json; the launcher (bin/stillmotion.mjs, so `npm start`,
// `npm run worker` and the `stillmotion` command) refuses to run a dist/ that is missing or
// was built from other sources than the ones beside it, instead of silently running old code.
//
// The check is cheap on the common path: one stat per source file (~170), compared with the
// sizes and times recorded at build time. Only when those differ (an edit, or a checkout that
// touched files) are the contents hashed; equal contents still pass. It runs before anything
// else in every `stillmotion render`, so it is kept lean: node:crypto (~8 ms of CPU to load)
// is required only to hash, and the walk stats files only (directories come typed from
// readdir), ~11 → ~4 ms of CPU for the whole check.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const STAMP = join('dist', 'build-stamp.json');
/** What the compiled output depends on, relative to the package root. */
export const INPUTS = ['src', 'web/build.ts', 'models', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];

/** Every input file, sorted, with size and modification time. */
export function listInputs(root) {
  const files = [];
  const file = (rel, st) => files.push({ path: rel, size: st.size, mtimeMs: st.mtimeMs });
  // `rel` is the path below root with '/' separators, as the stamp records it.
  const dir = (rel) => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    // Sorted by name as a plain sort() sorts strings (the stamp's hash depends on the order).
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) dir(child);
      else if (e.isFile()) {
        const st = statSync(join(root, child), { throwIfNoEntry: false });
        if (st) file(child, st);
      } else walk(child); // a link: whatever it points at
    }
  };
  const walk = (rel) => {
    const st = statSync(join(root, rel), { throwIfNoEntry: false });
    if (st?.isDirectory()) dir(rel);
    else if (st?.isFile()) file(rel, st);
  };
  for (const input of INPUTS) walk(input);
  return files;
}

/** One hash over the inputs' names and contents. */
export function hashInputs(root, files) {
  const { createHash } = createRequire(import.meta.url)('node:crypto');
  const h = createHash('sha256');
  for (const f of files)
    h.update(f.path)
      .update('\0')
      .update(readFileSync(join(root, f.path)))
      .update('\0');
  return h.digest('hex');
}

/** The stamp of the sources under `root` as they are now (written by the build). */
export function makeStamp(root) {
  const files = listInputs(root);
  return { builtAt: new Date().toISOString(), hash: hashInputs(root, files), files };
}

/** A list of differences between the stamp's files and `files` (empty when the same). */
function changed(stamped, files) {
  const before = new Map(stamped.map((f) => [f.path, f]));
  const out = [];
  for (const f of files) {
    const b = before.get(f.path);
    if (!b) out.push(`${f.path} (new)`);
    else if (b.size !== f.size || b.mtimeMs !== f.mtimeMs) out.push(f.path);
    before.delete(f.path);
  }
  for (const path of before.keys()) out.push(`${path} (removed)`);
  return out;
}

/**
 * Whether dist/ under `root` is the build of the sources there: { ok: true } or
 * { ok: false, reason }. Without sources (a deployment of dist/ alone) dist/ is all there is.
 */
export function checkDist(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return { ok: false, reason: 'dist/ has not been built (no dist/build-stamp.json)' };
  }
  if (!existsSync(join(root, 'src'))) return { ok: true };
  const files = listInputs(root);
  const diff = changed(stamp.files ?? [], files);
  if (diff.length === 0) return { ok: true };
  // Times differ but contents may not (git checkout, touch, copy): compare the contents.
  if (hashInputs(root, files) === stamp.hash) return { ok: true };
  const shown = diff.slice(0, 3).join(', ') + (diff.length > 3 ? `, and ${diff.length - 3} more` : '');
  return { ok: false, reason: `dist/ was built from other sources than the ones here (changed since: ${shown})` };
}
