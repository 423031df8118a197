import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { checkDist } from '../../bin/dist-stamp.mjs';
import { MotionCatalogue } from '../../src/catalogue/motion-catalogue.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const built = checkDist(root);

describe('the built motion catalogue', () => {
  // dist/ reads the records in the order the build wrote them (no sort at start-up): that
  // order must be the one the sources sort into, or listings and name lookups would differ.
  it('lists every motion in the order the sources sort them into', {
    skip: !built.ok && 'dist/ is not built',
  }, async () => {
    const compiled = (await import(
      new URL('../../dist/src/catalogue/motion-catalogue.js', import.meta.url).href
    )) as typeof import('../../src/catalogue/motion-catalogue.js');
    const fromDist = compiled.MotionCatalogue.load();
    const fromSources = MotionCatalogue.load();
    assert.deepEqual(
      fromDist.motions.map((m) => m.id),
      fromSources.motions.map((m) => m.id),
    );
    assert.deepEqual(
      fromDist.distinctByName().map((m) => m.id),
      fromSources.distinctByName().map((m) => m.id),
    );
    for (const name of ['Zoom In', 'crash-zoom-in', 'Dolly Out'])
      assert.equal(fromDist.resolve(name)?.id, fromSources.resolve(name)?.id);
  });
});
