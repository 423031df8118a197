import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeyRing } from '../../src/auth/api-keys.js';
import { VerifiedKeyCache } from '../../src/http/auth.js';

/** A ring that counts its full (hashing) checks. */
function countingRing() {
  const ring = ApiKeyRing.fromCredentials([{ id: 'k1', secret: 'secret-one-0123456789' }]);
  let checks = 0;
  const verify = ring.verify.bind(ring);
  ring.verify = (id, secret) => {
    checks++;
    return verify(id, secret);
  };
  return { ring, checks: () => checks };
}

describe('verified-key cache', () => {
  it('checks a key in full once, then trusts the same secret until the TTL passes', () => {
    const { ring, checks } = countingRing();
    let now = 1000;
    const cache = new VerifiedKeyCache(ring, 500, () => now);
    assert.equal(cache.verify('k1', 'secret-one-0123456789'), 'k1');
    assert.equal(cache.verify('k1', 'secret-one-0123456789'), 'k1');
    assert.equal(checks(), 1);
    now += 501;
    assert.equal(cache.verify('k1', 'secret-one-0123456789'), 'k1');
    assert.equal(checks(), 2);
  });
  it('never accepts a wrong secret for a remembered id, nor remembers failures', () => {
    const { ring, checks } = countingRing();
    const cache = new VerifiedKeyCache(ring, 60_000, () => 0);
    assert.equal(cache.verify('k1', 'secret-one-0123456789'), 'k1');
    assert.equal(cache.verify('k1', 'secret-one-012345678X'), undefined);
    assert.equal(cache.verify('k1', 'short'), undefined);
    assert.equal(cache.verify('nobody', 'secret-one-0123456789'), undefined);
    assert.equal(cache.verify('nobody', 'secret-one-0123456789'), undefined);
    assert.equal(checks(), 5);
    // The good secret is still remembered after the failures.
    assert.equal(cache.verify('k1', 'secret-one-0123456789'), 'k1');
    assert.equal(checks(), 5);
  });
});
