/**
 * When a failed webhook delivery is tried again. Attempts start when the task becomes
 * terminal and go on for `windowMs` (2 h by default, as Higgsfield documents for its own
 * webhooks); the last attempt falls exactly at the end of the window, then we give up.
 */
export interface RetrySchedule {
  /** Wait after the n-th failed attempt (the last entry repeats). */
  delaysMs: readonly number[];
  /** How long after the task became terminal attempts may still start. */
  windowMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Attempts at about 0 s, 5 s, 35 s, 2.5 min, 7.5 min, 17.5 min, 37.5 min, 1 h 8, 1 h 38 and 2 h. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [5 * SECOND, 30 * SECOND, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE],
  windowMs: 2 * 60 * MINUTE,
};

/**
 * The time of the next attempt after `attempts` failed ones, or undefined to give up.
 * @param armedAt when the task became terminal (the window's start)
 */
export function nextAttemptAt(
  schedule: RetrySchedule,
  armedAt: number,
  attempts: number,
  now: number,
): number | undefined {
  const deadline = armedAt + schedule.windowMs;
  if (now >= deadline || schedule.delaysMs.length === 0) return undefined;
  const index = Math.min(Math.max(attempts, 1), schedule.delaysMs.length) - 1;
  return Math.min(now + (schedule.delaysMs[index] as number), deadline);
}
