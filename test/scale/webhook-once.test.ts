/**
 * Webhooks with several API nodes: three API nodes (WORKERS=0) share the PostgreSQL
 * outbox and all run a dispatcher; a separate worker renders the tasks and arms their
 * deliveries. Each task's terminal state reaches the receiver exactly once.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { openPgPool } from '../../src/adapters/postgres/open-pool.js';
import { PgWebhookOutbox } from '../../src/adapters/postgres/pg-webhook-outbox.js';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, postJson, waitForTask } from '../support/in-process.js';
import { makeDeployment, startWorkerProcess, type NodeProcess } from '../support/distributed.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { postgresSkipReason, redisSkipReason } from '../support/services.js';

const skipReason = (await postgresSkipReason()) ?? (await redisSkipReason());

describe('distributed mode: webhooks with several API nodes', { skip: skipReason ?? false }, () => {
  const deployment = makeDeployment({ ALLOW_PRIVATE_URLS: 'true' });
  const running: (NodeProcess | ServerProcess)[] = [];
  const hooks: { path: string; headers: IncomingHttpHeaders; body: any }[] = [];
  const arrived = new EventEmitter();
  const receiver = Object.assign(
    createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        hooks.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
        res.writeHead(204).end();
        arrived.emit('hook');
      });
    }),
    {
      /** Resolves once `n` hooks have arrived (on arrival, not by polling). */
      got: (n: number, timeoutMs: number) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (hooks.length < n) return;
            clearTimeout(timer);
            arrived.off('hook', check);
            resolve();
          };
          const timer = setTimeout(() => {
            arrived.off('hook', check);
            reject(new Error(`only ${hooks.length} of ${n} webhooks arrived`));
          }, timeoutMs);
          arrived.on('hook', check);
          check();
        }),
    },
  );
  after(async () => {
    for (const node of running) await node.stop('SIGKILL').catch(() => undefined);
    receiver.close();
    await deployment.cleanup();
  });

  it("each task's webhook is posted once, whichever node took the request", { timeout: 120_000 }, async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const nodes: ServerProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const node = await startServerProcess({ ...deployment.env, WORKERS: '0' });
      running.push(node);
      nodes.push(node);
    }
    running.push(await startWorkerProcess({ ...deployment.env, WORKERS: '2' }));

    const image = await makeTestDataUri(160, 90);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const node = nodes[i % nodes.length]!;
      const res = await postJson(
        `${node.baseUrl}/higgsfield/generate`,
        {
          model: 'lite',
          motion_id: 'Dolly In',
          prompt: '',
          image: [image],
          width: 160,
          height: 90,
          duration: 2,
          fps: 12,
          callback_url: `${origin}/hook/${i}`,
        },
        bearer(KEY_A),
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    for (const id of ids)
      assert.equal((await waitForTask(nodes[0]!.baseUrl, id, KEY_A, 90_000)).jobs[0].status, 'completed');

    await receiver.got(ids.length, 30_000);
    // A duplicate would come from two dispatchers taking one delivery: each take counts an
    // attempt, so every row delivered after exactly one attempt means no second POST is
    // coming (a delivered row is never taken again; webhook-outbox.case.ts proves that).
    // This asks the outbox instead of waiting for a duplicate that may not show.
    const pool = await openPgPool(deployment.env.DATABASE_URL!, { schema: deployment.schema });
    try {
      const outbox = new PgWebhookOutbox(pool);
      for (const id of ids) {
        // The receiver has the POST before the dispatcher marks its row (it marks on the
        // response), so a row may still read pending for a moment: wait for it to settle.
        let delivery = await outbox.getByTask(id);
        for (const settleBy = Date.now() + 10_000; delivery?.state === 'pending' && Date.now() < settleBy; ) {
          await new Promise((r) => setTimeout(r, 50));
          delivery = await outbox.getByTask(id);
        }
        assert.equal(delivery?.state, 'delivered', `${id}: ${JSON.stringify(delivery)}`);
        assert.equal(delivery?.attempts, 1, `${id}: taken more than once`);
      }
    } finally {
      await pool.end();
    }
    assert.deepEqual(hooks.map((h) => h.body.id).sort(), [...ids].sort(), 'one POST per task, none twice');
    for (const hook of hooks) assert.equal(hook.body.jobs[0].status, 'completed');
    assert.equal(new Set(hooks.map((h) => h.headers['webhook-id'])).size, ids.length);
  });
});
