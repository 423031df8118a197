/**
 * The TaskStore contract as one case suite. Every store adapter (SQLite now, PostgreSQL
 * later) runs it from its own test file:
 *
 *   runTaskStoreCases('sqlite', async () => ({ store, cleanup }), { skip: { 'case name': 'why' } });
 *
 * Cases use only the port, and fixed timestamps rather than the clock, so a backend
 * whose `updatedAt` comes from its own clock runs them unchanged.
 */
import assert from 'node:assert/strict';
import { isAppError } from '../../src/core/errors.js';
import type { TaskStore } from '../../src/core/ports.js';
import { TASK_STATUSES, type Task } from '../../src/core/task.js';
import { runCases, type SkipList } from './run-cases.js';
import { makeFullTask, makeTask } from './task-fixture.js';

export interface TaskStoreFixture {
  /** A store over empty storage, private to one case. */
  store: TaskStore;
  /** Closes the store and removes its storage. */
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;

type Case = (fixture: TaskStoreFixture) => Promise<void>;

export const TASK_STORE_CASES: Record<string, Case> = {
  async 'insert then get returns every field unchanged'({ store }) {
    const task = makeFullTask();
    await store.insert(task);
    assert.deepEqual(await store.get(task.id), task);
  },

  async 'a task with only required fields reads back without optional keys'({ store }) {
    const task = makeTask();
    await store.insert(task);
    const read = await store.get(task.id);
    assert.deepEqual(read, task);
    // Not merely undefined-valued: a dialect that renders `key in task` must see nothing.
    for (const key of [
      'resolved',
      'results',
      'error',
      'webhook',
      'idempotencyKey',
      'requestFingerprint',
      'upstream',
      'startedAt',
      'finishedAt',
    ]) {
      assert.equal(Object.hasOwn(read!, key), false, `${key} should be absent`);
    }
  },

  async 'get of an unknown id is undefined'({ store }) {
    assert.equal(await store.get('no-such-task'), undefined);
  },

  async 'inserting an id twice is refused as a conflict and keeps the first'({ store }) {
    const first = makeTask();
    await store.insert(first);
    await assert.rejects(
      store.insert({ ...first, ownerKeyId: 'key-b' }),
      (error) =>
        isAppError(error) && error.code === 'conflict' && error.field === undefined && error.message.includes(first.id),
      'an id taken twice is not mistaken for a reused Idempotency-Key',
    );
    assert.equal((await store.get(first.id))?.ownerKeyId, 'key-a');
  },

  async 'update applies the patch, bumps updatedAt and leaves the rest alone'({ store }) {
    const task = makeTask();
    await store.insert(task);
    const updated = await store.update(task.id, {
      status: 'in_progress',
      progress: 0.5,
      attempts: 1,
      startedAt: T0 + 10,
    });
    assert.ok(updated);
    assert.equal(updated.status, 'in_progress');
    assert.equal(updated.progress, 0.5);
    assert.equal(updated.attempts, 1);
    assert.equal(updated.startedAt, T0 + 10);
    assert.ok(updated.updatedAt > task.updatedAt, 'updatedAt moves forward');
    assert.deepEqual(updated.params, task.params);
    assert.equal(updated.createdAt, task.createdAt);
    assert.deepEqual(await store.get(task.id), updated, 'the returned task is what is stored');
  },

  async 'update stores results, resolved and error as given'({ store }) {
    const full = makeFullTask();
    const task = makeTask({ id: full.id, status: 'in_progress' });
    await store.insert(task);
    const patch = {
      status: 'completed' as const,
      results: full.results!,
      resolved: full.resolved!,
      error: full.error!,
      finishedAt: T0 + 99,
    };
    const updated = await store.update(task.id, patch, ['in_progress']);
    assert.deepEqual(updated?.results, full.results);
    assert.deepEqual(updated?.resolved, full.resolved);
    assert.deepEqual(updated?.error, full.error);
    assert.equal(updated?.finishedAt, T0 + 99);
  },

  async 'the upstream request is stored durably, replaced, read back and cleared'({ store }) {
    const task = makeTask({ status: 'in_progress', startedAt: T0 });
    await store.insert(task);
    const intent = {
      engine: 'higgsfield',
      state: 'submitting' as const,
      endpoint: '/higgsfield-ai/dop/lite',
      submittedAt: T0 + 1,
    };
    assert.deepEqual((await store.update(task.id, { upstream: intent }, ['in_progress']))?.upstream, intent);
    const accepted = { ...intent, state: 'accepted' as const, requestId: '9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f' };
    await store.update(task.id, { upstream: accepted }, ['in_progress']);
    // Another reader (a worker taking the task over) sees the accepted request id.
    assert.deepEqual((await store.get(task.id))?.upstream, accepted);
    assert.equal(
      await store.update(task.id, { upstream: intent }, ['queued']),
      undefined,
      'the guard applies to upstream too',
    );
    const cleared = await store.update(task.id, { upstream: undefined });
    assert.equal(Object.hasOwn(cleared!, 'upstream'), false);
  },

  async 'a patch key set to undefined clears that optional field'({ store }) {
    const task = makeTask({ status: 'in_progress', error: { code: 'render_failed', message: 'boom' }, startedAt: T0 });
    await store.insert(task);
    const updated = await store.update(task.id, { status: 'queued', error: undefined, startedAt: undefined });
    assert.ok(updated);
    assert.equal(Object.hasOwn(updated, 'error'), false);
    assert.equal(Object.hasOwn(updated, 'startedAt'), false);
    assert.equal(updated.status, 'queued');
  },

  async 'update with a status guard refuses a task in another state'({ store }) {
    const task = makeTask({ status: 'completed', finishedAt: T0 });
    await store.insert(task);
    assert.equal(await store.update(task.id, { status: 'canceled' }, ['queued', 'in_progress']), undefined);
    assert.equal(await store.update(task.id, { progress: 1 }, []), undefined, 'an empty guard matches nothing');
    assert.deepEqual(await store.get(task.id), task, 'a refused update changes nothing, not even updatedAt');
  },

  async 'update of an unknown id is undefined'({ store }) {
    assert.equal(await store.update('no-such-task', { progress: 1 }), undefined);
    assert.equal(await store.update('no-such-task', { progress: 1 }, ['queued']), undefined);
  },

  async 'of concurrent guarded transitions of one task exactly one wins'({ store }) {
    const task = makeTask();
    await store.insert(task);
    // A worker starting the task races a user canceling it, plus more workers for good measure.
    const attempts = [
      store.update(task.id, { status: 'canceled', finishedAt: T0 }, ['queued']),
      ...Array.from({ length: 8 }, () => store.update(task.id, { status: 'in_progress', startedAt: T0 }, ['queued'])),
    ];
    const outcomes = await Promise.all(attempts);
    const winners = outcomes.filter((outcome): outcome is Task => outcome !== undefined);
    assert.equal(winners.length, 1, 'exactly one transition applies');
    assert.equal((await store.get(task.id))?.status, winners[0]!.status);
  },

  async "listByOwner returns only that owner's tasks, newest first"({ store }) {
    const mine = [0, 1, 2].map((i) => makeTask({ ownerKeyId: 'key-a', createdAt: T0 + i * 1000 }));
    const theirs = makeTask({ ownerKeyId: 'key-b', createdAt: T0 + 5000 });
    for (const task of [mine[1]!, theirs, mine[0]!, mine[2]!]) await store.insert(task);
    const listed = await store.listByOwner('key-a', { limit: 10 });
    assert.deepEqual(
      listed.map((t) => t.id),
      [mine[2]!.id, mine[1]!.id, mine[0]!.id],
    );
    assert.deepEqual(
      (await store.listByOwner('key-b', { limit: 10 })).map((t) => t.id),
      [theirs.id],
    );
    assert.deepEqual(await store.listByOwner('key-c', { limit: 10 }), []);
  },

  async 'listByOwner pages with limit and before'({ store }) {
    const tasks = Array.from({ length: 5 }, (_, i) => makeTask({ createdAt: T0 + i * 1000 }));
    for (const task of tasks) await store.insert(task);
    const page1 = await store.listByOwner('key-a', { limit: 2 });
    assert.deepEqual(
      page1.map((t) => t.createdAt),
      [T0 + 4000, T0 + 3000],
    );
    const page2 = await store.listByOwner('key-a', { limit: 2, before: page1.at(-1)!.createdAt });
    assert.deepEqual(
      page2.map((t) => t.createdAt),
      [T0 + 2000, T0 + 1000],
    );
    const page3 = await store.listByOwner('key-a', { limit: 2, before: page2.at(-1)!.createdAt });
    assert.deepEqual(
      page3.map((t) => t.createdAt),
      [T0],
    );
    assert.deepEqual(await store.listByOwner('key-a', { limit: 2, before: T0 }), [], '`before` is exclusive');
  },

  async "findByIdempotencyKey finds the owner's task within the window only"({ store }) {
    const task = makeTask({ idempotencyKey: 'k1', createdAt: T0 });
    const other = makeTask({ ownerKeyId: 'key-b', idempotencyKey: 'k1', createdAt: T0 });
    await store.insert(task);
    await store.insert(other);
    assert.equal((await store.findByIdempotencyKey('key-a', 'k1', T0 - 60_000))?.id, task.id);
    assert.equal((await store.findByIdempotencyKey('key-a', 'k1', T0))?.id, task.id, 'the window includes `since`');
    assert.equal(await store.findByIdempotencyKey('key-a', 'k1', T0 + 1), undefined, 'older than the window');
    assert.equal(await store.findByIdempotencyKey('key-a', 'k2', T0 - 60_000), undefined);
    assert.equal((await store.findByIdempotencyKey('key-b', 'k1', T0 - 60_000))?.id, other.id, 'keys are per owner');
    assert.equal(await store.findByIdempotencyKey('key-c', 'k1', T0 - 60_000), undefined);
  },

  async "an owner's Idempotency-Key is held by one task: a second insert is a conflict naming it"({ store }) {
    const first = makeTask({ idempotencyKey: 'k', createdAt: T0 });
    await store.insert(first);
    await assert.rejects(
      store.insert(makeTask({ idempotencyKey: 'k', createdAt: T0 + 1000 })),
      (error) => isAppError(error) && error.code === 'conflict' && error.field === 'Idempotency-Key',
    );
    await store.insert(makeTask({ ownerKeyId: 'key-b', idempotencyKey: 'k' }));
    await store.insert(makeTask({ idempotencyKey: 'other' }));
    assert.equal((await store.findByIdempotencyKey('key-a', 'k', 0))?.id, first.id);
  },

  async 'releaseIdempotencyKey frees the key of tasks created before the cutoff only'({ store }) {
    const old = makeTask({ idempotencyKey: 'k', createdAt: T0 });
    await store.insert(old);
    await store.releaseIdempotencyKey('key-a', 'k', T0);
    assert.equal((await store.findByIdempotencyKey('key-a', 'k', 0))?.id, old.id, '`before` is exclusive');
    await store.releaseIdempotencyKey('key-b', 'k', T0 + 1);
    assert.equal((await store.findByIdempotencyKey('key-a', 'k', 0))?.id, old.id, 'per owner');
    await store.releaseIdempotencyKey('key-a', 'k', T0 + 1);
    assert.equal(await store.findByIdempotencyKey('key-a', 'k', 0), undefined);
    assert.equal(
      Object.hasOwn((await store.get(old.id))!, 'idempotencyKey'),
      false,
      'the old task stays, without its key',
    );
    const recent = makeTask({ idempotencyKey: 'k', createdAt: T0 + 1000 });
    await store.insert(recent);
    assert.equal((await store.findByIdempotencyKey('key-a', 'k', 0))?.id, recent.id);
  },

  async 'listFinishedBefore returns terminal tasks finished before the cutoff, oldest first'({ store }) {
    const finished = (['completed', 'failed', 'nsfw', 'canceled'] as const).map((status, i) =>
      makeTask({ status, finishedAt: T0 + (4 - i) * 1000 }),
    );
    const late = makeTask({ status: 'completed', finishedAt: T0 + 10_000 });
    const running = makeTask({ status: 'in_progress' });
    const queued = makeTask();
    for (const task of [...finished, late, running, queued]) await store.insert(task);
    const listed = await store.listFinishedBefore(T0 + 5000, 10);
    assert.deepEqual(
      listed.map((t) => t.finishedAt),
      [T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000],
    );
    assert.deepEqual(
      (await store.listFinishedBefore(T0 + 5000, 2)).map((t) => t.finishedAt),
      [T0 + 1000, T0 + 2000],
    );
    assert.deepEqual(await store.listFinishedBefore(T0 + 1000, 10), [], '`before` is exclusive');
  },

  async 'listQueuedBefore returns queued tasks created before the cutoff, oldest first'({ store }) {
    const queued = [2, 0, 1].map((i) => makeTask({ createdAt: T0 + i * 1000 }));
    const fresh = makeTask({ createdAt: T0 + 9000 });
    const running = makeTask({ status: 'in_progress', createdAt: T0 });
    const done = makeTask({ status: 'completed', createdAt: T0, finishedAt: T0 });
    for (const task of [...queued, fresh, running, done]) await store.insert(task);
    const listed = await store.listQueuedBefore(T0 + 5000, 10);
    assert.deepEqual(
      listed.map((t) => t.createdAt),
      [T0, T0 + 1000, T0 + 2000],
    );
    assert.equal((await store.listQueuedBefore(T0 + 5000, 1))[0]?.createdAt, T0);
  },

  async 'listInProgressNotUpdatedSince returns running tasks not written since the cutoff, oldest first'({ store }) {
    const running = [2, 0, 1].map((i) => makeTask({ status: 'in_progress', updatedAt: T0 + i * 1000 }));
    const fresh = makeTask({ status: 'in_progress', updatedAt: T0 + 9000 });
    const queued = makeTask({ updatedAt: T0 });
    const done = makeTask({ status: 'completed', updatedAt: T0, finishedAt: T0 });
    for (const task of [...running, fresh, queued, done]) await store.insert(task);
    const listed = await store.listInProgressNotUpdatedSince(T0 + 5000, 10);
    assert.deepEqual(
      listed.map((t) => t.updatedAt),
      [T0, T0 + 1000, T0 + 2000],
    );
    assert.equal((await store.listInProgressNotUpdatedSince(T0 + 5000, 1))[0]?.updatedAt, T0);
    assert.deepEqual(await store.listInProgressNotUpdatedSince(T0, 10), [], '`before` is exclusive');
  },

  async 'countByStatus counts every status, zero included'({ store }) {
    const empty = await store.countByStatus();
    assert.deepEqual(empty, Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])));
    for (const status of ['queued', 'queued', 'in_progress', 'failed'] as const)
      await store.insert(makeTask({ status }));
    assert.deepEqual(await store.countByStatus(), {
      queued: 2,
      in_progress: 1,
      completed: 0,
      failed: 1,
      nsfw: 0,
      canceled: 0,
    });
  },

  async 'delete removes the task, and deleting an unknown id is a no-op'({ store }) {
    const task = makeTask({ idempotencyKey: 'k' });
    await store.insert(task);
    await store.delete(task.id);
    assert.equal(await store.get(task.id), undefined);
    assert.equal(await store.findByIdempotencyKey('key-a', 'k', 0), undefined);
    assert.deepEqual(await store.listByOwner('key-a', { limit: 10 }), []);
    await store.delete(task.id);
  },

  async 'ping resolves on a working store'({ store }) {
    await assert.doesNotReject(store.ping());
  },
};

/**
 * Registers every TaskStore case under `node:test`.
 * @param makeStore a fresh, empty store per case, with its cleanup.
 * @param options.skip case name → reason; a name that is not a case is an error.
 */
export function runTaskStoreCases(
  name: string,
  makeStore: () => Promise<TaskStoreFixture>,
  options: { skip?: SkipList } = {},
): void {
  runCases(`TaskStore cases: ${name}`, TASK_STORE_CASES, makeStore, options.skip);
}
