/**
 * The dispatcher's own promises, with a real SQLite store and outbox, a fake sender and a
 * manual clock: the reconciler arms what a crash left unarmed, drops registrations whose
 * task never got stored, and the retry schedule ends at the window. Plus the sender's
 * SSRF guard on a real socket.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqliteDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteTaskStore } from '../../src/adapters/sqlite/sqlite-task-store.js';
import { SqliteWebhookOutbox } from '../../src/adapters/sqlite/sqlite-webhook-outbox.js';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt } from '../../src/webhooks/retry-schedule.js';
import { signWebhook } from '../../src/webhooks/signing.js';
import { webhookPayload } from '../../src/http/dialects/index.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { createWebhookSender, type SendResult } from '../../src/webhooks/webhook-sender.js';
import { ManualClock } from '../cases/manual-clock.js';
import { makeTask } from '../cases/task-fixture.js';
import { startReceiver } from './support/receiver.js';

const quiet = { info() {}, warn() {}, error() {} };
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

async function setup(answers: SendResult[] = [{ ok: true, status: 200 }]) {
  const dir = await mkdtemp(join(tmpdir(), 'stillmotion-dispatch-'));
  const db = openSqliteDatabase(join(dir, 'db.sqlite'));
  const store = new SqliteTaskStore(db);
  const outbox = new SqliteWebhookOutbox(db);
  const clock = new ManualClock();
  const sent: { url: string; body: string; headers: Record<string, string> }[] = [];
  const script = [...answers];
  const dispatcher = new WebhookDispatcher({
    outbox,
    store,
    send: async (url, body, headers) => {
      sent.push({ url, body, headers });
      return script.length > 1 ? script.shift()! : script[0]!;
    },
    renderPayload: webhookPayload,
    signingSecret: SECRET,
    fallbackBaseUrl: 'http://fallback.example',
    logger: quiet,
    now: clock.now,
  });
  return {
    store,
    outbox,
    clock,
    sent,
    dispatcher,
    async cleanup() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('webhook dispatcher', () => {
  it('the reconciler arms the delivery of a task that finished while nobody armed it (a crash)', async () => {
    const t = await setup();
    try {
      const task = makeTask({
        dialect: 'v2',
        webhook: { url: 'https://hooks.example.com/a', baseUrl: 'https://motion.example' },
      });
      await t.outbox.register({
        id: 'd1',
        taskId: task.id,
        url: task.webhook!.url,
        createdAt: t.clock.now(),
        checkAt: t.clock.now() + 60_000,
      });
      await t.store.insert(task);
      // The worker finished the task, then the process died before arming.
      await t.store.update(task.id, {
        status: 'failed',
        error: { code: 'render_failed', message: 'boom' },
        finishedAt: t.clock.now(),
      });
      assert.equal(await t.dispatcher.dispatchDue(), 0, 'nothing is due: nobody armed it');
      assert.equal(await t.dispatcher.reconcile(), 0, 'the first check is not due yet');
      t.clock.advance(60_000);
      assert.equal(await t.dispatcher.reconcile(), 1);
      assert.equal(await t.dispatcher.dispatchDue(), 1);
      assert.equal(t.sent.length, 1);
      const body = JSON.parse(t.sent[0]!.body);
      assert.deepEqual(
        { status: body.status, request_id: body.request_id, error: body.error, status_url: body.status_url },
        {
          status: 'failed',
          request_id: task.id,
          error: 'boom',
          status_url: `https://motion.example/requests/${task.id}/status`,
        },
      );
      const headers = t.sent[0]!.headers;
      assert.equal(headers['webhook-id'], 'msg_d1');
      assert.equal(headers['webhook-timestamp'], String(Math.floor(t.clock.now() / 1000)));
      assert.equal(
        headers['webhook-signature'],
        signWebhook(SECRET, 'msg_d1', Math.floor(t.clock.now() / 1000), t.sent[0]!.body),
      );
      assert.equal((await t.outbox.getByTask(task.id))?.state, 'delivered');
    } finally {
      await t.cleanup();
    }
  });

  it('the reconciler re-checks running tasks later and drops registrations whose task never got stored', async () => {
    const t = await setup();
    try {
      const running = makeTask({ status: 'in_progress', webhook: { url: 'https://hooks.example.com/r' } });
      await t.store.insert(running);
      await t.outbox.register({
        id: 'run',
        taskId: running.id,
        url: 'https://hooks.example.com/r',
        createdAt: t.clock.now(),
        checkAt: t.clock.now(),
      });
      await t.outbox.register({
        id: 'orphan',
        taskId: 'never-stored',
        url: 'https://hooks.example.com/o',
        createdAt: t.clock.now(),
        checkAt: t.clock.now(),
      });
      await t.dispatcher.reconcile();
      assert.equal(
        (await t.outbox.getByTask('never-stored'))?.state,
        'waiting',
        'young: the insert may still be on its way',
      );
      const deferred = await t.outbox.getByTask(running.id);
      assert.equal(deferred?.state, 'waiting');
      assert.ok(deferred!.nextAttemptAt >= t.clock.now() + 30_000, 'looked at again later, not every round');
      t.clock.advance(11 * 60_000);
      await t.dispatcher.reconcile();
      assert.equal(await t.outbox.getByTask('never-stored'), undefined, 'dropped after the grace period');
      assert.equal((await t.outbox.getByTask(running.id))?.state, 'waiting', 'kept while its task runs');
    } finally {
      await t.cleanup();
    }
  });

  it('retries on the schedule until the window ends, then gives up', async () => {
    const t = await setup([{ ok: false, status: 500, error: 'HTTP 500' }]);
    try {
      const task = makeTask({ status: 'completed', webhook: { url: 'https://hooks.example.com/x' } });
      await t.store.insert(task);
      await t.outbox.register({
        id: 'd',
        taskId: task.id,
        url: 'https://hooks.example.com/x',
        createdAt: t.clock.now(),
        checkAt: t.clock.now(),
      });
      t.dispatcher.notifyTerminal(task);
      await t.dispatcher.stop(); // settles the arm without starting the loop
      const start = t.clock.now();
      const attemptTimes: number[] = [];
      for (let i = 0; i < 50; i++) {
        const delivery = await t.outbox.getByTask(task.id);
        if (delivery?.state !== 'pending') break;
        t.clock.advance(Math.max(0, delivery.nextAttemptAt - t.clock.now()));
        attemptTimes.push(t.clock.now() - start);
        assert.equal(await t.dispatcher.dispatchDue(), 1);
      }
      const final = await t.outbox.getByTask(task.id);
      assert.equal(final?.state, 'failed');
      assert.equal(final?.lastStatus, 500);
      assert.equal(attemptTimes.length, 10);
      assert.equal(
        attemptTimes.at(-1),
        DEFAULT_RETRY_SCHEDULE.windowMs,
        'the last attempt is at the end of the 2 h window',
      );
      assert.deepEqual(attemptTimes.slice(0, 4), [0, 5_000, 35_000, 155_000]);
      assert.equal(t.sent.length, 10);
    } finally {
      await t.cleanup();
    }
  });

  it('a delivery whose task is gone is dropped, not sent', async () => {
    const t = await setup();
    try {
      await t.outbox.register({
        id: 'd',
        taskId: 'gone',
        url: 'https://hooks.example.com/x',
        createdAt: t.clock.now(),
        checkAt: t.clock.now(),
      });
      await t.outbox.arm('gone', t.clock.now());
      assert.equal(await t.dispatcher.dispatchDue(), 1);
      assert.equal(t.sent.length, 0);
      assert.equal(await t.outbox.getByTask('gone'), undefined);
    } finally {
      await t.cleanup();
    }
  });
});

describe('retry schedule', () => {
  it('never schedules past the window and gives up at its end', () => {
    const s = { delaysMs: [1000, 5000], windowMs: 12_000 };
    assert.equal(nextAttemptAt(s, 0, 1, 0), 1000);
    assert.equal(nextAttemptAt(s, 0, 2, 1000), 6000);
    assert.equal(nextAttemptAt(s, 0, 7, 6000), 11_000, 'the last delay repeats');
    assert.equal(nextAttemptAt(s, 0, 8, 11_000), 12_000, 'clamped to the window');
    assert.equal(nextAttemptAt(s, 0, 9, 12_000), undefined);
  });
});

describe('webhook sender', () => {
  it('refuses loopback receivers unless private URLs are allowed, and never follows a redirect', async () => {
    const receiver = await startReceiver();
    receiver.answer('/hook/r', [307]);
    const guarded = createWebhookSender({ allowPrivate: false, timeoutMs: 2000 });
    const open = createWebhookSender({ allowPrivate: true, timeoutMs: 2000 });
    // A name that resolves to loopback: refused at connect time, after the URL check passed.
    const sneaky = createWebhookSender({
      allowPrivate: false,
      timeoutMs: 2000,
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    try {
      const refused = await guarded.send(`${receiver.origin}/hook/ok`, '{}', { 'content-type': 'application/json' });
      assert.equal(refused.ok, false);
      assert.match(refused.error ?? '', /non-public address/);
      const port = new URL(receiver.origin).port;
      const resolved = await sneaky.send(`http://hooks.example.com:${port}/hook/ok`, '{}', {});
      assert.equal(resolved.ok, false);
      assert.match(resolved.error ?? '', /non-public address \(127\.0\.0\.1\)/);
      assert.equal(receiver.requests.length, 0, 'no request reached the receiver');

      assert.deepEqual(
        await open.send(`${receiver.origin}/hook/ok`, '{"a":1}', { 'content-type': 'application/json' }),
        { ok: true, status: 200 },
      );
      const redirected = await open.send(`${receiver.origin}/hook/r`, '{}', {});
      assert.equal(redirected.ok, false);
      assert.equal(redirected.status, 307);
      assert.deepEqual(
        receiver.requests.map((r) => r.path),
        ['/hook/ok', '/hook/r'],
      );
    } finally {
      await Promise.all([guarded.close(), open.close(), sneaky.close(), receiver.close()]);
    }
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const port = (silent.address() as { port: number }).port;
    const sender = createWebhookSender({ allowPrivate: true, timeoutMs: 300 });
    try {
      const started = Date.now();
      const result = await sender.send(`http://127.0.0.1:${port}/`, '{}', {});
      assert.equal(result.ok, false);
      assert.match(result.error ?? '', /no answer within 300 ms/);
      assert.ok(Date.now() - started < 3000);
    } finally {
      silent.closeAllConnections();
      silent.close();
      await sender.close();
    }
  });
});
