/**
 * Redis restarts and loses everything (a private redis-server with persistence off, the
 * worst case): a task being rendered, tasks queued before, and one submitted while Redis
 * is down are all rendered once it is back — the store keeps them and the reconciler
 * re-enqueues them (queued ones at once, the running one once nobody wrote it for ten leases).
 * Only this test's own Redis on a loopback port is stopped; the shared one is untouched.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson, waitForTask } from '../support/in-process.js';
import { makeDeployment, startWorkerProcess, type NodeProcess } from '../support/distributed.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { postgresSkipReason } from '../support/services.js';
import { freePort, redisServerMissing, startRedis } from '../support/redis-server.js';

const skipReason = (await postgresSkipReason()) ?? redisServerMissing();

describe('distributed mode: Redis restarts and loses the queue', { skip: skipReason ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-redis-'));
  const running: (NodeProcess | ServerProcess)[] = [];
  let redis: ChildProcess | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  after(async () => {
    for (const node of running) await node.stop('SIGKILL').catch(() => undefined);
    await cleanup?.();
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a task being rendered, queued tasks and one submitted during the outage are all rendered after the restart', {
    timeout: 240_000,
  }, async () => {
    const port = await freePort();
    redis = await startRedis(port, dir);
    // Short leases so that "not written for ten leases" comes quickly (30 s).
    const deployment = makeDeployment({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RECONCILE_INTERVAL_MS: '1000',
      LEASE_MS: '3000',
    });
    cleanup = () => deployment.cleanup();
    const api = await startServerProcess({ ...deployment.env, WORKERS: '0' });
    running.push(api);

    const submit = async (body: Record<string, unknown>) => {
      const res = await postJson(`${api.baseUrl}/higgsfield/generate`, body, bearer(KEY_A));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const small = await makeTestDataUri(160, 90);
    const quick = () =>
      submit({
        model: 'lite',
        motion_id: 'Dolly In',
        prompt: '',
        image: [small],
        width: 160,
        height: 90,
        duration: 2,
        fps: 12,
      });
    // One worker: it takes the long task first, the quick ones wait in Redis behind it.
    const worker = await startWorkerProcess({ ...deployment.env, WORKERS: '1' });
    running.push(worker);
    const long = await submit({
      model: 'standard',
      motion_id: 'Crash Zoom In',
      prompt: '',
      image: [await makeTestDataUri(640, 360)],
      width: 640,
      height: 360,
      duration: 10,
      fps: 30,
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const feed = await getJson(`${api.baseUrl}/higgsfield/feed/${long}`, bearer(KEY_A));
      if (feed.body.jobs[0].status === 'in_progress') break;
      assert.ok(Date.now() < deadline, 'the long render never started');
      await sleep(100);
    }
    const ids = [long, await quick(), await quick(), await quick()];

    redis.kill('SIGKILL');
    await once(redis, 'exit');
    // Redis is down: the API still accepts (the task is in PostgreSQL; enqueue fails fast).
    ids.push(await quick());

    redis = await startRedis(port, dir);
    const second = await startWorkerProcess({ ...deployment.env, WORKERS: '1' });
    running.push(second);
    for (const id of ids) {
      const done = await waitForTask(api.baseUrl, id, KEY_A, 180_000);
      assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    }
  });
});
