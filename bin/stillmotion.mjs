#!/usr/bin/env node
// The stillmotion command, and what `npm start` / `npm run worker` run (`serve`, `worker`).
// It runs the compiled JavaScript in dist/ (`npm run build`; `npm install` builds it) and
// refuses a dist/ that is missing or older than the sources beside it, so edited sources never
// silently run as old code. During development `npm run dev` and the tests run the sources
// through tsx instead.
import { fileURLToPath } from 'node:url';
import { checkDist } from './dist-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = checkDist(root);
if (!dist.ok) {
  console.error(`stillmotion: ${dist.reason}.\nRun \`npm run build\` (in ${root}) and try again.`);
  process.exit(1);
}
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
