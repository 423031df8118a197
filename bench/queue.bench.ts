/**
 * Queue throughput benchmark (issue 6). Run: npm run bench:queue [-- --tasks N --runs R --workers W]
 *
 * Tasks per second through the whole task path — submit (store insert + enqueue), claim,
 * start (store CAS), "render", results into the media store, finish (store CAS + queue
 * complete) — for each adapter combination, chosen through the real configuration and
 * `createAdapters`. The engine is a no-op registered only here (it writes three tiny
 * files), so the numbers are the task core's and the adapters', not the renderer's.
 *
 * Baseline: the embedded adapters (SQLite store + SQLite queue) measured in the same run;
 * every other line prints its ratio to it. Each combination gets its own PostgreSQL schema
 * and BullMQ queue, removed afterwards. Medians of R runs; load average printed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import sharp from 'sharp';
import { BullmqTaskQueue } from '../src/adapters/bullmq/bullmq-task-queue.js';
import { createAdapters } from '../src/adapters/create-adapters.js';
import { MotionCatalogue } from '../src/catalogue/motion-catalogue.js';
import { loadConfig } from '../src/config.js';
import type { Engine } from '../src/core/ports.js';
import { TaskService } from '../src/core/task-service.js';
import { TaskRunner } from '../src/core/task-runner.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Math.max(1, Number(process.argv[i + 1])) : fallback;
};
const TASKS = arg('tasks', 300);
const RUNS = arg('runs', 3);
const WORKERS = arg('workers', 4);
const SUBMITTERS = 8;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The benchmark's own engine: no pixels, three tiny files, so only the task path is timed. */
const noopEngine: Engine = {
  name: 'bench-noop',
  canRender: () => ({ renderable: true }),
  async render(_job, { workDir }) {
    const [raw, min, poster] = ['raw.mp4', 'min.mp4', 'poster.jpg'].map((name) => join(workDir, name)) as [
      string,
      string,
      string,
    ];
    await Promise.all([writeFile(raw, 'raw'), writeFile(min, 'min'), writeFile(poster, 'poster')]);
    return { raw, min, poster, resolved: { width: 16, height: 16, fps: 12, frames: 1, duration: 1 / 12 } };
  },
};

interface Combo {
  name: string;
  env: Record<string, string>;
  needs: ('postgres' | 'redis')[];
}

const COMBOS: Combo[] = [
  { name: 'embedded (SQLite store + SQLite queue)', env: { STORE: 'sqlite', QUEUE: 'embedded' }, needs: [] },
  {
    name: 'PostgreSQL store + BullMQ queue',
    env: { STORE: 'postgres', QUEUE: 'bullmq' },
    needs: ['postgres', 'redis'],
  },
  { name: 'PostgreSQL store + SQLite queue', env: { STORE: 'postgres', QUEUE: 'embedded' }, needs: ['postgres'] },
  { name: 'SQLite store + BullMQ queue', env: { STORE: 'sqlite', QUEUE: 'bullmq' }, needs: ['redis'] },
];

const image = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } })
  .png()
  .toBuffer();
const catalogue = MotionCatalogue.load();
const silent = pino({ level: 'silent' });

async function reachable(service: 'postgres' | 'redis'): Promise<string | undefined> {
  try {
    if (service === 'postgres') {
      const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
      await client.connect();
      await client.end();
    } else {
      const queue = await Promise.race([
        BullmqTaskQueue.open({
          redisUrl: REDIS_URL,
          queueName: 'bench-probe',
          prefix: `bench-probe-${randomUUID()}`,
          stalledCheck: false,
        }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 3000)),
      ]);
      await queue.obliterate();
      await queue.close();
    }
    return undefined;
  } catch (error) {
    return `${service} unreachable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** One run: TASKS tasks submitted by SUBMITTERS concurrent clients, rendered by WORKERS workers. */
async function runOnce(combo: Combo): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sm-bench-queue-'));
  const tag = `bench_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    DATA_DIR: join(dir, 'data'),
    LEASE_MS: '30000',
    DATABASE_URL,
    DATABASE_SCHEMA: tag,
    REDIS_URL,
    QUEUE_NAME: tag,
    QUEUE_PREFIX: tag,
    LOG_LEVEL: 'silent',
    ...combo.env,
  });
  const adapters = await createAdapters(config);
  const { store, queue, media } = adapters;
  const service = new TaskService({
    store,
    queue,
    media,
    engine: noopEngine,
    catalogue,
    loadImage: async () => ({ body: image, contentType: 'image/png', width: 16, height: 16 }),
  });
  let done = 0;
  let allDone: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const pool = new TaskRunner({
    store,
    queue,
    media,
    engine: noopEngine,
    scratch: adapters.scratch,
    concurrency: WORKERS,
    maxAttempts: 3,
    leaseMs: config.leaseMs,
    logger: silent,
    onTerminal: (task) => {
      if (task.status !== 'completed') throw new Error(`task ${task.id} ended ${task.status}`);
      if (++done === TASKS) allDone();
    },
  });
  try {
    pool.start();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        while (next < TASKS) {
          next++;
          await service.submit({
            ownerKeyId: 'bench',
            dialect: 'reseller',
            model: 'lite',
            motions: [{ ref: 'Dolly In', strength: 0.5, field: 'motion_id' }],
            prompt: '',
            enhancePrompt: false,
            images: [{ value: 'x', field: 'image[0]' }],
          });
        }
      }),
    );
    await finished;
    return TASKS / ((performance.now() - started) / 1000);
  } finally {
    await pool.stop(5000);
    if (queue instanceof BullmqTaskQueue) await queue.obliterate().catch(() => undefined);
    await adapters.close();
    if (config.store.kind === 'postgres') {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${tag}" CASCADE`);
      await client.end();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(
  `queue benchmark: ${TASKS} tasks × ${RUNS} runs, ${WORKERS} workers, ${SUBMITTERS} submitters; ` +
    `${availableParallelism()} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
const results: { name: string; rate?: number; note?: string }[] = [];
for (const combo of COMBOS) {
  const missing = (await Promise.all(combo.needs.map(reachable))).filter(
    (reason): reason is string => reason !== undefined,
  );
  if (missing.length > 0) {
    results.push({ name: combo.name, note: `skipped: ${missing.join('; ')}` });
    continue;
  }
  await runOnce({ ...combo }); // warm-up (connections, JIT, schema), not counted
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) rates.push(await runOnce(combo));
  results.push({ name: combo.name, rate: median(rates), note: `runs: ${rates.map((r) => r.toFixed(0)).join(', ')}` });
}
const baseline = results[0]?.rate;
console.log('');
console.log('| adapters | tasks/s (median) | vs embedded | |');
console.log('|---|---:|---:|---|');
for (const { name, rate, note } of results) {
  const ratio = rate !== undefined && baseline ? `${(rate / baseline).toFixed(2)}×` : '—';
  console.log(`| ${name} | ${rate === undefined ? '—' : rate.toFixed(0)} | ${ratio} | ${note ?? ''} |`);
}
process.exit(0);
