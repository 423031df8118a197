import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';
import { editDistance, suggestMotions } from '../../src/cli/motion-suggest.js';
import { makeTestPng } from '../support/images.js';

// The CLI from the sources (bin/stillmotion.mjs runs the same main from dist/; .ci/run checks it).
const RUN = fileURLToPath(new URL('../support/run-cli.ts', import.meta.url));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', RUN, ...args], { encoding: 'utf8', timeout: 120_000 });
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
  it('says a misspelled motion is unknown and suggests the name meant', () => {
    const result = cli('render', '--image', '/nonexistent/in.jpg', '--motion', 'Zoom Inn', '-o', '/tmp/never.mp4');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown_motion/);
    assert.match(result.stderr, /unknown motion "Zoom Inn"; did you mean "Zoom In"/);
    assert.doesNotMatch(result.stderr, /not renderable/);
  });
  it('writes only the MP4 asked for, and the preview and poster only when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-out-'));
    try {
      writeFileSync(join(dir, 'in.png'), await makeTestPng(160, 90));
      const common = [
        'render',
        '--image',
        join(dir, 'in.png'),
        '--motion',
        'Zoom In',
        '--model',
        'lite',
        '--width',
        '160',
        '--height',
        '90',
        '--duration',
        '2',
        '--fps',
        '12',
      ];
      const plain = cli(...common, '-o', join(dir, 'a.mp4'));
      assert.equal(plain.status, 0, plain.stderr);
      assert.deepEqual(readdirSync(dir).sort(), ['a.mp4', 'in.png']);
      const all = cli(
        ...common,
        '-o',
        join(dir, 'b.mp4'),
        '--preview',
        join(dir, 'b-small.mp4'),
        '--poster',
        join(dir, 'b.jpg'),
      );
      assert.equal(all.status, 0, all.stderr);
      assert.deepEqual(readdirSync(dir).sort(), ['a.mp4', 'b-small.mp4', 'b.jpg', 'b.mp4', 'in.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('motion suggestions', () => {
  it('measures edits', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'ab'), 2);
    assert.equal(editDistance('same', 'same'), 0);
  });
  it('finds the name within a few edits and nothing for gibberish', () => {
    const catalogue = MotionCatalogue.load();
    assert.equal(suggestMotions(catalogue, 'Dolly Inn')[0], 'Dolly In');
    assert.equal(suggestMotions(catalogue, 'zoom in')[0], 'Zoom In');
    assert.deepEqual(suggestMotions(catalogue, 'qqqqxxxxzzzz'), []);
  });
});
