/**
 * Picks the persistence adapters from the configuration — the one place that does:
 *
 * - store: SQLite (embedded, default) or PostgreSQL (`STORE=postgres`, shared by every node);
 * - queue: embedded in the SQLite file (default, one process) or BullMQ on Redis
 *   (`QUEUE=bullmq`, any number of worker processes and API nodes);
 * - media: files under `MEDIA_DIR` (default `DATA_DIR/media`; shared storage for several machines),
 *   or an S3-compatible bucket (`MEDIA=s3`, what several machines share without a shared folder);
 * - webhook outbox: next to the tasks — the SQLite file of `DATA_DIR`, or the PostgreSQL
 *   database, where every API node claims from one table, so each webhook is sent by one
 *   node at a time whichever node took the request.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { MediaStore, ScratchSpace, TaskQueue, TaskStore, WebhookOutbox } from '../core/ports.js';
import { FsMediaStore } from './fs/fs-media-store.js';
import type { PgWebhookOutbox as PgOutbox } from './postgres/pg-webhook-outbox.js';
import type pg from 'pg';
import { openSqliteDatabase, type SqliteDatabase } from './sqlite/open-database.js';
import { SqliteTaskQueue } from './sqlite/sqlite-task-queue.js';
import { SqliteTaskStore } from './sqlite/sqlite-task-store.js';
import { SqliteWebhookOutbox } from './sqlite/sqlite-webhook-outbox.js';
import { clearScratch, clearScratchOfDeadProcesses, FolderScratch } from './scratch.js';
import { LanedTaskQueue } from './laned-task-queue.js';

export interface Adapters {
  store: TaskStore;
  queue: TaskQueue;
  media: MediaStore;
  /** The webhook outbox, opened on first use (API nodes only; render-only workers never open it). */
  webhookOutbox(): WebhookOutbox;
  /** Scratch folders for renders in this process. */
  scratch: ScratchSpace;
  /** True when other processes share the queue (BullMQ): no single-process recovery ran. */
  distributed: boolean;
  /** Closes queue, store and their connections. */
  close(): Promise<void>;
}

export interface CreateAdaptersOptions {
  /** Told about lost connections to the database or Redis (both reconnect by themselves). */
  onConnectionError?: (error: Error) => void;
}

export async function createAdapters(config: Config, options: CreateAdaptersOptions = {}): Promise<Adapters> {
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    let db: SqliteDatabase | undefined;
    const sqlite = (): SqliteDatabase => {
      if (!db) {
        const opened = openSqliteDatabase(join(config.dataDir, 'stillmotion.db'));
        db = opened;
        closers.push(() => {
          opened.close();
        });
      }
      return db;
    };

    // PostgreSQL and BullMQ are imported only where they are configured: on the embedded
    // defaults their modules (bullmq and ioredis ~160–240 ms of CPU, pg ~40) would only
    // slow every start.
    let store: TaskStore;
    let pgPool: pg.Pool | undefined;
    let PgWebhookOutbox: typeof PgOutbox | undefined;
    if (config.store.kind === 'postgres') {
      const [{ openPgPool }, { PgTaskStore }, outboxModule] = await Promise.all([
        import('./postgres/open-pool.js'),
        import('./postgres/pg-task-store.js'),
        import('./postgres/pg-webhook-outbox.js'),
      ]);
      PgWebhookOutbox = outboxModule.PgWebhookOutbox;
      const pool = await openPgPool(config.store.url, {
        ...(config.store.schema !== undefined && { schema: config.store.schema }),
        max: config.store.poolSize,
        ...(options.onConnectionError && { onIdleError: options.onConnectionError }),
      });
      closers.push(() => pool.end());
      pgPool = pool;
      store = new PgTaskStore(pool);
    } else {
      store = new SqliteTaskStore(sqlite());
    }
    closers.push(() => store.close());

    let queue: TaskQueue;
    let workRoot: string;
    // With a cloud engine configured, relayed tasks get a lane (queue) of their own.
    const laned = config.higgsfield !== undefined;
    if (config.queue.kind === 'bullmq') {
      const bullmq = config.queue;
      const { BullmqTaskQueue } = await import('./bullmq/bullmq-task-queue.js');
      const open = (queueName: string) =>
        BullmqTaskQueue.open({
          redisUrl: bullmq.redisUrl,
          queueName,
          prefix: bullmq.prefix,
          lockDurationMs: config.leaseMs,
          ...(options.onConnectionError && { onError: options.onConnectionError }),
        });
      const render = await open(bullmq.name);
      queue = render;
      if (laned) {
        const relay = await open(`${bullmq.name}-relay`).catch(async (error) => {
          await render.close();
          throw error;
        });
        queue = new LanedTaskQueue({ render, relay });
      }
      // Several worker processes may share DATA_DIR: each gets its own scratch folder, and
      // only folders of processes of this host that no longer run are cleared. A dead
      // worker's leases are not touched: BullMQ's stalled-job check returns its tasks.
      workRoot = join(config.dataDir, 'tmp', `${hostname()}-${process.pid}`);
      await clearScratchOfDeadProcesses(join(config.dataDir, 'tmp'), hostname());
    } else {
      const embedded = new SqliteTaskQueue(sqlite());
      const relay = new SqliteTaskQueue(sqlite(), { table: 'relay_jobs' });
      queue = laned ? new LanedTaskQueue({ render: embedded, relay }) : embedded;
      workRoot = join(config.dataDir, 'tmp');
      // Embedded mode is one process: every lease left in the file, and every scratch folder
      // left on disk, belongs to a process that died (crash, kill -9).
      embedded.recoverAfterRestart();
      relay.recoverAfterRestart();
      await clearScratch(workRoot);
    }
    closers.push(() => queue.close());

    let outbox: WebhookOutbox | undefined;
    const webhookOutbox = (): WebhookOutbox => {
      if (!outbox) {
        const opened = pgPool && PgWebhookOutbox ? new PgWebhookOutbox(pgPool) : new SqliteWebhookOutbox(sqlite());
        outbox = opened;
        // Before the database closes (closers run in reverse order).
        closers.push(() => opened.close());
      }
      return outbox;
    };

    const media = await mediaFromConfig(config);
    if (media.close) closers.push(() => media.close?.());

    return {
      store,
      queue,
      media,
      webhookOutbox,
      scratch: new FolderScratch(workRoot),
      distributed: config.queue.kind === 'bullmq',
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/**
 * The media store of the configuration: a folder, or an S3-compatible bucket. The AWS SDK
 * is imported only for the bucket (it takes a good half second to load).
 */
export async function mediaFromConfig(config: Config): Promise<MediaStore> {
  const m = config.media;
  if (m.kind === 'fs') return new FsMediaStore(config.mediaDir);
  const { S3MediaStore } = await import('./s3/s3-media-store.js');
  return new S3MediaStore({
    bucket: m.bucket,
    prefix: m.prefix,
    forcePathStyle: m.forcePathStyle,
    region: m.region,
    ...(m.endpoint !== undefined && { endpoint: m.endpoint }),
  });
}
