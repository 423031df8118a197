/**
 * The content check that runs in the worker on a task's input images before rendering:
 * the server's policy (NSFW_CHECK) and the request's `check_nsfw` decide whether it runs
 * and what a hit does; the classifier scores each image.
 */
import type { NsfwConfig } from '../config.js';
import type { PreRenderCheck } from '../core/task-runner.js';
import type { NsfwRecord, Task } from '../core/task.js';
import type { NsfwClassifier, NsfwScores } from './nsfw-classifier.js';

export type NsfwMode = NsfwConfig['mode'];

/**
 * What the check does for one task. The request can ask for more than the server's
 * default, never for less than `block`:
 *
 * | request `check_nsfw` | NSFW_CHECK=off | flag  | block |
 * |----------------------|----------------|-------|-------|
 * | absent               | off            | flag  | block |
 * | true                 | block          | block | block |
 * | false                | off            | off   | block |
 */
export function effectiveMode(server: NsfwMode, requested: boolean | undefined): NsfwMode {
  if (server === 'block' || requested === true) return 'block';
  if (requested === false) return 'off';
  return server;
}

/** An image counts as explicit by its explicit classes; "sexy" (suggestive) is reported, not counted. */
export function explicitScore(scores: NsfwScores): number {
  return scores.porn + scores.hentai;
}

/** Three significant digits: readable, and a tiny score stays distinguishable from 0. */
const round = (value: number) => Number(value.toPrecision(3));

/**
 * Builds the worker's pre-render hook. `block` ends a task whose image scores at or above
 * the threshold as `nsfw` (the worker deletes its inputs and fires its webhook); `flag`
 * records the scores on the task and renders anyway.
 */
export function nsfwPreRenderCheck(config: NsfwConfig, classifier: NsfwClassifier): PreRenderCheck {
  return async (task: Task, images: Buffer[]) => {
    const mode = effectiveMode(config.mode, task.params.checkNsfw);
    if (mode === 'off' || images.length === 0) return { verdict: 'pass' };
    const scored: NsfwRecord['images'] = [];
    let worstIndex = 0;
    let worstScore = -1;
    for (const [index, image] of images.entries()) {
      const scores = await classifier.classify(image);
      const rounded = Object.fromEntries(
        Object.entries(scores).map(([k, v]) => [k, round(v)]),
      ) as unknown as NsfwScores;
      // The verdict uses the exact score; the record shows it rounded.
      const score = explicitScore(scores);
      if (score > worstScore) [worstIndex, worstScore] = [index, score];
      scored.push({ index, score: round(score), scores: rounded });
    }
    const worst = scored[worstIndex]!;
    const record: NsfwRecord = {
      mode,
      threshold: config.threshold,
      flagged: worstScore >= config.threshold,
      score: worst.score,
      images: scored,
    };
    if (mode === 'block' && record.flagged) {
      const s = worst.scores;
      return {
        verdict: 'block',
        status: 'nsfw',
        error: {
          code: 'nsfw',
          message:
            `input image ${worst.index} was judged explicit: porn ${s.porn}, hentai ${s.hentai} ` +
            `(score ${worst.score} ≥ threshold ${config.threshold}); sexy ${s.sexy}, neutral ${s.neutral}, drawing ${s.drawing}`,
          detail: { nsfw: record },
        },
      };
    }
    return { verdict: 'pass', resolved: { nsfw: record } };
  };
}
