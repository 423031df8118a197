/** The preparation's stage clock (stage-clock.ts), which bench/scene-prep.ts reads its per-stage times from. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timed, withStageClock, type StageTime } from '../../src/engine/render/stage-clock.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('stage clock', () => {
  it('reports sync and async stages, nested ones inside their parent, to the sink of their run', async () => {
    const seen: StageTime[] = [];
    const out = await withStageClock(
      (t) => seen.push(t),
      async () => {
        const a = timed('outer', () => timed('inner', () => 2) + 1);
        const b = await timed('later', async () => {
          await settle();
          return 4;
        });
        return a + b;
      },
    );
    assert.equal(out, 7);
    assert.deepEqual(
      seen.map((t) => t.stage),
      ['inner', 'outer', 'later'],
    );
    for (const t of seen) assert.ok(t.wallMs >= 0 && t.cpuMs >= 0, `${t.stage}: ${t.wallMs} ms, ${t.cpuMs} CPU-ms`);
  });

  it('keeps two runs apart and reports nothing outside one', async () => {
    const first: string[] = [];
    const second: string[] = [];
    const run = (into: string[], name: string) =>
      withStageClock(
        (t) => into.push(t.stage),
        async () => {
          await settle();
          await timed(name, settle);
        },
      );
    await Promise.all([run(first, 'a'), run(second, 'b')]);
    assert.deepEqual(first, ['a']);
    assert.deepEqual(second, ['b']);
    // No sink: the stage runs and goes unreported.
    assert.equal(
      timed('alone', () => 5),
      5,
    );
    assert.deepEqual([...first, ...second], ['a', 'b']);
  });

  it('reports a stage that throws, and passes the error on', async () => {
    const seen: string[] = [];
    await assert.rejects(
      withStageClock(
        (t) => seen.push(t.stage),
        () =>
          timed('fails', async () => {
            throw new Error('no');
          }),
      ),
      /no/,
    );
    assert.deepEqual(seen, ['fails']);
  });
});
