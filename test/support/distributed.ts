/**
 * A private distributed deployment for one test: its own PostgreSQL schema, its own
 * BullMQ queue name and prefix, shared media and data folders, and helpers to run API
 * nodes and worker processes on it the way an operator would (`npm start`, `npm run worker`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BullmqTaskQueue } from '../../src/adapters/bullmq/bullmq-task-queue.js';
import { KEY_A } from './in-process.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, dropSchema, uniqueName } from './services.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Deployment {
  /** Environment every node of this deployment shares. */
  env: Record<string, string>;
  schema: string;
  cleanup(): Promise<void>;
}

export function makeDeployment(overrides: Record<string, string> = {}): Deployment {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-cluster-'));
  const schema = uniqueName('sm_cluster');
  const env = {
    STORE: 'postgres',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    QUEUE: 'bullmq',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_NAME: uniqueName('tasks'),
    QUEUE_PREFIX: uniqueName('smscale'),
    DATA_DIR: join(dir, 'data'),
    MEDIA_DIR: join(dir, 'shared-media'),
    API_KEYS: KEY_A,
    LOG_LEVEL: 'info',
    ...overrides,
  };
  return {
    env,
    schema,
    async cleanup() {
      await dropSchema(schema).catch(() => undefined);
      const queue = await withTimeout(
        BullmqTaskQueue.open({
          redisUrl: env.REDIS_URL,
          queueName: env.QUEUE_NAME,
          prefix: env.QUEUE_PREFIX,
          stalledCheck: false,
        }),
        5000,
      ).catch(() => undefined);
      await queue?.obliterate().catch(() => undefined);
      await queue?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface NodeProcess {
  child: ChildProcess;
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `npm run worker` as a child process; resolves once it logged that it is ready. */
export async function startWorkerProcess(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker-main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('stillmotion worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    log: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
