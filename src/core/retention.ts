/**
 * Retention: finished tasks older than the TTL lose their media and their record.
 * Higgsfield guarantees results for 7 days; RESULT_TTL_DAYS defaults to the same.
 */
import type { MediaStore, TaskStore } from './ports.js';
import type { Task } from './task.js';

/**
 * Store folders that belong to no task and that retention never sweeps: the motion
 * previews (`previews/<picture-id>/<slug>.webp`), shared by every task and every node.
 */
const SHARED_PREFIXES = ['previews/'];

/**
 * The media folders a task owns (inputs and results), as `deletePrefix` arguments; never
 * a shared folder (a task record naming a preview key cannot get the previews swept).
 */
export function mediaPrefixesOf(task: Task): string[] {
  const keys = [
    ...task.params.images.map((image) => image.mediaKey),
    ...(task.results ? [task.results.raw.key, task.results.min.key, task.results.poster.key] : []),
  ];
  const prefixes = new Set(keys.map((key) => key.slice(0, key.lastIndexOf('/') + 1)));
  return [...prefixes].filter(
    (prefix) => prefix.length > 1 && !SHARED_PREFIXES.some((shared) => prefix.startsWith(shared)),
  );
}

/** Deletes up to `batch` expired tasks; returns how many went. */
export async function sweepExpired(
  store: TaskStore,
  media: MediaStore,
  ttlMs: number,
  now: number,
  batch = 200,
): Promise<number> {
  const expired = await store.listFinishedBefore(now - ttlMs, batch);
  for (const task of expired) {
    for (const prefix of mediaPrefixesOf(task)) await media.deletePrefix(prefix);
    await store.delete(task.id);
  }
  return expired.length;
}
