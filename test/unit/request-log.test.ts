import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
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
    const app = Fastify({ loggerInstance: pino({ level: 'info' }, out) as unknown as FastifyBaseLogger, logController: new RequestLogController() });
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
  it('treats resets and premature closes as the client going away', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']) assert.equal(isClientDisconnect(Object.assign(new Error(code), { code })), true);
    assert.equal(isClientDisconnect(Object.assign(new Error('disk'), { code: 'EIO' })), false);
    assert.equal(isClientDisconnect(new Error('plain')), false);
    assert.equal(isClientDisconnect(undefined), false);
  });
});
