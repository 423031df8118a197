/**
 * The task runner on a fake clock: leases, heartbeat renewal, retries with backoff up to
 * the attempt limit, cancel mid-render, shutdown, and recovery of a task whose runner died.
 *
 * Real store and queue (SQLite in memory), a fake engine whose renders the test finishes
 * by hand, and node:test's mock timers for `setTimeout`, `setInterval` and `Date`: time
 * moves only when the test says so, and nothing here waits on the wall clock.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskQueue } from '../../src/adapters/sqlite/sqlite-task-queue.js';
import { SqliteTaskStore } from '../../src/adapters/sqlite/sqlite-task-store.js';
import { AppError } from '../../src/core/errors.js';
import type { Engine, MediaStore, RenderContext, RenderOutput, ScratchSpace } from '../../src/core/ports.js';
import { TaskRunner, type RenderOutcome } from '../../src/core/task-runner.js';
import type { MediaRef, Task } from '../../src/core/task.js';
import { makeTask } from '../cases/task-fixture.js';

const LEASE_MS = 3000;
const MAX_ATTEMPTS = 3;
const START = Date.UTC(2026, 0, 1);

/** One render the fake engine is running; the test ends it. */
interface RunningRender {
  taskId: string;
  context: RenderContext;
  finish(): void;
  fail(error: unknown): void;
}

/** An engine whose renders end only when the test says so (or on abort, like a real one). */
class HandEngine implements Engine {
  readonly name = 'hand';
  readonly renders: RunningRender[] = [];
  /** Each render fails at once with this, when set. */
  failWith: (() => unknown) | undefined;

  canRender() {
    return { renderable: true } as const;
  }

  render(job: { taskId: string }, context: RenderContext): Promise<RenderOutput> {
    return new Promise<RenderOutput>((resolve, reject) => {
      const output: RenderOutput = {
        raw: `${context.workDir}/raw.mp4`,
        min: `${context.workDir}/min.mp4`,
        poster: `${context.workDir}/poster.jpg`,
        resolved: { width: 64, height: 64, fps: 12, frames: 12, duration: 1 },
      };
      this.renders.push({ taskId: job.taskId, context, finish: () => resolve(output), fail: reject });
      if (this.failWith) reject(this.failWith());
      context.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }

  /** The renders started so far whose signal is still live. */
  get live(): RunningRender[] {
    return this.renders.filter((r) => !r.context.signal.aborted);
  }
}

/** Media in memory: enough for the runner to read inputs and store results. */
class MemoryMedia implements MediaStore {
  readonly keys = new Map<string, string>();
  async putFile(key: string, _filePath: string, contentType: string): Promise<MediaRef> {
    this.keys.set(key, contentType);
    return { key, contentType, bytes: 1 };
  }
  async putBuffer(key: string, data: Buffer, contentType: string): Promise<MediaRef> {
    this.keys.set(key, contentType);
    return { key, contentType, bytes: data.length };
  }
  async stat() {
    return undefined;
  }
  createReadStream(): never {
    throw new Error('not used');
  }
  async read(): Promise<Buffer> {
    return Buffer.from('image');
  }
  async deletePrefix(prefix: string): Promise<void> {
    for (const key of this.keys.keys()) if (key.startsWith(prefix)) this.keys.delete(key);
  }
}

/** Scratch folders as names only: which were handed out and which came back. */
class CountingScratch implements ScratchSpace {
  readonly live = new Set<string>();
  created = 0;
  async create(taskId: string): Promise<string> {
    const dir = `/scratch/${taskId}-${++this.created}`;
    this.live.add(dir);
    return dir;
  }
  async remove(dir: string): Promise<void> {
    this.live.delete(dir);
  }
}

/** Lets every pending promise chain run (store and queue are synchronous SQLite underneath). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Moves the fake clock by `ms` in small steps, letting the runner react after each. */
async function advance(ms: number, step = 100): Promise<void> {
  for (let moved = 0; moved < ms; moved += step) {
    mock.timers.tick(Math.min(step, ms - moved));
    await settle();
  }
}

let db: SqliteDatabase;
let store: SqliteTaskStore;
let queue: SqliteTaskQueue;
let engine: HandEngine;
let media: MemoryMedia;
let scratch: CountingScratch;
let outcomes: RenderOutcome[];
let terminal: Task[];
let runner: TaskRunner;

function makeRunner(over: Partial<ConstructorParameters<typeof TaskRunner>[0]> = {}): TaskRunner {
  return new TaskRunner({
    store,
    queue,
    media,
    engine,
    scratch,
    concurrency: 1,
    maxAttempts: MAX_ATTEMPTS,
    leaseMs: LEASE_MS,
    logger: { info() {}, warn() {}, error() {} },
    onRenderFinished: (outcome) => outcomes.push(outcome),
    onTerminal: (task) => terminal.push(task),
    now: () => Date.now(),
    ...over,
  });
}

async function submit(): Promise<Task> {
  const task = makeTask({ createdAt: Date.now(), updatedAt: Date.now() });
  await store.insert(task);
  await queue.enqueue(task.id);
  return task;
}

const statusOf = async (id: string) => (await store.get(id))?.status;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: START });
  db = openSqliteDatabase(':memory:');
  const now = () => Date.now();
  store = new SqliteTaskStore(db, { now });
  queue = new SqliteTaskQueue(db, { now });
  engine = new HandEngine();
  media = new MemoryMedia();
  scratch = new CountingScratch();
  outcomes = [];
  terminal = [];
  runner = makeRunner();
});

afterEach(async () => {
  const stopped = runner.stop(0);
  await advance(100);
  await stopped;
  await queue.close();
  db.close();
  mock.timers.reset();
});

describe('task runner', () => {
  it('renders a claimed task, stores its results and hands back its scratch folder', async () => {
    const task = await submit();
    runner.start();
    await settle();
    assert.equal(engine.renders.length, 1);
    assert.equal(await statusOf(task.id), 'in_progress');
    assert.equal(scratch.live.size, 1, 'the render runs in a scratch folder');

    engine.renders[0]!.finish();
    await settle();
    const done = await store.get(task.id);
    assert.equal(done?.status, 'completed');
    assert.equal(done?.attempts, 1);
    assert.equal(done?.resolved?.engine, 'hand');
    assert.ok(done?.results && media.keys.has(done.results.raw.key) && media.keys.has(done.results.poster.key));
    assert.equal(await queue.contains(task.id), false, 'a finished task leaves the queue');
    assert.equal(scratch.live.size, 0, 'the scratch folder is removed');
    assert.deepEqual(outcomes, ['completed']);
    assert.deepEqual(
      terminal.map((t) => t.status),
      ['completed'],
    );
  });

  it('keeps its lease alive by heartbeat while a render runs longer than the lease', async () => {
    const task = await submit();
    runner.start();
    await settle();
    await advance(5 * LEASE_MS);
    // Without renewal the lease would have run out four times over and a second runner
    // would have started the same task again.
    assert.equal(await queue.claim('another-runner', LEASE_MS), undefined);
    assert.equal(engine.live.length, 1, 'the render is still running');
    engine.renders[0]!.finish();
    await settle();
    assert.equal(await statusOf(task.id), 'completed');
  });

  it('retries a failed render with growing backoff and fails it after the last attempt', async () => {
    engine.failWith = () => new AppError('render_failed', 'ffmpeg fell over');
    const task = await submit();
    runner.start();
    await settle();
    assert.equal(engine.renders.length, 1);
    const afterFirst = await store.get(task.id);
    assert.equal(afterFirst?.status, 'queued', 'a retryable failure puts the task back');
    assert.equal(afterFirst?.error?.code, 'render_failed', 'with the error kept for the client');

    // Default backoff: 2 s after the first attempt, 4 s after the second.
    await advance(1900);
    assert.equal(engine.renders.length, 1, 'not retried before its backoff');
    await advance(200);
    assert.equal(engine.renders.length, 2, 'retried once the backoff is over');

    // The second attempt failed somewhere in the last 200 ms: its 4 s run out within the
    // 400 ms after the next 3.7 s.
    await advance(3700);
    assert.equal(engine.renders.length, 2, 'the second backoff is longer');
    await advance(400);
    assert.equal(engine.renders.length, 3);

    const failed = await store.get(task.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.attempts, MAX_ATTEMPTS);
    assert.equal(failed?.error?.code, 'render_failed');
    await advance(120_000, 1000);
    assert.equal(engine.renders.length, MAX_ATTEMPTS, 'no attempt after the last');
    assert.deepEqual(outcomes, ['retried', 'retried', 'failed']);
    assert.deepEqual(
      terminal.map((t) => t.status),
      ['failed'],
    );
    assert.equal(scratch.live.size, 0, 'every attempt handed its folder back');
  });

  it('uses the configured backoff', async () => {
    runner = makeRunner({ retryDelayMs: (attempt) => attempt * 10_000 });
    engine.failWith = () => new AppError('render_failed', 'boom');
    await submit();
    runner.start();
    await settle();
    await advance(9_900);
    assert.equal(engine.renders.length, 1);
    await advance(200);
    assert.equal(engine.renders.length, 2);
  });

  it('fails at once on an error that retrying cannot fix', async () => {
    engine.failWith = () => new AppError('image_invalid', 'not an image');
    const task = await submit();
    runner.start();
    await settle();
    await advance(120_000, 1000);
    assert.equal(engine.renders.length, 1);
    const failed = await store.get(task.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.code, 'image_invalid');
  });

  it('stops a running render when its task is canceled, and never finishes it', async () => {
    const task = await submit();
    runner.start();
    await settle();
    const [render] = engine.renders;
    // What TaskService.cancel does for a running task.
    await store.update(task.id, { status: 'canceled', finishedAt: Date.now() }, ['in_progress']);
    await advance(1000);
    assert.equal(render!.context.signal.aborted, true, 'the engine is told to stop');
    await settle();
    assert.equal(await statusOf(task.id), 'canceled');
    assert.equal(await queue.contains(task.id), false);
    assert.deepEqual(outcomes, ['canceled']);
    assert.equal(scratch.live.size, 0);
    await advance(60_000, 1000);
    assert.equal(engine.renders.length, 1, 'a canceled task is not rendered again');
  });

  it('takes over a task whose runner died once that lease runs out', async () => {
    const task = await submit();
    // A runner in another (now dead) process claimed it and started, then stopped beating.
    const dead = await queue.claim('dead-runner', LEASE_MS);
    assert.ok(dead);
    await store.update(task.id, { status: 'in_progress', attempts: 1 }, ['queued']);
    runner.start();
    await settle();
    assert.equal(engine.renders.length, 0, 'the lease still holds');
    await advance(LEASE_MS + 1000);
    assert.equal(engine.renders.length, 1, 'claimed again after the lease ran out');
    assert.equal((await store.get(task.id))?.attempts, 2);
    engine.renders[0]!.finish();
    await settle();
    assert.equal(await statusOf(task.id), 'completed');
    // The dead runner's lease is gone: it can neither renew nor finish the task.
    assert.equal(await queue.extend(dead, LEASE_MS), false);
  });

  it('gives a task up after its runner died on every attempt', async () => {
    const task = await submit();
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      assert.ok(await queue.claim(`dead-${i}`, LEASE_MS));
      await advance(LEASE_MS + 100, 500);
    }
    runner.start();
    await settle();
    assert.equal(engine.renders.length, 0, 'not rendered a fourth time');
    const failed = await store.get(task.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.code, 'attempts_exhausted');
    assert.equal(await queue.contains(task.id), false);
  });

  it('abandons a render whose lease another runner took', async () => {
    const task = await submit();
    runner.start();
    await settle();
    const [render] = engine.renders;
    // The queue lost this runner's claim (a long pause); another runner holds the task now.
    db.prepare('UPDATE queue_jobs SET worker_id = ? WHERE task_id = ?').run('other-runner', task.id);
    await advance(1000);
    assert.equal(render!.context.signal.aborted, true);
    await settle();
    assert.equal(await statusOf(task.id), 'in_progress', "the other runner's task is left alone");
    assert.equal(await queue.contains(task.id), true);
    assert.deepEqual(outcomes, []);
  });

  it('on shutdown, gives running renders their grace, then puts their tasks back', async () => {
    const task = await submit();
    runner.start();
    await settle();
    const [render] = engine.renders;
    const stopped = runner.stop(5000);
    await advance(4900);
    assert.equal(render!.context.signal.aborted, false, 'within the grace period');
    await advance(200);
    await stopped;
    assert.equal(render!.context.signal.aborted, true);
    assert.equal(await statusOf(task.id), 'queued');
    assert.ok(await queue.claim('next-start', LEASE_MS), 'claimable at once by the next start');
    assert.deepEqual(outcomes, ['requeued']);
  });
});
