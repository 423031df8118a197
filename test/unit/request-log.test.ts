import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { RequestLogController, isClientDisconnect } from '../../src/http/request-log.js';

describe('request log', () => {
  it('writes one info line per request: request id, route, status, time', async () => {
    const lines: Record<string, unknown>[] = [];
    const out = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const app = Fastify({
      loggerInstance: pino({ level: 'info' }, out) as unknown as FastifyBaseLogger,
      logController: new RequestLogController(),
    });
    app.get('/items/:id', async () => ({ ok: true }));
    await app.ready();
    const res = await app.inject({ method: 'GET', url: '/items/42?x=1' });
    assert.equal(res.statusCode, 200);
    await app.close();
    await new Promise((r) => setImmediate(r));
    const requestLines = lines.filter((l) => l.reqId !== undefined);
    assert.equal(requestLines.length, 1);
    const [line] = requestLines;
    assert.equal(line!.level, 30);
    assert.equal(line!.route, '/items/:id');
    assert.equal(line!.status, 200);
    assert.equal(line!.method, 'GET');
    assert.equal(typeof line!.ms, 'number');
  });
  it('logs a client that hangs up mid-stream as gone, not as an error', async () => {
    const lines: Record<string, unknown>[] = [];
    const out = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const app = Fastify({
      loggerInstance: pino({ level: 'info' }, out) as unknown as FastifyBaseLogger,
      logController: new RequestLogController(),
    });
    // A never-ending video: the client reads the first chunk and goes away.
    app.get('/media/clip.mp4', async (_request, reply) => {
      const chunk = Buffer.alloc(64 * 1024);
      return reply.type('video/mp4').send(
        new Readable({
          read() {
            setTimeout(() => this.push(chunk), 1);
          },
        }),
      );
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/media/clip.mp4' }, (res) => {
        res.once('data', () => {
          req.destroy();
          setTimeout(resolve, 200);
        });
      });
      req.on('error', () => {});
      req.end();
    });
    await app.close();
    assert.deepEqual(
      lines.filter((l) => (l.level as number) >= 40),
      [],
    );
    const done = lines.filter((l) => l.route === '/media/clip.mp4');
    assert.equal(done.length, 1);
    assert.equal(done[0]!.level, 30);
  });
  it('treats resets and premature closes as the client going away', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'])
      assert.equal(isClientDisconnect(Object.assign(new Error(code), { code })), true);
    assert.equal(isClientDisconnect(Object.assign(new Error('disk'), { code: 'EIO' })), false);
    assert.equal(isClientDisconnect(new Error('plain')), false);
    assert.equal(isClientDisconnect(undefined), false);
  });
});

describe('request log through the lazy request logger', () => {
  it("writes the line a request's child logger would, byte for byte, without making the child", async () => {
    const { RequestLogger } = await import('../../src/http/request-logger.js');
    const written: string[] = [];
    const root = pino(
      { level: 'info', base: { service: 's' }, timestamp: false },
      { write: (l: string) => void written.push(l) },
    );
    const fields = { method: 'GET', route: '/r/:id', status: 200, ms: 1.5 };
    root.child({ reqId: 'req-1' }).info(fields, 'request');
    let made = 0;
    const counting = Object.assign(Object.create(root), {
      child: (b: Record<string, unknown>, o: object) => {
        made++;
        return root.child(b, o);
      },
    });
    const lazy = RequestLogger.factory(counting, { reqId: 'req-1' }, {}) as InstanceType<typeof RequestLogger>;
    lazy.infoLine(fields, 'request');
    assert.equal(made, 0);
    assert.equal(written[1], written[0]);
    // Anything else logged makes the child, and the line then goes through it.
    (lazy as unknown as FastifyBaseLogger).warn({ x: 1 }, 'other');
    lazy.infoLine(fields, 'request');
    assert.equal(made, 1);
    assert.equal(written[3], written[0]);
  });
});
