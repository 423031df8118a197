/**
 * SIGTERM: the server stops taking work, lets the running render finish, exits 0, and the
 * task it was rendering is completed (not lost, not failed) when the service comes back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson, waitForTask } from '../support/in-process.js';
import { startServerProcess } from '../support/server-process.js';

describe('graceful shutdown', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillmotion-sigterm-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, API_KEYS: KEY_A, WORKER_CONCURRENCY: '1' };

  it('SIGTERM mid-render exits 0 and the task still completes', async () => {
    const first = await startServerProcess(env);
    const image = await makeTestDataUri(320, 180);
    const submit = await postJson(
      `${first.baseUrl}/higgsfield/generate`,
      {
        model: 'turbo',
        motion_id: 'Zoom In',
        prompt: '',
        image: [image],
        width: 320,
        height: 180,
        duration: 4,
        fps: 24,
      },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const id: string = submit.body.id;
    for (;;) {
      const feed = await getJson(`${first.baseUrl}/higgsfield/feed/${id}`, bearer(KEY_A));
      if (feed.body.jobs[0].status !== 'queued') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const code = await first.stop('SIGTERM');
    assert.equal(code, 0, first.log().slice(-2000));
    assert.match(first.log(), /shutting down/);

    const second = await startServerProcess(env);
    try {
      const done = await waitForTask(second.baseUrl, id, KEY_A, 120_000);
      assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    } finally {
      await second.stop();
    }
  });
});
