/**
 * Opens the PostgreSQL connection pool with the settings the store relies on, and
 * migrates the schema.
 */
import pg from 'pg';
import { AppError } from '../../core/errors.js';
import { applyPgMigrations } from './migrations.js';

export interface OpenPgOptions {
  /** A schema to keep the tables in (created when absent); default: the server's search_path. */
  schema?: string;
  /** Most connections this process opens. */
  max?: number;
  /** Shown in pg_stat_activity, so operators (and tests) can tell our connections apart. */
  applicationName?: string;
  /** How long to wait for a connection before the store answers `service_unavailable`. */
  connectTimeoutMs?: number;
  /** Client-side cap on one query, so a stalled server cannot hang a request. */
  queryTimeoutMs?: number;
  /** Told about connection errors of idle clients (which the pool then drops). */
  onIdleError?: (error: Error) => void;
}

/** A schema name we accept: plain lower-case identifiers, so no quoting is ever needed. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A pool on `url`, migrated to the newest schema. The caller owns it (`pool.end()`).
 *
 * An idle client whose connection dies (server restart, `pg_terminate_backend`, network)
 * emits `error` on the pool; without a listener that would crash the process, so one is
 * always attached — the pool drops the client and the next query opens a new one.
 */
export async function openPgPool(url: string, options: OpenPgOptions = {}): Promise<pg.Pool> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`invalid PostgreSQL schema name "${options.schema}"`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'stillmotion',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: options.queryTimeoutMs ?? 15_000,
    idleTimeoutMillis: 30_000,
    ...(options.schema !== undefined && { options: `-c search_path=${options.schema}` }),
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  try {
    await applyPgMigrations(pool, options.schema === undefined ? {} : { schema: options.schema });
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/** SQLSTATE classes and codes that mean "the database is unreachable right now", not a bug. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether `error` is an outage (connection refused, dropped, timed out, server shutting
 * down) rather than a statement the server refused. pg reports a dropped connection with
 * no code at all, only the message, so that is checked too.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code) || UNAVAILABLE_ERRNO.has(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended/i.test(
    error.message,
  );
}

/** Rethrows an outage as `service_unavailable` (503), anything else unchanged. */
export function translatePgError(error: unknown): never {
  if (isUnavailable(error))
    throw new AppError('service_unavailable', 'the task database is unreachable', { cause: error });
  throw error;
}
