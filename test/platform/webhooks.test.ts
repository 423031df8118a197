/**
 * Webhooks end to end: the real app, real renders, a loopback receiver (127.0.0.1 only,
 * ALLOW_PRIVATE_URLS=true). Retry timings are shortened through buildApp's seams, and a
 * restart is simulated by closing the app and building a new one on the same DATA_DIR.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, postJson, startTestServer, waitForTask, type TestServer } from '../support/in-process.js';
import { readDelivery, waitForDelivery } from './support/outbox-probe.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const SMALL = { width: 64, height: 64, duration: 2, fps: 12 };
const PLATFORM_A = {
  'hf-api-key': 'key-a',
  'hf-secret': 'secret-aaaaaaaaaaaaaaaa',
  'content-type': 'application/json',
};
const FAST = { retry: { delaysMs: [100], windowMs: 60_000 }, pollMs: 25 };

function signingSecret(dataDir: string): string {
  return readFileSync(join(dataDir, 'webhook-signing-secret'), 'utf8').trim();
}

function verify(dataDir: string, request: { body: string; headers: Record<string, unknown> }): unknown {
  return new Webhook(signingSecret(dataDir)).verify(request.body, request.headers as Record<string, string>);
}

describe('webhooks', () => {
  let server: TestServer;
  let receiver: Receiver;
  let image: string;
  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ ALLOW_PRIVATE_URLS: 'true' }, { app: { webhooks: FAST } });
    image = await makeTestDataUri(96, 64);
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  it('v1: POSTs the JobSet with X-Webhook-Secret-Key, signed per Standard Webhooks', async () => {
    const url = `${receiver.origin}/hook/v1`;
    const submit = await postJson(
      `${server.baseUrl}/v1/image2video/dop`,
      {
        params: {
          model: 'dop-lite',
          prompt: 'slow push in',
          input_images: [{ type: 'image_url', image_url: image }],
          ...SMALL,
        },
        webhook: { url, secret: 'caller-secret-1' },
      },
      PLATFORM_A,
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const [hook] = await receiver.waitFor(1, { prefix: '/hook/v1' });
    assert.ok(hook);
    assert.equal(hook.method, 'POST');
    assert.equal(hook.headers['content-type'], 'application/json');
    assert.equal(hook.headers['x-webhook-secret-key'], 'caller-secret-1');
    assert.match(String(hook.headers['webhook-id']), /^msg_[0-9a-f-]{36}$/);
    const verified = verify(server.dataDir, hook) as any;
    assert.equal(verified.id, submit.body.id, 'the body is the JobSet');
    assert.equal(verified.jobs[0].status, 'completed');
    assert.match(verified.jobs[0].results.raw.url, /^http:\/\/127\.0\.0\.1:\d+\/media\/results\//);
    assert.equal(verified.input_params.model, 'dop-lite');
    assert.throws(
      () => verify(server.dataDir, { ...hook, body: hook.body.replace('completed', 'failed') }),
      'a changed body fails',
    );
    const delivery = await waitForDelivery(server.dataDir, submit.body.id, (d) => d.state === 'delivered');
    assert.equal(delivery.attempts, 1);
  });

  it('v2: POSTs the request object to hf_webhook; reseller: the feed job-set to callback_url', async () => {
    const v2 = await postJson(
      `${server.baseUrl}/higgsfield-ai/dop/lite?hf_webhook=${encodeURIComponent(`${receiver.origin}/hook/v2?x=1`)}`,
      { image_url: image, prompt: '', motion_id: 'Dolly Out', ...SMALL },
      { authorization: `Key ${KEY_A}`, 'content-type': 'application/json' },
    );
    assert.equal(v2.status, 200, JSON.stringify(v2.body));
    const reseller = await postJson(
      `${server.baseUrl}/higgsfield/generate`,
      {
        model: 'lite',
        motion_id: 'Dolly In',
        prompt: '',
        image: [image],
        ...SMALL,
        callback_url: `${receiver.origin}/hook/reseller`,
      },
      bearer(KEY_A),
    );
    assert.equal(reseller.status, 200, JSON.stringify(reseller.body));

    const [v2Hook] = await receiver.waitFor(1, { prefix: '/hook/v2' });
    assert.equal(v2Hook!.path, '/hook/v2?x=1', 'the query string is kept');
    const v2Body = verify(server.dataDir, v2Hook!) as any;
    assert.equal(v2Body.request_id, v2.body.request_id);
    assert.equal(v2Body.status, 'completed');
    assert.equal(v2Body.status_url, `${server.baseUrl}/requests/${v2.body.request_id}/status`);
    assert.match(v2Body.video.url, /\.mp4$/);
    assert.equal(v2Hook!.headers['x-webhook-secret-key'], undefined, 'v2 has no caller secret');

    const [resellerHook] = await receiver.waitFor(1, { prefix: '/hook/reseller' });
    const feed = verify(server.dataDir, resellerHook!) as any;
    assert.equal(feed.id, reseller.body.id);
    assert.equal(feed.status, 'completed');
    assert.deepEqual(feed.jobs[0].result, feed.jobs[0].results);
    assert.equal(typeof feed.created_at, 'number');
  });

  it('a receiver that fails twice gets the third delivery, same webhook-id each time', async () => {
    receiver.answer('/hook/flaky', [500, 503, 204]);
    const submit = await postJson(
      `${server.baseUrl}/higgsfield/generate`,
      {
        model: 'lite',
        motion_id: 'Static',
        prompt: '',
        image: [image],
        ...SMALL,
        callback_url: `${receiver.origin}/hook/flaky`,
      },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200);
    const hooks = await receiver.waitFor(3, { prefix: '/hook/flaky' });
    const delivery = await waitForDelivery(server.dataDir, submit.body.id, (d) => d.state === 'delivered');
    assert.equal(delivery.attempts, 3);
    assert.equal(delivery.lastStatus, 204);
    assert.equal(new Set(hooks.map((h) => h.headers['webhook-id'])).size, 1, 'one message, retried');
    for (const hook of hooks) assert.equal((verify(server.dataDir, hook) as any).id, submit.body.id);
    assert.ok(hooks[1]!.at - hooks[0]!.at >= 90, 'the retry waited for its backoff');
    // Nothing after the 2xx: the row is delivered, and a delivered row is never claimed
    // again (webhook-outbox.case.ts proves that of every outbox); the three requests the
    // receiver saw are all the attempts the outbox made.
    assert.equal(delivery.state, 'delivered');
    assert.equal(
      receiver.requests.filter((r) => r.path === '/hook/flaky').length,
      delivery.attempts,
      'nothing after the 2xx',
    );
  });

  it('a redirect is a failed attempt and is never followed', async () => {
    receiver.answer('/hook/redirect', [302]);
    const submit = await postJson(
      `${server.baseUrl}/higgsfield/generate`,
      {
        model: 'lite',
        motion_id: 'Static',
        prompt: '',
        image: [image],
        ...SMALL,
        callback_url: `${receiver.origin}/hook/redirect`,
      },
      bearer(KEY_A),
    );
    await receiver.waitFor(2, { prefix: '/hook/redirect' });
    const delivery = await readDelivery(server.dataDir, submit.body.id);
    assert.equal(delivery?.state, 'pending', 'still retrying, not delivered');
    assert.equal(delivery?.lastStatus, 302);
    assert.match(delivery?.lastError ?? '', /redirects are not followed/);
    assert.equal(
      receiver.requests.filter((r) => r.path === '/elsewhere').length,
      0,
      'the Location was never requested',
    );
    receiver.answer('/hook/redirect', [200]);
    await waitForDelivery(server.dataDir, submit.body.id, (d) => d.state === 'delivered');
  });

  it('canceling a queued task sends the canceled state', async () => {
    // A task behind others in the one-worker queue is still queued when the cancel lands.
    const blockers = await Promise.all(
      [0, 1].map(() =>
        postJson(
          `${server.baseUrl}/higgsfield/generate`,
          { model: 'lite', motion_id: 'Static', prompt: '', image: [image], ...SMALL },
          bearer(KEY_A),
        ),
      ),
    );
    const v2 = await postJson(
      `${server.baseUrl}/higgsfield-ai/dop/lite?hf_webhook=${encodeURIComponent(`${receiver.origin}/hook/canceled`)}`,
      { image_url: image, ...SMALL },
      { authorization: `Key ${KEY_A}`, 'content-type': 'application/json' },
    );
    const cancel = await fetch(`${server.baseUrl}/requests/${v2.body.request_id}/cancel`, {
      method: 'POST',
      headers: { authorization: `Key ${KEY_A}` },
    });
    assert.equal(cancel.status, 202);
    const [hook] = await receiver.waitFor(1, { prefix: '/hook/canceled' });
    const body = verify(server.dataDir, hook!) as any;
    assert.equal(body.status, 'canceled');
    assert.equal(body.request_id, v2.body.request_id);
    for (const b of blockers) await waitForTask(server.baseUrl, b.body.id, KEY_A);
  });
});

describe('webhooks across a restart', () => {
  it('an attempt that failed before the restart is retried by the next process; nothing is lost', async () => {
    const receiver = await startReceiver();
    receiver.answer('/hook/restart', [500]);
    const dataDir = mkdtempSync(join(tmpdir(), 'stillmotion-restart-'));
    try {
      const env = { ALLOW_PRIVATE_URLS: 'true' };
      // First life: the next attempt is a minute away when the process goes down.
      const first = await startTestServer(env, {
        dataDir,
        app: { webhooks: { retry: { delaysMs: [60_000], windowMs: 7_200_000 }, pollMs: 25 } },
      });
      const image = await makeTestDataUri(96, 64);
      const submit = await postJson(
        `${first.baseUrl}/higgsfield/generate`,
        {
          model: 'lite',
          motion_id: 'Static',
          prompt: '',
          image: [image],
          ...SMALL,
          callback_url: `${receiver.origin}/hook/restart`,
        },
        bearer(KEY_A),
      );
      assert.equal(submit.status, 200);
      await receiver.waitFor(1, { prefix: '/hook/restart' });
      const failed = await waitForDelivery(dataDir, submit.body.id, (d) => d.lastStatus === 500);
      assert.equal(failed.state, 'pending');
      assert.ok(failed.nextAttemptAt - Date.now() > 30_000, 'the retry is far away');
      await first.close();

      // Second life, its clock 61 s later: the persisted retry is due and goes out.
      receiver.answer('/hook/restart', [200]);
      const second = await startTestServer(env, {
        dataDir,
        app: { webhooks: { now: () => Date.now() + 61_000, pollMs: 25 } },
      });
      try {
        const hooks = await receiver.waitFor(2, { prefix: '/hook/restart' });
        assert.equal(hooks[1]!.headers['webhook-id'], hooks[0]!.headers['webhook-id']);
        assert.equal((verify(dataDir, hooks[1]!) as any).id, submit.body.id);
        const delivered = await waitForDelivery(dataDir, submit.body.id, (d) => d.state === 'delivered');
        assert.equal(delivered.attempts, 2);
      } finally {
        await second.close();
      }
    } finally {
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('webhook URLs are checked at submit', () => {
  let server: TestServer;
  let image: string;
  before(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    image = await makeTestDataUri(64, 64);
  });
  after(async () => server.close());

  it('refuses private addresses, other schemes and credentials, naming the field of each dialect', async () => {
    const v1 = await postJson(
      `${server.baseUrl}/v1/image2video/dop`,
      {
        params: { model: 'dop-lite', prompt: '', input_images: [{ type: 'image_url', image_url: image }] },
        webhook: { url: 'http://127.0.0.1:9/x', secret: 's' },
      },
      PLATFORM_A,
    );
    assert.equal(v1.status, 422);
    assert.deepEqual(v1.body.detail[0].loc, ['body', 'webhook', 'url']);
    assert.match(v1.body.detail[0].msg, /non-public address/);

    const v2 = await postJson(
      `${server.baseUrl}/higgsfield-ai/dop/lite?hf_webhook=${encodeURIComponent('http://[::ffff:10.0.0.1]/x')}`,
      { image_url: image },
      { authorization: `Key ${KEY_A}`, 'content-type': 'application/json' },
    );
    assert.equal(v2.status, 422);
    assert.match(v2.body.detail[0].msg, /^hf_webhook: /);

    for (const [url, pattern] of [
      ['ftp://hooks.example.com/x', /only http and https/],
      ['http://localhost:8080/x', /non-public host/],
      ['https://user:pw@hooks.example.com/x', /credentials/],
      ['not a url', /not a valid URL/],
    ] as const) {
      const reseller = await postJson(
        `${server.baseUrl}/higgsfield/generate`,
        { model: 'lite', motion_id: 'Static', prompt: '', image: [image], callback_url: url },
        bearer(KEY_A),
      );
      assert.equal(reseller.status, 400, url);
      assert.equal(reseller.body.error.param, 'callback_url');
      assert.match(reseller.body.error.message, pattern);
    }
    const listed = (await fetch(`${server.baseUrl}/higgsfield/tasks`, { headers: bearer(KEY_A) }).then((r) =>
      r.json(),
    )) as { tasks: unknown[] };
    assert.deepEqual(listed.tasks, [], 'no refused submit created a task');
  });
});
