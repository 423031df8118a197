/**
 * A polled task answered without presenting and serialising it again on every poll.
 *
 * `GET …/feed/{id}` is polled, and between two changes of a task every poll answers the same
 * bytes: presenting the task and running the route's serializer over it was ~4 µs of the
 * ~45 µs a poll cost (bench:api --profile). The SQLite store hands out the same deep-frozen
 * Task until the row changes (task-cache.ts), so the body serialised for that object, with
 * the route's own serializer, stays right for as long as the object lives. A Task that is not
 * frozen (the PostgreSQL store reads a fresh one every time) is serialised every time and not
 * kept: its identity says nothing, and a WeakMap entry per request is garbage-collector work.
 *
 * One entry per task and base URL (the last one asked for): the body carries absolute media
 * URLs, which follow the request's Host when PUBLIC_BASE_URL is not set.
 */
import type { FastifyReply } from 'fastify';
import type { Task } from '../core/task.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export class SerialisedBodies {
  readonly #bodies = new WeakMap<Task, { base: string; json: string }>();

  constructor(private readonly present: (task: Task, base: string) => unknown) {}

  /** Sends `task` as a 200, serialised by `reply`'s route (its response schema). */
  send(reply: FastifyReply, task: Task, base: string): FastifyReply {
    return reply.type(JSON_TYPE).send(this.bodyOf(reply, task, base));
  }

  private bodyOf(reply: FastifyReply, task: Task, base: string): string {
    if (!Object.isFrozen(task)) return this.serialise(reply, task, base);
    const hit = this.#bodies.get(task);
    if (hit !== undefined && hit.base === base) return hit.json;
    const json = this.serialise(reply, task, base);
    this.#bodies.set(task, { base, json });
    return json;
  }

  private serialise(reply: FastifyReply, task: Task, base: string): string {
    // A route's response serializer makes strings (fast-json-stringify).
    return reply.serialize(this.present(task, base)) as string;
  }
}
