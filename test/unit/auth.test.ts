import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiKeyRing, credentialsFromHeaders, loadOrCreateKeys } from '../../src/auth/api-keys.js';

describe('API keys', () => {
  it('verifies only the exact pair', () => {
    const ring = ApiKeyRing.fromCredentials([{ id: 'a', secret: 'secret-one-1' }]);
    assert.equal(ring.verify('a', 'secret-one-1'), 'a');
    assert.equal(ring.verify('a', 'secret-one-2'), undefined);
    assert.equal(ring.verify('b', 'secret-one-1'), undefined);
    assert.equal(ring.verify('a', ''), undefined);
  });

  it('reads every accepted header form', () => {
    assert.deepEqual(credentialsFromHeaders({ authorization: 'Bearer id1:s:e:c' }), { id: 'id1', secret: 's:e:c' });
    assert.deepEqual(credentialsFromHeaders({ authorization: 'Key id1:sec' }), { id: 'id1', secret: 'sec' });
    assert.deepEqual(credentialsFromHeaders({ 'hf-api-key': 'id1', 'hf-secret': 'sec' }), { id: 'id1', secret: 'sec' });
    assert.equal(credentialsFromHeaders({ authorization: 'Bearer nocolon' }), undefined);
    assert.equal(credentialsFromHeaders({ authorization: 'Basic abc:def' }), undefined);
    assert.equal(credentialsFromHeaders({}), undefined);
  });

  it('creates a key on first start, stores only its hash, and writes the plain key with mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    try {
      const first = loadOrCreateKeys(dir, []);
      assert.ok(first.created);
      const plain = readFileSync(first.created.file, 'utf8').trim();
      assert.equal(plain, `${first.created.id}:${first.created.secret}`);
      assert.equal(statSync(first.created.file).mode & 0o777, 0o600);
      const stored = readFileSync(join(dir, 'keys.json'), 'utf8');
      assert.ok(!stored.includes(first.created.secret), 'the secret itself is not stored');
      const second = loadOrCreateKeys(dir, []);
      assert.equal(second.created, undefined, 'not created twice');
      assert.equal(second.ring.verify(first.created.id, first.created.secret), first.created.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configured keys replace the stored one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    try {
      const { ring, created } = loadOrCreateKeys(dir, [{ id: 'x', secret: 'yyyyyyyyyy' }]);
      assert.equal(created, undefined);
      assert.equal(ring.verify('x', 'yyyyyyyyyy'), 'x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
