/**
 * Several machines in miniature: two stateless API nodes (`npm start` with WORKERS=0) and
 * separate worker processes (`npm run worker`) on one PostgreSQL store, one BullMQ queue
 * and a shared media folder. A worker is killed -9 mid-render; another one finishes the
 * task; every API node sees the progress and the results.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson, waitForTask } from '../support/in-process.js';
import { makeDeployment, startWorkerProcess, type NodeProcess } from '../support/distributed.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { pgAdmin, postgresSkipReason, redisSkipReason } from '../support/services.js';

const skipReason = (await postgresSkipReason()) ?? (await redisSkipReason());

describe('distributed mode: a worker killed -9 mid-render', { skip: skipReason ?? false }, () => {
  const deployment = makeDeployment({ LEASE_MS: '3000' });
  const running: (NodeProcess | ServerProcess)[] = [];
  after(async () => {
    for (const node of running) await node.stop('SIGKILL').catch(() => undefined);
    await deployment.cleanup();
  });

  it('another worker finishes the task, and both API nodes see progress and results', {
    timeout: 240_000,
  }, async () => {
    const api = { ...deployment.env, WORKERS: '0' };
    const nodeA = await startServerProcess(api);
    running.push(nodeA);
    const nodeB = await startServerProcess(api);
    running.push(nodeB);
    const first = await startWorkerProcess({ ...deployment.env, WORKERS: '1' });
    running.push(first);

    const submit = await postJson(
      `${nodeA.baseUrl}/higgsfield/generate`,
      {
        model: 'standard',
        motion_id: 'Crash Zoom In',
        prompt: '',
        image: [await makeTestDataUri(640, 360)],
        width: 640,
        height: 360,
        duration: 10,
        fps: 30,
      },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const id: string = submit.body.id;

    // Node B never saw the request: what it shows comes from the shared store.
    const deadline = Date.now() + 90_000;
    let progress = 0;
    for (;;) {
      const feed = await getJson(`${nodeB.baseUrl}/higgsfield/feed/${id}`, bearer(KEY_A));
      assert.equal(feed.status, 200);
      assert.notEqual(feed.body.jobs[0].status, 'completed', 'render finished before the kill; make it longer');
      progress = feed.body.progress;
      if (feed.body.jobs[0].status === 'in_progress' && progress > 0) break;
      assert.ok(Date.now() < deadline, 'render never made progress');
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.stop('SIGKILL');

    const second = await startWorkerProcess({ ...deployment.env, WORKERS: '1' });
    running.push(second);
    const done = await waitForTask(nodeB.baseUrl, id, KEY_A, 200_000);
    assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    const [row] = await pgAdmin<{ attempts: number }>(
      `SELECT attempts FROM "${deployment.schema}".tasks WHERE id = $1`,
      [id],
    );
    assert.equal(row?.attempts, 2, 'the killed attempt counts, the second one finished');

    // Results written by the worker into the shared media folder are served by node A.
    const fromA = await getJson(`${nodeA.baseUrl}/higgsfield/feed/${id}`, bearer(KEY_A));
    const raw = await fetch(fromA.body.jobs[0].results.raw.url.replace(/^http:\/\/[^/]+/, nodeA.baseUrl));
    assert.equal(raw.status, 200);
    assert.equal(
      Buffer.from(await raw.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
      'ftyp',
    );
  });
});
