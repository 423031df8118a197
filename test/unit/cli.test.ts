import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const BIN = fileURLToPath(new URL('../../bin/stillmotion.mjs', import.meta.url));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('stillmotion CLI', () => {
  it('lists render, serve and worker, and fails without a command', () => {
    const result = cli();
    assert.equal(result.status, 1);
    for (const name of ['render', 'serve', 'worker']) assert.match(result.stdout, new RegExp(`\\b${name}\\b`));
  });
  it('explains serve and refuses unknown commands', () => {
    const help = cli('serve', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /npm start/);
    const unknown = cli('launch');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "launch"/);
  });
  it('names a missing input file', () => {
    const result = cli('render', '--image', '/nonexistent/in.jpg', '--motion', 'Zoom In', '-o', '/tmp/never.mp4');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /cannot read \/nonexistent\/in\.jpg/);
  });
});
