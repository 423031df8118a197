// The build stamp: which sources dist/ was compiled from. `npm run build` (scripts/build.mjs)
// writes dist/build-stamp.json; the launcher (bin/stillmotion.mjs, so `npm start`,
// `npm run worker` and the `stillmotion` command) refuses to run a dist/ that is missing or
// was built from other sources than the ones beside it, instead of silently running old code.
//
// The check is cheap on the common path: one stat per source file (~170), compared with the
// sizes and times recorded at build time. Only when those differ (an edit, or a checkout that
// touched files) are the contents hashed; equal contents still pass.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const STAMP = join('dist', 'build-stamp.json');
/** What the compiled output depends on, relative to the package root. */
export const INPUTS = ['src', 'web/build.ts', 'models', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];

/** Every input file, sorted, with size and modification time. */
export function listInputs(root) {
  const files = [];
  const walk = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    } else if (st.isFile()) {
      files.push({ path: relative(root, path).split(sep).join('/'), size: st.size, mtimeMs: st.mtimeMs });
    }
  };
  for (const input of INPUTS) walk(join(root, input));
  return files;
}

/** One hash over the inputs' names and contents. */
export function hashInputs(root, files) {
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
