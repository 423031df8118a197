/**
 * The one loop every case suite uses: a fresh fixture per case, cleaned up even when the
 * case fails, and skips that must name a known case and a reason.
 */
import { describe, test } from 'node:test';

/** Case name → why this adapter skips it. */
export type SkipList = Record<string, string>;

export function runCases<Fixture extends { cleanup(): Promise<void> }>(
  suite: string,
  cases: Record<string, (fixture: Fixture) => Promise<void>>,
  makeFixture: () => Promise<Fixture>,
  skip: SkipList = {},
): void {
  // A typo in a skip list would silently run nothing-skipped or hide a case; refuse it.
  const unknown = Object.keys(skip).filter((name) => !(name in cases));
  if (unknown.length > 0) throw new Error(`${suite}: skip list names unknown cases: ${unknown.join(', ')}`);
  describe(suite, () => {
    for (const [name, run] of Object.entries(cases)) {
      const reason = skip[name];
      test(name, reason === undefined ? {} : { skip: reason }, async () => {
        const fixture = await makeFixture();
        try {
          await run(fixture);
        } finally {
          await fixture.cleanup();
        }
      });
    }
  });
}
