/**
 * Connection options for each BullMQ role, from a `redis://` / `rediss://` URL.
 * BullMQ builds its ioredis clients from them (`url` goes to ioredis as is).
 */
import type { RedisOptions } from 'bullmq';

/** Refuses anything but redis:// and rediss:// early, with the setting's name. */
export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL, got "${url}"`);
  }
  return url;
}

/**
 * Workers and event listeners hold blocking commands and must wait out a Redis restart
 * rather than give up on a command: BullMQ requires `maxRetriesPerRequest: null` there.
 */
export function consumerOptions(url: string): RedisOptions {
  return { url: checkRedisUrl(url), maxRetriesPerRequest: null };
}

/**
 * The producer side (enqueue from an API request, depth for /readyz) fails fast while
 * Redis is away instead of queueing commands in memory: the task is already in the store,
 * and the reconciler enqueues it once Redis is back.
 */
export function producerOptions(url: string): RedisOptions {
  return { url: checkRedisUrl(url), maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 5000 };
}
