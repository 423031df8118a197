/**
 * The Node version package.json promises is one every installed package accepts: a
 * dependency that declares a newer Node (cookie@2 and content-disposition@3 want 22) makes
 * the promise false. package-lock.json records each package's `engines.node`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

test('every installed package runs on the oldest Node that package.json accepts', () => {
  const oldest = semver.minVersion(pkg.engines.node)?.version;
  assert.ok(oldest, `engines.node "${pkg.engines.node}" has no lowest version`);
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    if (path === '' || range === undefined) continue;
    if (!semver.satisfies(oldest, range))
      refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${range}`);
  }
  assert.deepEqual(refusing, [], `these want a newer Node than ${oldest}`);
});

test('this Node is one package.json accepts', () => {
  assert.ok(
    semver.satisfies(process.versions.node, pkg.engines.node),
    `${process.versions.node} vs ${pkg.engines.node}`,
  );
});
