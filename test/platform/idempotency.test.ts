/**
 * Idempotency-Key on every submit: the same key and request within 24 h returns the first
 * task (never a second one, also when the retries race), the same key with another
 * request is a 409 naming the header; keys are per API key; the window is 24 h.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FsMediaStore } from '../../src/adapters/fs/fs-media-store.js';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskQueue } from '../../src/adapters/sqlite/sqlite-task-queue.js';
import { SqliteTaskStore } from '../../src/adapters/sqlite/sqlite-task-store.js';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';
import type { Engine } from '../../src/core/ports.js';
import { IDEMPOTENCY_WINDOW_MS, TaskService, type SubmitRequest } from '../../src/core/task-service.js';
import { ManualClock } from '../cases/manual-clock.js';
import { makeTestDataUri, makeTestPng } from '../support/images.js';
import { KEY_A, KEY_B, bearer, startTestServer, type TestServer } from '../support/in-process.js';

const PLATFORM = (key: string) => ({ authorization: `Key ${key}`, 'content-type': 'application/json' });

describe('Idempotency-Key over HTTP', () => {
  let server: TestServer;
  let image: string;
  before(async () => {
    // No workers: tasks stay queued, which is all these cases need.
    server = await startTestServer({ WORKER_CONCURRENCY: '0' }, { listen: false });
    image = await makeTestDataUri(64, 64);
  });
  after(async () => server.close());

  const dialects = {
    reseller: {
      url: () => `/higgsfield/generate`,
      body: (seed: number) => ({ model: 'lite', motion_id: 'Dolly In', prompt: 'push', seed, image: [image] }),
      headers: bearer,
      id: (body: any) => body.id as string,
    },
    v1: {
      url: () => `/v1/image2video/dop`,
      body: (seed: number) => ({
        params: { model: 'dop-lite', prompt: 'push', seed, input_images: [{ type: 'image_url', image_url: image }] },
      }),
      headers: PLATFORM,
      id: (body: any) => body.id as string,
    },
    v2: {
      url: () => `/higgsfield-ai/dop/lite`,
      body: (seed: number) => ({ image_url: image, prompt: 'push', seed }),
      headers: PLATFORM,
      id: (body: any) => body.request_id as string,
    },
  };

  async function taskCount(key: string): Promise<number> {
    const { body } = await server.get(`/higgsfield/tasks?limit=100`, bearer(key));
    return body.tasks.length;
  }

  for (const [name, d] of Object.entries(dialects)) {
    it(`${name}: the same key and body return the first task; another body is a 409 naming Idempotency-Key`, async () => {
      const before = await taskCount(KEY_A);
      const key = `idem-${name}-${Date.now()}`;
      const headers = { ...d.headers(KEY_A), 'idempotency-key': key };
      const first = await server.post(d.url(), d.body(7), headers);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      // Same request with its JSON keys in another order and other whitespace: still the same.
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(d.body(7)).reverse()), null, 2);
      const again = await server.post(d.url(), reordered, headers);
      assert.equal(again.status, 200);
      assert.equal(d.id(again.body), d.id(first.body));
      assert.equal(await taskCount(KEY_A), before + 1, 'one task only');

      const different = await server.post(d.url(), d.body(8), headers);
      assert.equal(different.status, 409, JSON.stringify(different.body));
      const message = name === 'reseller' ? different.body.error.message : different.body.detail;
      assert.match(message, /^Idempotency-Key: /);
      if (name === 'reseller') assert.equal(different.body.error.param, 'Idempotency-Key');
      assert.equal(await taskCount(KEY_A), before + 1, 'the refused request created nothing');

      const otherOwner = await server.post(d.url(), d.body(7), { ...d.headers(KEY_B), 'idempotency-key': key });
      assert.equal(otherOwner.status, 200);
      assert.notEqual(d.id(otherOwner.body), d.id(first.body), 'keys are per API key');
    });
  }

  it('a key used on one dialect is refused on another (a different request)', async () => {
    const key = `idem-cross-${Date.now()}`;
    const first = await server.post(dialects.reseller.url(), dialects.reseller.body(3), {
      ...bearer(KEY_A),
      'idempotency-key': key,
    });
    assert.equal(first.status, 200);
    const v2 = await server.post(dialects.v2.url(), dialects.v2.body(3), {
      ...PLATFORM(KEY_A),
      'idempotency-key': key,
    });
    assert.equal(v2.status, 409);
  });

  it('racing retries with one key create one task', async () => {
    const before = await taskCount(KEY_A);
    const key = `idem-race-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        server.post(dialects.v1.url(), dialects.v1.body(11), { ...PLATFORM(KEY_A), 'idempotency-key': key }),
      ),
    );
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(new Set(answers.map((a) => a.body.id)).size, 1);
    assert.equal(await taskCount(KEY_A), before + 1);
  });

  it('a refused submit (4xx) creates nothing, so an SDK re-sending it is harmless', async () => {
    const before = await taskCount(KEY_A);
    for (let i = 0; i < 3; i++) {
      const bad = await server.post(
        dialects.v2.url(),
        { image_url: image, motion_id: 'No Such Move' },
        PLATFORM(KEY_A),
      );
      assert.equal(bad.status, 400);
    }
    assert.equal(await taskCount(KEY_A), before);
  });
});

describe('Idempotency-Key window (TaskService with a manual clock)', () => {
  it('returns the first task within 24 h and creates a new one after', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'stillmotion-idem-'));
    const db = openSqliteDatabase(join(dir, 'db.sqlite'));
    t.after(async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    });
    const clock = new ManualClock();
    const png = await makeTestPng(32, 32);
    const engine: Engine = {
      name: 'fake',
      canRender: () => ({ renderable: true }),
      render: () => Promise.reject(new Error('not in this test')),
    };
    const makeService = () =>
      new TaskService({
        store: new SqliteTaskStore(db, { now: clock.now }),
        queue: new SqliteTaskQueue(db, { now: clock.now }),
        media: new FsMediaStore(join(dir, 'media')),
        engine,
        catalogue: MotionCatalogue.load(),
        loadImage: async () => ({ body: png, contentType: 'image/png', width: 32, height: 32 }),
        now: clock.now,
      });
    const service = makeService();
    const request: SubmitRequest = {
      ownerKeyId: 'key-a',
      dialect: 'reseller',
      model: 'lite',
      motions: [{ ref: 'Dolly In', strength: 1, field: 'motion_id' }],
      prompt: '',
      enhancePrompt: true,
      images: [{ value: 'data:image/png;base64,AAAA', field: 'image[0]' }],
      idempotencyKey: 'k',
    };
    const first = await service.submit(request);
    clock.advance(IDEMPOTENCY_WINDOW_MS - 1);
    assert.equal((await service.submit(request)).id, first.id, 'inside the window');
    await assert.rejects(service.submit({ ...request, prompt: 'other' }), /Idempotency-Key/);
    clock.advance(2);
    const later = await service.submit({ ...request, prompt: 'other' });
    assert.notEqual(later.id, first.id, 'after 24 h the key starts over');
    assert.equal((await service.submit({ ...request, prompt: 'other' })).id, later.id);
    assert.equal((await service.get('key-a', first.id)).idempotencyKey, undefined, 'the first task let go of the key');

    // Two nodes (two services, no shared in-process lock) racing with one new key: the
    // store's unique key lets one insert, and the other answers with that task.
    const [a, b] = await Promise.all([
      makeService().submit({ ...request, idempotencyKey: 'race' }),
      makeService().submit({ ...request, idempotencyKey: 'race' }),
    ]);
    assert.equal(a.id, b.id);
    assert.equal((await service.list('key-a', 100, undefined)).length, 3);
  });
});
