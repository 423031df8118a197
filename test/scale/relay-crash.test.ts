/**
 * Never buy one video twice: `npm start` relaying to the fake Higgsfield platform is
 * killed -9 while it polls the cloud. The restarted process resumes polling the request
 * it recorded before the crash: the fake sees exactly one submit and the task completes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FAKE_CREDENTIALS, startFakeHiggsfield, type FakeHiggsfield } from '../support/fake-higgsfield.js';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, getJson, postJson, waitForTask } from '../support/in-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

describe('relay: the worker is killed -9 mid-poll', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillmotion-relay-crash-'));
  const running: ServerProcess[] = [];
  let fake: FakeHiggsfield | undefined;
  after(async () => {
    for (const node of running) await node.stop('SIGKILL').catch(() => undefined);
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the restarted process resumes the same upstream request: one submit, task completed', {
    timeout: 180_000,
  }, async () => {
    // The cloud keeps the request queued until the test lets it finish.
    fake = await startFakeHiggsfield({ queuedPolls: 1_000_000 });
    const env = {
      DATA_DIR: dataDir,
      API_KEYS: KEY_A,
      WORKERS: '1',
      HF_CREDENTIALS: FAKE_CREDENTIALS,
      HIGGSFIELD_BASE_URL: fake.baseUrl,
      HIGGSFIELD_POLL_MS: '50',
    };
    const first = await startServerProcess(env);
    running.push(first);
    const submit = await postJson(
      `${first.baseUrl}/higgsfield/generate`,
      { model: 'lite', motion_id: 'Set on Fire', prompt: 'flames', image: [await makeTestDataUri(320, 192)], seed: 5 },
      bearer(KEY_A),
    );
    assert.equal(submit.status, 200, JSON.stringify(submit.body));
    const id: string = submit.body.id;

    // Wait until the cloud has the request and is being polled for it.
    const deadline = Date.now() + 60_000;
    while (fake.accepted().length < 1 || fake.statusCalls < 2) {
      assert.ok(Date.now() < deadline, `never polled:\n${first.log()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const polling = await getJson(`${first.baseUrl}/higgsfield/feed/${id}`, bearer(KEY_A));
    assert.equal(polling.body.jobs[0].status, 'in_progress');
    await first.stop('SIGKILL');

    // The cloud finishes the request while nobody watches; a new process starts.
    fake.script.queuedPolls = 0;
    fake.script.inProgressPolls = 0;
    const second = await startServerProcess(env);
    running.push(second);
    const done = await waitForTask(second.baseUrl, id, KEY_A, 120_000);
    assert.equal(done.jobs[0].status, 'completed', JSON.stringify(done));
    assert.equal(fake.submits.length, 1, 'exactly one submit: the video was bought once');
    assert.equal(fake.uploads.length, 1, 'the image was uploaded once');
    assert.equal(done.params.engine, 'higgsfield');
    const raw = await fetch(done.jobs[0].results.raw.url);
    assert.equal(raw.status, 200);
    assert.equal(
      Buffer.from(await raw.arrayBuffer())
        .subarray(4, 8)
        .toString('latin1'),
      'ftyp',
    );
  });
});
