/**
 * Prints the content check's scores for image files, to choose NSFW_THRESHOLD on one's own
 * pictures: node --import tsx scripts/nsfw-scores.ts photo.jpg …
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { NsfwjsClassifier } from '../src/nsfw/nsfw-classifier.js';
import { explicitScore } from '../src/nsfw/nsfw-check.js';

const classifier = new NsfwjsClassifier();
for (const file of process.argv.slice(2)) {
  const s = await classifier.classify(await readFile(file));
  const f = (x: number) => x.toFixed(3);
  console.log(
    `${basename(file).padEnd(24)} score ${f(explicitScore(s))}  porn ${f(s.porn)} hentai ${f(s.hentai)} sexy ${f(s.sexy)} neutral ${f(s.neutral)} drawing ${f(s.drawing)}`,
  );
}
