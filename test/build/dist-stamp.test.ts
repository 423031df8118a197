import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { STAMP, checkDist, makeStamp } from '../../bin/dist-stamp.mjs';

describe('dist build stamp', () => {
  let root = '';
  const write = (rel: string, body: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), body);
  };
  const stampNow = () => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, STAMP), JSON.stringify(makeStamp(root)));
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stamp-'));
    write('src/a.ts', 'export const a = 1;\n');
    write('src/dir/b.json', '{}\n');
    write('models/m.bin', 'weights');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a dist/ that was never built', () => {
    const r = checkDist(root);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /has not been built/);
  });

  it('accepts the build of the sources as they are', () => {
    stampNow();
    assert.deepEqual(checkDist(root), { ok: true });
  });

  it('names an edited, an added and a removed source', () => {
    stampNow();
    write('src/a.ts', 'export const a = 2;\n');
    write('src/c.ts', 'export {};\n');
    rmSync(join(root, 'src/dir/b.json'));
    const r = checkDist(root);
    assert.equal(r.ok, false);
    const reason = !r.ok ? r.reason : '';
    assert.match(reason, /src\/a\.ts/);
    assert.match(reason, /src\/c\.ts \(new\)/);
    assert.match(reason, /src\/dir\/b\.json \(removed\)/);
  });

  it('notices a changed model file', () => {
    stampNow();
    write('models/m.bin', 'other weights');
    assert.equal(checkDist(root).ok, false);
  });

  it('accepts sources whose times changed but whose contents did not', () => {
    stampNow();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/a.ts'), later, later);
    assert.deepEqual(checkDist(root), { ok: true });
  });

  it('accepts dist/ alone when there are no sources beside it', () => {
    stampNow();
    rmSync(join(root, 'src'), { recursive: true });
    assert.deepEqual(checkDist(root), { ok: true });
  });
});
