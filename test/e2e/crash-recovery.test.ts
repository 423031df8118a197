/**
 * Durability: an accepted task survives `kill -9` of the server mid-render and completes
 * after a restart on the same data directory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson, waitForTask } from '../support/in-process.js';
import { startServerProcess } from '../support/server-process.js';

describe('crash recovery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillmotion-crash-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { DATA_DIR: dataDir, API_KEYS: KEY_A, WORKER_CONCURRENCY: '1', LEASE_MS: '3000' };

  it('a task whose server was killed -9 mid-render completes after restart', async () => {
    const first = await startServerProcess(env);
    let id: string;
    try {
      const image = await makeTestDataUri(640, 360);
      // Long enough that it is still rendering when the process dies.
      const submit = await postJson(
        `${first.baseUrl}/higgsfield/generate`,
        {
          model: 'standard',
          motion_id: 'Crash Zoom In',
          prompt: '',
          image: [image],
          width: 640,
          height: 360,
          duration: 10,
          fps: 30,
        },
        bearer(KEY_A),
      );
      assert.equal(submit.status, 200, JSON.stringify(submit.body));
      id = submit.body.id;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const feed = await getJson(`${first.baseUrl}/higgsfield/feed/${id}`, bearer(KEY_A));
        if (feed.body.jobs[0].status === 'in_progress') break;
        assert.notEqual(feed.body.jobs[0].status, 'completed', 'render finished before the crash; make it longer');
        assert.ok(Date.now() < deadline, 'render never started');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await first.stop('SIGKILL');
    }

    const second = await startServerProcess(env);
    try {
      const done = await waitForTask(second.baseUrl, id!, KEY_A, 180_000);
      assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
      const raw = await fetch(done.jobs[0].results.raw.url);
      assert.equal(raw.status, 200);
      assert.equal(
        Buffer.from(await raw.arrayBuffer())
          .subarray(4, 8)
          .toString('latin1'),
        'ftyp',
      );
    } finally {
      await second.stop();
    }
    // The killed render's scratch folder is gone too (cleaned on the retry path or ignored).
    assert.deepEqual(
      readdirSync(join(dataDir, 'tmp')).filter((name) => name.startsWith(id!)),
      [],
    );
  });
});
