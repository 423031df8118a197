/**
 * Configuration: read and validated once at start-up from the environment, then passed
 * down. No other module reads `process.env`. Defaults make `npm start` work on a fresh
 * machine (SQLite + embedded queue + files under ./data).
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `id:secret` pairs from API_KEYS; empty means "use or create the stored key". */
  apiKeys: { id: string; secret: string }[];
  /** Absolute base for URLs we hand out; when absent the request's host is used. */
  publicBaseUrl: string | undefined;
  allowPrivateUrls: boolean;
  /** Parallel renders in this process; 0 runs the API only. */
  workerConcurrency: number;
  /** Worker threads per render for drawing frames. */
  renderThreads: number;
  resultTtlDays: number;
  logLevel: string;
  /** ffmpeg binary: FFMPEG_PATH, else the one shipped by @ffmpeg-installer/ffmpeg. */
  ffmpegPath: string | undefined;
  /** Largest accepted request body, bytes (base64 images ride in it). */
  bodyLimitBytes: number;
  /** Largest accepted input image file, bytes. */
  maxImageBytes: number;
  /** Largest accepted input image, pixels (width × height); refuses decompression bombs. */
  maxImagePixels: number;
  /** Render attempts before a task fails for good. */
  maxAttempts: number;
  /** How long a worker's claim lasts without a heartbeat. */
  leaseMs: number;
  /** Wall-clock cap on one fetch of an input image URL. */
  fetchTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function parseKeys(raw: string | undefined): { id: string; secret: string }[] {
  if (!raw || raw.trim() === '') return [];
  return raw.split(',').map((pair) => {
    const trimmed = pair.trim();
    const colon = trimmed.indexOf(':');
    const id = trimmed.slice(0, colon);
    const secret = trimmed.slice(colon + 1);
    if (colon <= 0 || secret.length < 8 || /[\s:]/.test(id)) {
      throw new ConfigError('API_KEYS must be a comma-separated list of KEY_ID:KEY_SECRET (secret of 8+ characters)');
    }
    return { id, secret };
  });
}

function parseBaseUrl(raw: string | undefined): string | undefined {
  if (!raw || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(`PUBLIC_BASE_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PUBLIC_BASE_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const cores = availableParallelism();
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR?.trim() || './data'),
    apiKeys: parseKeys(env.API_KEYS),
    publicBaseUrl: parseBaseUrl(env.PUBLIC_BASE_URL),
    allowPrivateUrls: bool(env, 'ALLOW_PRIVATE_URLS', false),
    // One render at a time already keeps 2 cores busy (x264 + drawing threads).
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', Math.max(1, Math.floor(cores / 2)), 0, 64),
    renderThreads: int(env, 'RENDER_THREADS', Math.max(1, Math.min(4, cores - 1)), 1, 32),
    resultTtlDays: int(env, 'RESULT_TTL_DAYS', 7, 1, 3650),
    logLevel,
    ffmpegPath: env.FFMPEG_PATH?.trim() || undefined,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 40 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxImageBytes: int(env, 'MAX_IMAGE_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxImagePixels: int(env, 'MAX_IMAGE_PIXELS', 50_000_000, 64 * 64, 268_402_689),
    maxAttempts: int(env, 'MAX_ATTEMPTS', 3, 1, 20),
    leaseMs: int(env, 'LEASE_MS', 30_000, 1000, 3_600_000),
    fetchTimeoutMs: int(env, 'FETCH_TIMEOUT_MS', 15_000, 100, 300_000),
  };
}
