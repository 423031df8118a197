/**
 * The external services the distributed adapters are tested against: PostgreSQL and
 * Redis on loopback (`.ci/run` starts them). Each suite probes its service once; when
 * one is unreachable, CI (CI=true) fails loudly, while a developer's run skips the
 * suite with the reason.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** A name no other test (or run) uses: for schemas, queue names and prefixes. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * Undefined when the service answers; otherwise the reason to skip. In CI an
 * unreachable service throws instead: a suite that silently skips there proves nothing.
 */
async function verdict(service: string, probe: () => Promise<void>): Promise<string | undefined> {
  try {
    await probe();
    return undefined;
  } catch (error) {
    const reason = `${service} is unreachable (${error instanceof Error ? error.message : String(error)}); start it or run .ci/run`;
    if (IN_CI) throw new Error(`CI=true but ${reason}`);
    return reason;
  }
}

export function postgresSkipReason(): Promise<string | undefined> {
  return verdict(`PostgreSQL at ${TEST_DATABASE_URL}`, async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      await client.end();
    }
  });
}

export function redisSkipReason(): Promise<string | undefined> {
  const url = new URL(TEST_REDIS_URL);
  return verdict(`Redis at ${TEST_REDIS_URL}`, () => redisPing(url.hostname, Number(url.port || 6379)));
}

/** PING over a raw socket, so probing needs no client library and leaves nothing open. */
export function redisPing(host: string, port: number, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('timed out')));
    socket.once('error', fail);
    socket.connect(port, host, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      if (data.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`unexpected answer ${JSON.stringify(data.toString())}`));
    });
  });
}

/** Runs one statement on a short-lived admin connection (schema drops, terminating backends). */
export async function pgAdmin<T extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await pgAdmin(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
}

/** Skip list for every case of a suite, all with one reason (service down, local run). */
export function skipAll(cases: Record<string, unknown>, reason: string | undefined): Record<string, string> {
  return reason === undefined ? {} : Object.fromEntries(Object.keys(cases).map((name) => [name, reason]));
}
