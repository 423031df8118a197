/**
 * A worker process told to stop (SIGTERM, as an orchestrator does) finishes the render it
 * holds, records it, and exits 0; it takes no new work meanwhile.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson } from '../support/in-process.js';
import { makeDeployment, startWorkerProcess, type NodeProcess } from '../support/distributed.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { postgresSkipReason, redisSkipReason } from '../support/services.js';

const skipReason = (await postgresSkipReason()) ?? (await redisSkipReason());

describe('distributed mode: a worker stopped with SIGTERM', { skip: skipReason ?? false }, () => {
  const deployment = makeDeployment();
  const running: (NodeProcess | ServerProcess)[] = [];
  after(async () => {
    for (const node of running) await node.stop('SIGKILL').catch(() => undefined);
    await deployment.cleanup();
  });

  it('finishes its render, exits 0, and leaves the next task queued', { timeout: 120_000 }, async () => {
    const api = await startServerProcess({ ...deployment.env, WORKERS: '0' });
    running.push(api);
    const worker = await startWorkerProcess({ ...deployment.env, WORKERS: '1' });
    running.push(worker);
    const image = await makeTestDataUri(320, 180);
    const body = {
      model: 'lite',
      motion_id: 'Dolly In',
      prompt: '',
      image: [image],
      width: 320,
      height: 180,
      duration: 8,
      fps: 24,
    };
    const first = (await postJson(`${api.baseUrl}/higgsfield/generate`, body, bearer(KEY_A))).body.id as string;
    const deadline = Date.now() + 60_000;
    while (
      (await getJson(`${api.baseUrl}/higgsfield/feed/${first}`, bearer(KEY_A))).body.jobs[0].status !== 'in_progress'
    ) {
      assert.ok(Date.now() < deadline, 'the render never started');
      await sleep(50);
    }
    const second = (await postJson(`${api.baseUrl}/higgsfield/generate`, body, bearer(KEY_A))).body.id as string;

    worker.child.kill('SIGTERM');
    const [code] = (await once(worker.child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.equal(
      (await getJson(`${api.baseUrl}/higgsfield/feed/${first}`, bearer(KEY_A))).body.jobs[0].status,
      'completed',
    );
    assert.equal(
      (await getJson(`${api.baseUrl}/higgsfield/feed/${second}`, bearer(KEY_A))).body.jobs[0].status,
      'queued',
    );
  });
});
