/**
 * The playground's size note must tell the truth: its copy of the sizing rule (web/src,
 * which cannot import server code) agrees with the engine's for every tier and aspect.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveSize } from '../../src/engine/framing/render-size.js';
import { expectedSize, requestedSize, sizeAtTier } from '../../web/src/sizes.js';

const tiers = ['lite', 'turbo', 'standard'] as const;

test('Auto: the expected size is the size the engine renders for that picture', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...tiers),
      fc.integer({ min: 16, max: 8000 }),
      fc.integer({ min: 16, max: 8000 }),
      (tier, width, height) => {
        const image = { width, height };
        assert.deepEqual(expectedSize('auto', tier, { width: 0, height: 0 }, image), resolveSize(tier, image, {}));
      },
    ),
  );
});

test('aspect presets send a size the engine keeps as is', () => {
  for (const tier of tiers) {
    for (const preset of ['16:9', '9:16', '1:1'] as const) {
      const sent = requestedSize(preset, tier, { width: 0, height: 0 });
      assert.deepEqual(resolveSize(tier, { width: 1000, height: 1000 }, sent), sent, `${tier} ${preset}`);
    }
  }
  assert.deepEqual(sizeAtTier('lite', 16 / 9), { width: 854, height: 480 });
  assert.deepEqual(sizeAtTier('standard', 9 / 16), { width: 1080, height: 1920 });
});

test('Auto sends no size (the server follows image[0]); custom sends what was typed', () => {
  assert.deepEqual(requestedSize('auto', 'turbo', { width: 320, height: 180 }), {});
  assert.deepEqual(requestedSize('custom', 'turbo', { width: 320, height: 180 }), { width: 320, height: 180 });
});
