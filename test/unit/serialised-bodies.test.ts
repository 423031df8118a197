import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import type { Task } from '../../src/core/task.js';
import { SerialisedBodies } from '../../src/http/serialised-bodies.js';

/** A route answering `tasks[id]` through SerialisedBodies, counting the presentations. */
async function serverWith(tasks: Record<string, Task>) {
  let presented = 0;
  const bodies = new SerialisedBodies((task, base) => {
    presented++;
    return { id: task.id, status: task.status, url: `${base}/media/${task.id}`, dropped: 'not in the schema' };
  });
  const app = Fastify();
  app.get(
    '/feed/:id',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, status: { type: 'string' }, url: { type: 'string' } },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      return bodies.send(reply, tasks[id]!, `http://${request.host}`);
    },
  );
  await app.ready();
  const get = async (id: string, host = 'a.example') => {
    const res = await app.inject({ method: 'GET', url: `/feed/${id}`, headers: { host } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    return res.body;
  };
  return { app, get, presented: () => presented };
}

const taskOf = (id: string, status: string) => ({ id, status }) as unknown as Task;

describe('SerialisedBodies', () => {
  it("answers a frozen task with the route serializer's bytes, presenting it once per base URL", async () => {
    const tasks = { t1: Object.freeze(taskOf('t1', 'queued')) };
    const s = await serverWith(tasks);
    const first = await s.get('t1');
    // The route's response schema applied: a field outside it is dropped.
    assert.equal(first, '{"id":"t1","status":"queued","url":"http://a.example/media/t1"}');
    assert.equal(await s.get('t1'), first);
    assert.equal(s.presented(), 1);
    // Another Host: another body (absolute URLs follow it).
    assert.equal(await s.get('t1', 'b.example'), '{"id":"t1","status":"queued","url":"http://b.example/media/t1"}');
    assert.equal(s.presented(), 2);
    await s.app.close();
  });

  it('presents a changed task (a new frozen object) afresh', async () => {
    const tasks: Record<string, Task> = { t1: Object.freeze(taskOf('t1', 'queued')) };
    const s = await serverWith(tasks);
    await s.get('t1');
    tasks.t1 = Object.freeze(taskOf('t1', 'completed'));
    assert.equal(await s.get('t1'), '{"id":"t1","status":"completed","url":"http://a.example/media/t1"}');
    assert.equal(s.presented(), 2);
    await s.app.close();
  });

  it('presents a task that is not frozen on every request (its object may change)', async () => {
    const task = taskOf('t1', 'queued');
    const s = await serverWith({ t1: task });
    await s.get('t1');
    (task as { status: string }).status = 'in_progress';
    assert.equal(await s.get('t1'), '{"id":"t1","status":"in_progress","url":"http://a.example/media/t1"}');
    assert.equal(s.presented(), 2);
    await s.app.close();
  });
});
