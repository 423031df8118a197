/**
 * The WebhookOutbox contract as one case suite, run by every outbox adapter (SQLite now,
 * PostgreSQL later):
 *
 *   runWebhookOutboxCases('sqlite', async () => ({ outbox, another, cleanup }), { skip: { 'case name': 'why' } });
 *
 * Times are passed to the port, never read from a clock, so no case sleeps. `another()`
 * opens a second handle on the same storage, as a second API node would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { WebhookOutbox } from '../../src/core/ports.js';
import { runCases, type SkipList } from './run-cases.js';

export interface WebhookOutboxFixture {
  /** An empty outbox, private to one case. */
  outbox: WebhookOutbox;
  /** A second handle on the same storage (another node); closed by `cleanup`. */
  another(): Promise<WebhookOutbox>;
  /** Closes every handle and removes the storage. */
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const LEASE = 60_000;

type Case = (fixture: WebhookOutboxFixture) => Promise<void>;

async function registerArmed(outbox: WebhookOutbox, taskId: string, at = T0): Promise<string> {
  const id = randomUUID();
  await outbox.register({
    id,
    taskId,
    url: `https://hooks.example.com/${taskId}`,
    createdAt: at,
    checkAt: at + 60_000,
  });
  assert.equal(await outbox.arm(taskId, at), true);
  return id;
}

export const WEBHOOK_OUTBOX_CASES: Record<string, Case> = {
  async 'register stores a waiting delivery that reads back field for field'({ outbox }) {
    await outbox.register({
      id: 'd1',
      taskId: 't1',
      url: 'https://hooks.example.com/x?a=1&b=2',
      createdAt: T0,
      checkAt: T0 + 5000,
    });
    assert.deepEqual(await outbox.getByTask('t1'), {
      id: 'd1',
      taskId: 't1',
      url: 'https://hooks.example.com/x?a=1&b=2',
      state: 'waiting',
      attempts: 0,
      nextAttemptAt: T0 + 5000,
      createdAt: T0,
    });
    assert.equal(await outbox.getByTask('t2'), undefined);
  },

  async 'register is idempotent per task: the first registration stays'({ outbox }) {
    await outbox.register({ id: 'd1', taskId: 't1', url: 'https://a.example/', createdAt: T0, checkAt: T0 });
    await outbox.register({ id: 'd2', taskId: 't1', url: 'https://b.example/', createdAt: T0 + 1, checkAt: T0 + 1 });
    const delivery = await outbox.getByTask('t1');
    assert.equal(delivery?.id, 'd1');
    assert.equal(delivery?.url, 'https://a.example/');
  },

  async 'arm makes a waiting delivery due once; arming again or an unknown task changes nothing'({ outbox }) {
    await outbox.register({ id: 'd1', taskId: 't1', url: 'https://a.example/', createdAt: T0, checkAt: T0 + 60_000 });
    assert.equal(await outbox.arm('t1', T0 + 10), true);
    let delivery = await outbox.getByTask('t1');
    assert.equal(delivery?.state, 'pending');
    assert.equal(delivery?.nextAttemptAt, T0 + 10);
    assert.equal(delivery?.armedAt, T0 + 10);
    assert.equal(await outbox.arm('t1', T0 + 20), false, 'armed already');
    delivery = await outbox.getByTask('t1');
    assert.equal(delivery?.armedAt, T0 + 10, 'the retry window keeps its start');
    assert.equal(await outbox.arm('unknown', T0), false);
  },

  async 'listWaiting returns waiting deliveries whose check is due, oldest check first; deferCheck moves it'({
    outbox,
  }) {
    await outbox.register({
      id: 'late',
      taskId: 't-late',
      url: 'https://a.example/',
      createdAt: T0,
      checkAt: T0 + 2000,
    });
    await outbox.register({
      id: 'early',
      taskId: 't-early',
      url: 'https://a.example/',
      createdAt: T0,
      checkAt: T0 + 1000,
    });
    await outbox.register({
      id: 'future',
      taskId: 't-future',
      url: 'https://a.example/',
      createdAt: T0,
      checkAt: T0 + 9000,
    });
    await outbox.register({ id: 'armed', taskId: 't-armed', url: 'https://a.example/', createdAt: T0, checkAt: T0 });
    await outbox.arm('t-armed', T0);
    assert.deepEqual(
      (await outbox.listWaiting(T0 + 5000, 10)).map((d) => d.id),
      ['early', 'late'],
    );
    assert.deepEqual(
      (await outbox.listWaiting(T0 + 5000, 1)).map((d) => d.id),
      ['early'],
    );
    await outbox.deferCheck('early', T0 + 8000);
    assert.deepEqual(
      (await outbox.listWaiting(T0 + 5000, 10)).map((d) => d.id),
      ['late'],
    );
    assert.deepEqual(
      (await outbox.listWaiting(T0 + 9000, 10)).map((d) => d.id),
      ['late', 'early', 'future'],
    );
  },

  async 'claim hands out due pending deliveries only, oldest due first, up to the limit'({ outbox }) {
    await outbox.register({ id: 'waiting', taskId: 't-w', url: 'https://a.example/', createdAt: T0, checkAt: T0 });
    await registerArmed(outbox, 't2', T0 + 2);
    await registerArmed(outbox, 't1', T0 + 1);
    await registerArmed(outbox, 't-future', T0 + 50_000);
    const claims = await outbox.claim(T0 + 10, LEASE, 1);
    assert.deepEqual(
      claims.map((c) => c.delivery.taskId),
      ['t1'],
    );
    assert.equal(claims[0]!.delivery.attempts, 1, 'a claim counts as an attempt started');
    assert.deepEqual(
      (await outbox.claim(T0 + 10, LEASE, 10)).map((c) => c.delivery.taskId),
      ['t2'],
    );
    assert.deepEqual(await outbox.claim(T0 + 10, LEASE, 10), [], 'nothing else is due');
  },

  async 'a claimed delivery is not handed out again before its lease ends, then it is (attempt 2)'({ outbox }) {
    await registerArmed(outbox, 't1');
    const [first] = await outbox.claim(T0, LEASE, 10);
    assert.ok(first);
    assert.deepEqual(await outbox.claim(T0 + LEASE - 1, LEASE, 10), []);
    const [second] = await outbox.claim(T0 + LEASE, LEASE, 10);
    assert.equal(second?.delivery.id, first.delivery.id);
    assert.equal(second?.delivery.attempts, 2);
    assert.notEqual(second?.token, first.token);
    assert.equal(
      await outbox.recordSuccess(first, { at: T0 + LEASE + 1, status: 200 }),
      false,
      'the expired claim is stale',
    );
    assert.equal((await outbox.getByTask('t1'))?.state, 'pending');
    assert.equal(await outbox.recordSuccess(second!, { at: T0 + LEASE + 2, status: 204 }), true);
  },

  async 'recordSuccess marks the delivery delivered, and it is never claimed again'({ outbox }) {
    await registerArmed(outbox, 't1');
    const [claim] = await outbox.claim(T0, LEASE, 10);
    assert.equal(await outbox.recordSuccess(claim!, { at: T0 + 5, status: 204 }), true);
    const delivery = await outbox.getByTask('t1');
    assert.equal(delivery?.state, 'delivered');
    assert.equal(delivery?.deliveredAt, T0 + 5);
    assert.equal(delivery?.lastStatus, 204);
    assert.deepEqual(await outbox.claim(T0 + 10 * LEASE, LEASE, 10), []);
    assert.equal(await outbox.recordSuccess(claim!, { at: T0 + 6, status: 200 }), false, 'once only');
  },

  async 'recordFailure with retryAt reschedules; without it the delivery fails for good'({ outbox }) {
    await registerArmed(outbox, 't1');
    const [claim] = await outbox.claim(T0, LEASE, 10);
    assert.equal(await outbox.recordFailure(claim!, { status: 503, error: 'HTTP 503', retryAt: T0 + 5000 }), true);
    let delivery = await outbox.getByTask('t1');
    assert.equal(delivery?.state, 'pending');
    assert.equal(delivery?.nextAttemptAt, T0 + 5000);
    assert.equal(delivery?.lastStatus, 503);
    assert.equal(delivery?.lastError, 'HTTP 503');
    assert.deepEqual(await outbox.claim(T0 + 4999, LEASE, 10), [], 'not before retryAt');
    const [again] = await outbox.claim(T0 + 5000, LEASE, 10);
    assert.equal(again?.delivery.attempts, 2);
    assert.equal(await outbox.recordFailure(again!, { error: 'connection refused' }), true);
    delivery = await outbox.getByTask('t1');
    assert.equal(delivery?.state, 'failed');
    assert.equal(delivery?.lastError, 'connection refused');
    assert.equal(Object.hasOwn(delivery!, 'lastStatus'), false, 'an attempt without a response clears the status');
    assert.deepEqual(await outbox.claim(T0 + 100 * LEASE, LEASE, 10), []);
  },

  async 'concurrent claims from two handles never hand out one delivery twice'({ outbox, another }) {
    const other = await another();
    for (let i = 0; i < 20; i++) await registerArmed(outbox, `t${i}`, T0 + i);
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? outbox : other).claim(T0 + 100, LEASE, 3)),
    );
    const ids = rounds.flat().map((c) => c.delivery.id);
    assert.equal(new Set(ids).size, ids.length, 'no delivery claimed twice');
    assert.equal(ids.length, 20, 'every due delivery was claimed by someone');
  },

  async 'prune removes finished deliveries created before the cutoff only'({ outbox }) {
    await registerArmed(outbox, 'done-old', T0);
    await registerArmed(outbox, 'failed-old', T0 + 1);
    await registerArmed(outbox, 'done-new', T0 + 10_000);
    await registerArmed(outbox, 'pending-old', T0 + 2);
    await outbox.register({ id: 'w', taskId: 'waiting-old', url: 'https://a.example/', createdAt: T0, checkAt: T0 });
    const claims = await outbox.claim(T0 + 20_000, LEASE, 10);
    for (const claim of claims) {
      if (claim.delivery.taskId === 'failed-old') await outbox.recordFailure(claim, { error: 'x' });
      else if (claim.delivery.taskId !== 'pending-old')
        await outbox.recordSuccess(claim, { at: T0 + 20_000, status: 200 });
    }
    assert.equal(await outbox.prune(T0 + 5000), 2);
    assert.equal(await outbox.getByTask('done-old'), undefined);
    assert.equal(await outbox.getByTask('failed-old'), undefined);
    for (const kept of ['done-new', 'pending-old', 'waiting-old']) assert.ok(await outbox.getByTask(kept), kept);
  },

  async 'delete removes a delivery; deleting an unknown id is a no-op'({ outbox }) {
    const id = await registerArmed(outbox, 't1');
    await outbox.delete(id);
    assert.equal(await outbox.getByTask('t1'), undefined);
    assert.deepEqual(await outbox.claim(T0, LEASE, 10), []);
    await outbox.delete(id);
  },
};

/**
 * Registers every WebhookOutbox case under `node:test`.
 * @param makeOutbox a fresh, empty outbox per case, with its cleanup.
 * @param options.skip case name → reason; a name that is not a case is an error.
 */
export function runWebhookOutboxCases(
  name: string,
  makeOutbox: () => Promise<WebhookOutboxFixture>,
  options: { skip?: SkipList } = {},
): void {
  runCases(`WebhookOutbox cases: ${name}`, WEBHOOK_OUTBOX_CASES, makeOutbox, options.skip);
}
