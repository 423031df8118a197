/**
 * Retention: finished tasks older than the TTL lose their media and their record.
 * Higgsfield guarantees results for 7 days; RESULT_TTL_DAYS defaults to the same.
 */
import type { MediaStore, TaskStore } from './ports.js';
import type { Task } from './task.js';

/** The media folders a task owns (inputs and results), as `deletePrefix` arguments. */
export function mediaPrefixesOf(task: Task): string[] {
  const keys = [
    ...task.params.images.map((image) => image.mediaKey),
    ...(task.results ? [task.results.raw.key, task.results.min.key, task.results.poster.key] : []),
  ];
  const prefixes = new Set(keys.map((key) => key.slice(0, key.lastIndexOf('/') + 1)));
  return [...prefixes].filter((prefix) => prefix.length > 1);
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
