#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): compiles the server, its worker
// threads and the CLI to dist/ with tsc, so production runs JavaScript that was type-checked.
//
// tsc rather than esbuild: one tool both checks and emits, so a type error fails the build
// and what runs is what was checked; it emits file by file, keeping the source tree's layout,
// so the sources' relative URLs (import.meta.url → ./motions.json, ../../models/, the
// worker-thread loaders) resolve the same way from dist/src/ as from src/.
//
// Then it copies what tsc does not emit (non-TypeScript files under src/, models/), works out
// what need not be worked out on every start (the motion catalogue's listing order) and
// writes dist/build-stamp.json (bin/dist-stamp.mjs), which the launcher checks.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STAMP, makeStamp } from '../bin/dist-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const started = performance.now();

// Recorded before compiling: a source edited during the build leaves the stamp stale.
const stamp = makeStamp(root);

rmSync(dist, { recursive: true, force: true }); // no output of a deleted source survives
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  console.error('build: tsc failed; dist/ removed (fix the errors above and run `npm run build`)');
  process.exit(result.status ?? 1);
}

const copyAssets = (dir) => {
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) copyAssets(rel);
    else if (!name.endsWith('.ts')) {
      mkdirSync(dirname(join(dist, rel)), { recursive: true });
      cpSync(join(root, rel), join(dist, rel));
    }
  }
};
copyAssets('src');
cpSync(join(root, 'models'), join(dist, 'models'), { recursive: true });

// The catalogue's records in listing order, sorted by the compiled module's own rule, so that
// MotionCatalogue.load() in dist/ reads them in order instead of sorting on every start.
const catalogueDir = join(dist, 'src/catalogue');
const { inListingOrder } = await import(pathToFileURL(join(catalogueDir, 'motion-catalogue.js')).href);
const records = JSON.parse(readFileSync(join(catalogueDir, 'motions.json'), 'utf8'));
writeFileSync(join(catalogueDir, 'motions.listing.json'), JSON.stringify(inListingOrder(records)));

writeFileSync(join(root, STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
console.log(
  `build: dist/ compiled from ${stamp.files.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
