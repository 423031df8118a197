import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, logCreatedKey, prettyLine } from '../../src/process/logger.js';

/** An ANSI colour sequence (ESC [ … m), built from a string so the regex holds no control character. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function sink(isTTY: boolean) {
  const lines: string[] = [];
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
  return { out, lines };
}

describe('logger', () => {
  it('writes JSON lines when the output is not a terminal', () => {
    const { out, lines } = sink(false);
    createLogger({ level: 'info', service: 'svc', out }).info({ route: '/x', status: 200 }, 'request');
    const o = JSON.parse(lines.join('')) as Record<string, unknown>;
    assert.equal(o.msg, 'request');
    assert.equal(o.service, 'svc');
    assert.equal(o.status, 200);
  });
  it('writes readable lines on a terminal, with the fields as key=value', () => {
    const { out, lines } = sink(true);
    createLogger({ level: 'info', service: 'svc', out, pretty: true }).info({ route: '/x', status: 200 }, 'request');
    const text = lines.join('').replace(ANSI_COLOUR, '');
    assert.match(text, /^\d\d:\d\d:\d\d\.\d{3} INFO  request {2}route=\/x status=200\n$/);
  });
  it('prints a created API key as its own block on a terminal, and as fields in JSON', () => {
    const pretty = sink(true);
    logCreatedKey(createLogger({ level: 'info', service: 'svc', out: pretty.out, pretty: true }), {
      id: 'kid',
      secret: 'sek',
      file: '/d/api-key.txt',
    });
    const text = pretty.lines.join('').replace(ANSI_COLOUR, '');
    assert.match(text, /┌─ API key created/);
    assert.match(text, /Authorization: Bearer kid:sek/);
    assert.match(text, /\/d\/api-key\.txt/);
    const json = sink(false);
    logCreatedKey(createLogger({ level: 'info', service: 'svc', out: json.out }), {
      id: 'kid',
      secret: 'sek',
      file: '/d/api-key.txt',
    });
    const o = JSON.parse(json.lines.join('')) as Record<string, unknown>;
    assert.equal(o.apiKey, 'kid:sek');
    assert.equal(o.event, 'api_key_created');
  });
  it('indents an error stack under its line, and passes non-JSON through', () => {
    const line = prettyLine(JSON.stringify({ level: 50, time: 0, msg: 'boom', err: { stack: 'Error: x\n    at y' } }));
    assert.match(line, /ERROR boom\n {4}Error: x\n {8}at y\n$/);
    assert.equal(prettyLine('not json'), 'not json');
  });
  it('keeps the last lines of a process that dies without exit handlers, and every line of one that exits', () => {
    const logger = new URL('../../src/process/logger.ts', import.meta.url).href;
    const run = (end: string) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `import { createLogger } from ${JSON.stringify(logger)};
           const log = createLogger({ level: 'info', service: 'svc', pretty: false });
           for (let i = 0; i < 2000; i++) log.info({ i }, 'busy');
           ${end}`,
        ],
        { encoding: 'utf8' },
      ).stdout.split('\n');
    // SIGKILL: no exit handler runs, so only what was written survives; the error line is.
    const killed = run(`log.error({ code: 'E_LAST' }, 'about to die'); process.kill(process.pid, 'SIGKILL');`);
    assert.ok(
      killed.some((l) => l.includes('E_LAST')),
      'the error line is on the output',
    );
    // An uncaught exception exits through the handlers: every line, in order.
    const thrown = run(`log.info('last info'); setImmediate(() => { throw new Error('crash'); });`).filter(Boolean);
    assert.equal(thrown.length, 2001);
    assert.match(thrown.at(-1)!, /last info/);
  });
  it('writes multi-byte text intact and in order through batches larger than one write', () => {
    const logger = new URL('../../src/process/logger.ts', import.meta.url).href;
    const out = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { createLogger } from ${JSON.stringify(logger)};
         const log = createLogger({ level: 'info', service: 'svc', pretty: false });
         for (let i = 0; i < 3000; i++) log.info({ i, title: 'Caf\u00e9 \u2014 travelling \ud83c\udfac' }, 'r\u00e9sum\u00e9');`,
      ],
      { encoding: 'utf8' },
    ).stdout;
    const lines = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { i: number; title: string; msg: string });
    assert.equal(lines.length, 3000);
    assert.deepEqual(
      lines.map((l) => l.i),
      Array.from({ length: 3000 }, (_, i) => i),
    );
    assert.ok(lines.every((l) => l.title === 'Café — travelling 🎬' && l.msg === 'résumé'));
  });
});
