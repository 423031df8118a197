/**
 * v2 cancel: 202 while queued (and the task never starts rendering), 400 once it is in
 * progress or finished, and the race between a cancel and a worker claiming the task:
 * every task ends canceled-and-never-rendered or rendered-and-cancel-refused, never both.
 *
 * The engine here is a stand-in that writes tiny files and records which tasks it was
 * asked to render: the race is between the cancel and the claim, not inside a render.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from '../../src/core/ports.js';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, startTestServer, type TestServer } from '../support/in-process.js';

const HEADERS = { authorization: `Key ${KEY_A}`, 'content-type': 'application/json' };

/**
 * An engine that records its renders; for tasks whose prompt is "hold" it waits for
 * `release`, for "sleep N" it takes N ms.
 */
function recordingEngine() {
  const rendered = new Set<string>();
  let release: () => void = () => undefined;
  let held = new Promise<void>((resolve) => (release = resolve));
  const engine: Engine = {
    name: 'recording',
    canRender: () => ({ renderable: true }),
    async render(job, context) {
      rendered.add(job.taskId);
      if (job.prompt === 'hold') await held;
      const nap = /^sleep (\d+)$/.exec(job.prompt);
      if (nap) await sleep(Number(nap[1]));
      const files = {
        raw: join(context.workDir, 'raw.mp4'),
        min: join(context.workDir, 'min.mp4'),
        poster: join(context.workDir, 'poster.jpg'),
      };
      await Promise.all(Object.values(files).map((file) => writeFile(file, Buffer.from('stand-in'))));
      return { ...files, resolved: { width: 64, height: 64, fps: 12, frames: 24, duration: 2 } };
    },
  };
  return {
    engine,
    rendered,
    release: () => release(),
    rearm: () => {
      held = new Promise<void>((resolve) => (release = resolve));
    },
  };
}

async function status(server: TestServer, id: string): Promise<string> {
  const { body } = await server.get(`/requests/${id}/status`, HEADERS);
  return body.status;
}

async function waitForStatus(server: TestServer, id: string, wanted: string[], timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await status(server, id);
    if (wanted.includes(current)) return current;
    if (Date.now() > deadline) throw new Error(`${id} is ${current}, not ${wanted.join('/')}`);
    await sleep(10);
  }
}

function cancel(server: TestServer, id: string) {
  return server.post(`/requests/${id}/cancel`, undefined, { authorization: `Key ${KEY_A}` });
}

describe('v2 cancel', () => {
  let server: TestServer;
  let fake: ReturnType<typeof recordingEngine>;
  let image: string;
  before(async () => {
    fake = recordingEngine();
    server = await startTestServer({ WORKER_CONCURRENCY: '1' }, { app: { engine: fake.engine }, listen: false });
    image = await makeTestDataUri(64, 64);
  });
  after(async () => {
    fake.release();
    await server.close();
  });

  it('202 while queued, and the canceled task never starts; 400 while in progress and once finished', async () => {
    const blocker = await server.post(`/higgsfield-ai/dop/lite`, { image_url: image, prompt: 'hold' }, HEADERS);
    await waitForStatus(server, blocker.body.request_id, ['in_progress']);
    const queued = await server.post(`/higgsfield-ai/dop/lite`, { image_url: image, prompt: 'later' }, HEADERS);
    assert.equal(queued.body.status, 'queued');

    const accepted = await cancel(server, queued.body.request_id);
    assert.equal(accepted.status, 202);
    assert.deepEqual(accepted.body, { status: 'canceled', request_id: queued.body.request_id });

    const running = await cancel(server, blocker.body.request_id);
    assert.equal(running.status, 400);
    assert.match(running.body.detail, /in_progress and can no longer be canceled/);

    fake.release();
    await waitForStatus(server, blocker.body.request_id, ['completed']);
    const finished = await cancel(server, blocker.body.request_id);
    assert.equal(finished.status, 400);
    const again = await cancel(server, queued.body.request_id);
    assert.equal(again.status, 400, 'canceling twice is refused too');

    // One worker, first in first out: once a task submitted after the canceled one has
    // rendered, the worker has gone past the canceled one, so it is never coming.
    const later = await server.post(`/higgsfield-ai/dop/lite`, { image_url: image, prompt: 'after' }, HEADERS);
    await waitForStatus(server, later.body.request_id, ['completed']);
    assert.equal(fake.rendered.has(later.body.request_id), true);
    assert.equal(await status(server, queued.body.request_id), 'canceled');
    assert.equal(fake.rendered.has(queued.body.request_id), false, 'never rendered');
    const unknown = await cancel(server, '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
  });

  it('cancel racing the worker claim: canceled-and-never-rendered, or rendered-and-refused, never both', async () => {
    const outcomes = { canceled: 0, rendered: 0 };
    const canceledIds: string[] = [];
    const RENDER_MS = 20;
    for (let i = 0; i < 60; i++) {
      // The one worker is busy for ~RENDER_MS with the task ahead, then claims ours; the
      // cancel is sent after a gap that straddles that moment.
      await server.post(`/higgsfield-ai/dop/lite`, { image_url: image, prompt: `sleep ${RENDER_MS}` }, HEADERS);
      const submit = await server.post(`/higgsfield-ai/dop/lite`, { image_url: image, prompt: `race ${i}` }, HEADERS);
      assert.equal(submit.status, 200);
      const id: string = submit.body.request_id;
      await sleep((i * 7) % (2 * RENDER_MS));
      const answer = await cancel(server, id);
      const final = await waitForStatus(server, id, ['canceled', 'completed']);
      if (answer.status === 202) {
        assert.equal(final, 'canceled', `${id}: cancel accepted, so it must end canceled`);
        canceledIds.push(id);
        outcomes.canceled++;
      } else {
        assert.equal(answer.status, 400, `${id}: unexpected cancel status ${answer.status}`);
        assert.equal(final, 'completed', `${id}: cancel refused, so it must have run`);
        assert.equal(fake.rendered.has(id), true, `${id}: cancel refused, yet never rendered`);
        outcomes.rendered++;
      }
    }
    assert.equal(outcomes.canceled + outcomes.rendered, 60);
    await waitForStatus(
      server,
      (await server.post(`/higgsfield-ai/dop/lite`, { image_url: image, prompt: 'last' }, HEADERS)).body.request_id,
      ['completed'],
    );
    // The one worker has gone past every task submitted before the last one (first in,
    // first out), so a canceled task that was going to be rendered would have been by now.
    for (const id of canceledIds)
      assert.equal(fake.rendered.has(id), false, `${id}: cancel accepted, yet it was rendered`);
    // Both sides of the race should show up over 60 tries; report if one never did.
    if (outcomes.canceled === 0 || outcomes.rendered === 0)
      console.log(`race outcomes were one-sided: ${JSON.stringify(outcomes)}`);
  });
});
