/**
 * Bundles the playground (web/src) into web/dist with esbuild: one hashed script, one
 * hashed stylesheet and an index.html that names them. Hashed names let the server cache
 * assets forever while index.html is revalidated, so a rebuild is picked up at once.
 *
 * Run by `npm run build:web` (and `prepare`), and by the server on start when dist is
 * missing or older than the sources.
 */
import { readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled (dist/web/build.js) this module runs from dist/; the playground's files stay in web/.
const HERE = fileURLToPath(new URL('.', import.meta.url));
export const WEB_DIR = import.meta.url.endsWith('.js') ? join(HERE, '..', '..', 'web') : HERE;
export const DIST_DIR = join(WEB_DIR, 'dist');
const SRC_DIR = join(WEB_DIR, 'src');
const MANIFEST = 'manifest.json';

/** What the server needs to know about a build: the files it may serve. */
export interface WebManifest {
  builtAt: number;
  files: string[];
}

/** Newest modification time among the sources (index.html, this script, web/src/**). */
async function newestSourceMtime(): Promise<number> {
  let newest = Math.max(
    (await stat(join(WEB_DIR, 'index.html'))).mtimeMs,
    (await stat(join(WEB_DIR, 'build.ts'))).mtimeMs,
  );
  for (const entry of await readdir(SRC_DIR, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** The manifest of the current build, or undefined when there is none or it is stale. */
export async function currentBuild(): Promise<WebManifest | undefined> {
  let manifest: WebManifest;
  try {
    manifest = JSON.parse(await readFile(join(DIST_DIR, MANIFEST), 'utf8')) as WebManifest;
  } catch {
    return undefined;
  }
  // Without sources (a trimmed deployment) the build there is all there is.
  const newest = await newestSourceMtime().catch(() => 0);
  return newest > manifest.builtAt ? undefined : manifest;
}

/**
 * Builds into a temporary folder and swaps it in with one rename, so a server reading
 * dist (or a second build racing this one) never sees half a build.
 */
export async function buildWeb(options: { minify?: boolean } = {}): Promise<WebManifest> {
  const startedAt = Date.now();
  const tmp = join(WEB_DIR, `.dist-${process.pid}-${startedAt}`);
  await rm(tmp, { recursive: true, force: true });
  try {
    // esbuild is a build-time tool (a devDependency): loaded only when a build is needed.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: { app: join(SRC_DIR, 'main.ts'), styles: join(SRC_DIR, 'styles.css') },
      outdir: join(tmp, 'assets'),
      entryNames: '[name]-[hash]',
      bundle: true,
      format: 'esm',
      target: ['es2022'],
      minify: options.minify ?? true,
      sourcemap: 'linked',
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
    const script = outputs.find((f) => f.startsWith('app-') && f.endsWith('.js'));
    const style = outputs.find((f) => f.startsWith('styles-') && f.endsWith('.css'));
    if (!script || !style) throw new Error(`web build produced no script or stylesheet: ${outputs.join(', ')}`);
    const template = await readFile(join(WEB_DIR, 'index.html'), 'utf8');
    const html = template.replace('{{STYLES}}', `/assets/${style}`).replace('{{SCRIPT}}', `/assets/${script}`);
    await writeFile(join(tmp, 'index.html'), html);
    const manifest: WebManifest = { builtAt: startedAt, files: ['index.html', ...outputs.map((f) => `assets/${f}`)] };
    await writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2));
    await rm(DIST_DIR, { recursive: true, force: true });
    try {
      await rename(tmp, DIST_DIR);
    } catch (err) {
      // Another process swapped its build in between our rm and rename: use that one.
      const theirs = await currentBuild();
      if (theirs) return theirs;
      throw err;
    }
    return manifest;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// `node --import tsx web/build.ts` builds once and says what it wrote.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const manifest = await buildWeb();
  console.log(`web: built ${manifest.files.length} files into ${DIST_DIR}`);
}
