/**
 * The submit's storage: the inputs are written while the row is inserted, and the task is
 * claimable only once both are stored; an input that cannot be stored leaves no task, no
 * queued job and no input folder behind.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { FsMediaStore } from '../../src/adapters/fs/fs-media-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskQueue } from '../../src/adapters/sqlite/sqlite-task-queue.js';
import { SqliteTaskStore } from '../../src/adapters/sqlite/sqlite-task-store.js';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';
import type { Engine, MediaStore } from '../../src/core/ports.js';
import { TaskService, type SubmitRequest } from '../../src/core/task-service.js';
import { makeTestPng } from '../support/images.js';

const engine: Engine = {
  name: 'fake',
  canRender: () => ({ renderable: true }),
  render: () => Promise.reject(new Error('not in this test')),
};

const request: SubmitRequest = {
  ownerKeyId: 'key-a',
  dialect: 'reseller',
  model: 'lite',
  motions: [{ ref: 'Dolly In', strength: 1, field: 'motion_id' }],
  prompt: '',
  enhancePrompt: true,
  images: [
    { value: 'first', field: 'image[0]' },
    { value: 'second', field: 'image[1]' },
  ],
};

/** `fs` with its putBuffer replaced (`put` gets the real one). */
function withPut(
  fs: FsMediaStore,
  put: (
    real: MediaStore['putBuffer'],
    ...args: Parameters<MediaStore['putBuffer']>
  ) => ReturnType<MediaStore['putBuffer']>,
): MediaStore {
  return new Proxy(fs, {
    get(target, name) {
      if (name === 'putBuffer')
        return (...args: Parameters<MediaStore['putBuffer']>) => put(target.putBuffer.bind(target), ...args);
      const value = Reflect.get(target, name, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function setUp(t: TestContext, wrap: (media: FsMediaStore) => MediaStore = (m) => m) {
  const dir = await mkdtemp(join(tmpdir(), 'stillmotion-submit-'));
  const db = openSqliteDatabase(join(dir, 'db.sqlite'));
  t.after(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });
  const png = await makeTestPng(32, 32);
  const fs = new FsMediaStore(join(dir, 'media'));
  const store = new SqliteTaskStore(db);
  const queue = new SqliteTaskQueue(db);
  const service = new TaskService({
    store,
    queue,
    media: wrap(fs),
    engine,
    catalogue: MotionCatalogue.load(),
    loadImage: async () => ({ body: png, contentType: 'image/png', width: 32, height: 32 }),
  });
  const inputFolders = async () => readdir(join(dir, 'media', 'inputs')).catch(() => []);
  return { service, store, queue, fs, png, inputFolders };
}

describe('TaskService.submit storage', () => {
  it('stores every input and the task, then queues it', async (t) => {
    const { service, queue, fs, png } = await setUp(t);
    const task = await service.submit(request);
    assert.equal(task.params.images.length, 2);
    for (const image of task.params.images) {
      assert.deepEqual(await fs.read(image.mediaKey), png);
      assert.equal(image.bytes, png.length);
    }
    assert.equal((await service.get('key-a', task.id)).params.images[1]!.mediaKey, task.params.images[1]!.mediaKey);
    assert.equal(await queue.depth(), 1);
  });

  it('queues the task only once its inputs are stored', async (t) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { service, store, queue } = await setUp(t, (fs) =>
      withPut(fs, async (put, ...args) => {
        await gate;
        return put(...args);
      }),
    );
    const submitted = service.submit(request);
    // Long enough for the row's insert and its WAL flush to finish on their own.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await queue.depth(), 0, 'nothing to claim while the inputs are being written');
    release();
    const task = await submitted;
    assert.equal(await queue.depth(), 1);
    assert.equal((await store.get(task.id))?.status, 'queued');
  });

  it('leaves no task, job or input behind when an input cannot be stored', async (t) => {
    let puts = 0;
    const { service, store, queue, inputFolders } = await setUp(t, (fs) =>
      withPut(fs, async (put, ...args) => {
        // The first input lands; the second fails after the row went in.
        if (puts++ === 0) return put(...args);
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('disk full');
      }),
    );
    await assert.rejects(service.submit(request), /disk full/);
    assert.deepEqual(await store.listByOwner('key-a', { limit: 10 }), []);
    assert.equal(await queue.depth(), 0);
    assert.deepEqual(await inputFolders(), []);
  });

  it('cleans up after the slower inputs too when a faster one fails', async (t) => {
    let puts = 0;
    const { service, store, inputFolders } = await setUp(t, (fs) =>
      withPut(fs, async (put, ...args) => {
        // The first input fails at once; the second is still landing its file then.
        if (puts++ === 0) throw new Error('disk full');
        await new Promise((r) => setTimeout(r, 200));
        return put(...args);
      }),
    );
    await assert.rejects(service.submit(request), /disk full/);
    // Past the slower write's end: nothing of it may land after the cleanup.
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await store.listByOwner('key-a', { limit: 10 }), []);
    assert.deepEqual(await inputFolders(), []);
  });
});
