/**
 * The layering the HTTP layer promises (ARCHITECTURE.md): a dialect imports the shared
 * platform folder and the HTTP helpers, never another dialect; the shared folder imports
 * no dialect; the webhook delivery knows nothing of the HTTP layer (the composition root
 * hands it each dialect's payload renderer).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const DIALECTS = join(ROOT, 'src/http/dialects');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, resolved to a path under the repository. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(file), s)));
}

describe('HTTP layering', () => {
  it('sees the imports it checks (the scan itself works)', () => {
    const v1 = importsOf(join(DIALECTS, 'v1/routes.ts'));
    assert.ok(v1.includes('src/http/dialects/platform/submit.js'), v1.join(', '));
  });

  for (const dialect of ['reseller', 'v1', 'v2']) {
    it(`the ${dialect} dialect imports no other dialect`, () => {
      for (const file of filesUnder(join(DIALECTS, dialect))) {
        for (const target of importsOf(file)) {
          const other = /^src\/http\/dialects\/(reseller|v1|v2)\//.exec(target)?.[1];
          assert.ok(other === undefined || other === dialect, `${relative(ROOT, file)} imports ${target}`);
        }
      }
    });
  }

  it('the shared platform folder imports no dialect', () => {
    for (const file of filesUnder(join(DIALECTS, 'platform'))) {
      for (const target of importsOf(file)) {
        assert.doesNotMatch(
          target,
          /^src\/http\/dialects\/(reseller|v1|v2)\//,
          `${relative(ROOT, file)} imports ${target}`,
        );
      }
    }
  });

  it('webhook delivery imports nothing from the HTTP layer', () => {
    for (const file of filesUnder(join(ROOT, 'src/webhooks'))) {
      for (const target of importsOf(file))
        assert.doesNotMatch(target, /^src\/http\//, `${relative(ROOT, file)} imports ${target}`);
    }
  });
});
