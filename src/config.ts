/**
 * Configuration: read and validated once at start-up from the environment, then passed
 * down. No other module reads `process.env`. Defaults make `npm start` work on a fresh
 * machine (SQLite + embedded queue + files under ./data).
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineRouting } from './core/routing-engine.js';

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
  /** Where media (inputs, results) live; shared storage when several machines serve them. */
  mediaDir: string;
  /** Task store: the embedded SQLite file, or a PostgreSQL database shared by every node. */
  store: StoreConfig;
  /** Task queue: embedded in the SQLite file (one process), or BullMQ on Redis (many). */
  queue: QueueConfig;
  /** How often queued-but-unqueued tasks are re-enqueued (and how old they must be). */
  reconcileIntervalMs: number;
  /** The Higgsfield cloud relay; undefined without credentials (effects are then refused with 422). */
  higgsfield: HiggsfieldConfig | undefined;
  /** Which engine renders what: see {@link EngineRouting}. */
  engineRouting: EngineRouting;
  /** Relayed tasks in flight at once in this process, on slots of their own beside the local renders. */
  relayConcurrency: number;
  /** Media store: files under `mediaDir` (MEDIA=fs), or an S3-compatible bucket (MEDIA=s3). */
  media: MediaConfig;
  /** The content check on input images before rendering (see src/nsfw). */
  nsfw: NsfwConfig;
}

export type MediaConfig = { kind: 'fs' } | S3MediaConfig;

export interface S3MediaConfig {
  kind: 's3';
  bucket: string;
  /** Key prefix inside the bucket ('' or ending in '/'), so one bucket can hold several deployments. */
  prefix: string;
  /** Endpoint of a non-AWS store (MinIO, R2, Ceph); undefined means AWS. */
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** S3_REGION, else AWS_REGION, else us-east-1 (what MinIO and most other stores accept). */
  region: string;
  /** How /media/* answers: stream from the bucket (proxy) or redirect to a presigned URL. */
  urls: 'proxy' | 'presigned';
  /** Lifetime of a presigned GET URL. */
  presignTtlSeconds: number;
}

export interface NsfwConfig {
  /** Server policy for requests that do not ask: off (no check), flag (record only), block. */
  mode: 'off' | 'flag' | 'block';
  /** An image is explicit when its porn + hentai probability reaches this (0..1). */
  threshold: number;
}

export type { EngineRouting };

export interface HiggsfieldConfig {
  keyId: string;
  keySecret: string;
  /** Platform base URL without a trailing slash, e.g. https://api.higgsfield.ai */
  baseUrl: string;
  /** Largest result video accepted from the cloud, bytes. */
  resultMaxBytes: number;
  /** Wall-clock cap on one call to the cloud (submit, status, upload) and on one result download. */
  requestTimeoutMs: number;
  /** First status-poll delay; it grows ×1.5 per poll (with ±20 % jitter) up to 5× this. */
  pollMs: number;
}

export type StoreConfig =
  | { kind: 'sqlite' }
  | { kind: 'postgres'; url: string; schema: string | undefined; poolSize: number };

export type QueueConfig = { kind: 'embedded' } | { kind: 'bullmq'; redisUrl: string; name: string; prefix: string };

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

function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function urlSetting(env: Env, name: string, protocols: readonly string[], neededBy: string): string {
  const raw = env[name]?.trim();
  if (!raw) throw new ConfigError(`${name} is required when ${neededBy}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a ${protocols.join(' or ')} URL`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`${name} must be a ${protocols.join(' or ')} URL`);
  return raw;
}

function loadStore(env: Env): StoreConfig {
  if (choice(env, 'STORE', ['sqlite', 'postgres'], 'sqlite') === 'sqlite') return { kind: 'sqlite' };
  const schema = env.DATABASE_SCHEMA?.trim() || undefined;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('DATABASE_SCHEMA must be a lower-case identifier (a-z, 0-9, _)');
  }
  return {
    kind: 'postgres',
    url: urlSetting(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'STORE=postgres'),
    schema,
    poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
  };
}

function loadQueue(env: Env): QueueConfig {
  if (choice(env, 'QUEUE', ['embedded', 'bullmq'], 'embedded') === 'embedded') return { kind: 'embedded' };
  const name = env.QUEUE_NAME?.trim() || 'stillmotion-tasks';
  const prefix = env.QUEUE_PREFIX?.trim() || 'stillmotion';
  for (const [setting, value] of [
    ['QUEUE_NAME', name],
    ['QUEUE_PREFIX', prefix],
  ] as const) {
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(value))
      throw new ConfigError(`${setting} may only hold letters, digits, '_', '.', '-'`);
  }
  return {
    kind: 'bullmq',
    redisUrl: urlSetting(env, 'REDIS_URL', ['redis:', 'rediss:'], 'QUEUE=bullmq'),
    name,
    prefix,
  };
}

/** WORKERS is the short name of WORKER_CONCURRENCY; setting both to different values is an error. */
function workerCount(env: Env, fallback: number): number {
  const long = int(env, 'WORKER_CONCURRENCY', fallback, 0, 64);
  if (env.WORKERS === undefined || env.WORKERS.trim() === '') return long;
  const short = int(env, 'WORKERS', fallback, 0, 64);
  if (env.WORKER_CONCURRENCY?.trim() && short !== long) {
    throw new ConfigError(`WORKERS (${short}) and WORKER_CONCURRENCY (${long}) disagree; set one`);
  }
  return short;
}

/**
 * Higgsfield credentials under the official SDK's own names: `HF_CREDENTIALS` (or `HF_KEY`)
 * as `id:secret`, else `HF_API_KEY` + `HF_API_SECRET`. None at all: undefined.
 */
function loadHiggsfield(env: Env): HiggsfieldConfig | undefined {
  const combined = env.HF_CREDENTIALS?.trim() || env.HF_KEY?.trim();
  const key = env.HF_API_KEY?.trim();
  const secret = env.HF_API_SECRET?.trim();
  let keyId: string;
  let keySecret: string;
  if (combined) {
    if (key || secret)
      throw new ConfigError('set either HF_CREDENTIALS (id:secret) or HF_API_KEY + HF_API_SECRET, not both');
    const colon = combined.indexOf(':');
    if (colon <= 0 || colon === combined.length - 1) throw new ConfigError('HF_CREDENTIALS must be KEY_ID:KEY_SECRET');
    keyId = combined.slice(0, colon);
    keySecret = combined.slice(colon + 1);
  } else if (key || secret) {
    if (!key || !secret) throw new ConfigError('HF_API_KEY and HF_API_SECRET must be set together');
    keyId = key;
    keySecret = secret;
  } else {
    if (env.HIGGSFIELD_BASE_URL?.trim())
      throw new ConfigError(
        'HIGGSFIELD_BASE_URL is set but no Higgsfield credentials are (HF_API_KEY + HF_API_SECRET or HF_CREDENTIALS)',
      );
    return undefined;
  }
  if (/[\s]/.test(keyId) || /[\s]/.test(keySecret))
    throw new ConfigError('Higgsfield credentials must not contain whitespace');
  const rawBase = env.HIGGSFIELD_BASE_URL?.trim() || 'https://api.higgsfield.ai';
  let base: URL;
  try {
    base = new URL(rawBase);
  } catch {
    throw new ConfigError(`HIGGSFIELD_BASE_URL must be an absolute http(s) URL, got "${rawBase}"`);
  }
  if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.search || base.hash) {
    throw new ConfigError(`HIGGSFIELD_BASE_URL must be an absolute http(s) URL without query, got "${rawBase}"`);
  }
  return {
    keyId,
    keySecret,
    baseUrl: base.toString().replace(/\/+$/, ''),
    resultMaxBytes: int(env, 'HIGGSFIELD_RESULT_MAX_BYTES', 512 * 1024 * 1024, 1024, 8 * 1024 * 1024 * 1024),
    requestTimeoutMs: int(env, 'HIGGSFIELD_TIMEOUT_MS', 120_000, 100, 3_600_000),
    pollMs: int(env, 'HIGGSFIELD_POLL_MS', 2000, 10, 60_000),
  };
}

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
    workerConcurrency: workerCount(env, Math.max(1, Math.floor(cores / 2))),
    // At least two: on two cores, one drawing thread per core beside x264 measured fastest.
    renderThreads: int(env, 'RENDER_THREADS', Math.max(2, Math.min(4, cores - 1)), 1, 32),
    resultTtlDays: int(env, 'RESULT_TTL_DAYS', 7, 1, 3650),
    logLevel,
    ffmpegPath: env.FFMPEG_PATH?.trim() || undefined,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 40 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxImageBytes: int(env, 'MAX_IMAGE_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxImagePixels: int(env, 'MAX_IMAGE_PIXELS', 50_000_000, 64 * 64, 268_402_689),
    maxAttempts: int(env, 'MAX_ATTEMPTS', 3, 1, 20),
    leaseMs: int(env, 'LEASE_MS', 30_000, 1000, 3_600_000),
    fetchTimeoutMs: int(env, 'FETCH_TIMEOUT_MS', 15_000, 100, 300_000),
    mediaDir: resolve(env.MEDIA_DIR?.trim() || join(env.DATA_DIR?.trim() || './data', 'media')),
    store: loadStore(env),
    queue: loadQueue(env),
    reconcileIntervalMs: int(env, 'RECONCILE_INTERVAL_MS', 60_000, 100, 3_600_000),
    media: loadMedia(env),
    nsfw: loadNsfw(env),
    ...relaySettings(env),
  };
}

function loadMedia(env: Env): MediaConfig {
  if (choice(env, 'MEDIA', ['fs', 's3'], 'fs') === 'fs') {
    const urls = env.MEDIA_URLS?.trim().toLowerCase();
    if (urls && urls !== 'proxy')
      throw new ConfigError(`MEDIA_URLS=${urls} needs MEDIA=s3 (files on disk are always served by stillmotion)`);
    return { kind: 'fs' };
  }
  const bucket = env.S3_BUCKET?.trim();
  if (!bucket) throw new ConfigError('S3_BUCKET is required when MEDIA=s3');
  // S3's bucket naming rules (3–63 lower-case letters, digits, dots, hyphens).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new ConfigError(`S3_BUCKET is not a valid bucket name: "${bucket}"`);
  let prefix = (env.S3_PREFIX ?? '').trim().replace(/^\/+/, '');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  if (prefix !== '' && !/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)+$/.test(prefix)) {
    throw new ConfigError('S3_PREFIX may hold only letters, digits, ".", "_", "-" and "/" between segments');
  }
  const endpoint = env.S3_ENDPOINT?.trim()
    ? urlSetting(env, 'S3_ENDPOINT', ['http:', 'https:'], 'MEDIA=s3')
    : undefined;
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint,
    // MinIO and most self-hosted stores want path-style addressing; AWS wants virtual hosts.
    forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
    region: env.S3_REGION?.trim() || env.AWS_REGION?.trim() || 'us-east-1',
    urls: choice(env, 'MEDIA_URLS', ['proxy', 'presigned'], 'proxy'),
    presignTtlSeconds: int(env, 'S3_PRESIGN_TTL_SECONDS', 300, 10, 7 * 24 * 3600),
  };
}

function loadNsfw(env: Env): NsfwConfig {
  const raw = env.NSFW_THRESHOLD?.trim();
  let threshold = 0.8;
  if (raw) {
    threshold = Number(raw);
    if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(raw) || !(threshold > 0 && threshold <= 1)) {
      throw new ConfigError(`NSFW_THRESHOLD must be a number above 0 and at most 1, got "${raw}"`);
    }
  }
  return { mode: choice(env, 'NSFW_CHECK', ['off', 'flag', 'block'], 'off'), threshold };
}

function relaySettings(env: Env): Pick<Config, 'higgsfield' | 'engineRouting' | 'relayConcurrency'> {
  const higgsfield = loadHiggsfield(env);
  const engineRouting = choice(env, 'ENGINE_ROUTING', ['auto', 'local', 'higgsfield'] as const, 'auto');
  if (engineRouting === 'higgsfield' && !higgsfield) {
    throw new ConfigError(
      'ENGINE_ROUTING=higgsfield needs Higgsfield credentials (HF_API_KEY + HF_API_SECRET or HF_CREDENTIALS)',
    );
  }
  // The cloud caps concurrent requests per account at 4 (a 5th is refused with 400).
  return { higgsfield, engineRouting, relayConcurrency: int(env, 'RELAY_CONCURRENCY', 4, 0, 256) };
}
