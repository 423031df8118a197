/** The Higgsfield relay settings: the SDK's credential names, the base URL, routing, slots. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('Higgsfield relay configuration', () => {
  it('without credentials there is no relay and routing stays auto', () => {
    const config = loadConfig({});
    assert.equal(config.higgsfield, undefined);
    assert.equal(config.engineRouting, 'auto');
    assert.equal(config.relayConcurrency, 4);
  });

  it('reads HF_API_KEY + HF_API_SECRET, or HF_CREDENTIALS=id:secret, with the default base URL', () => {
    const a = loadConfig({ HF_API_KEY: 'id1', HF_API_SECRET: 'sec1' });
    assert.deepEqual(
      [a.higgsfield?.keyId, a.higgsfield?.keySecret, a.higgsfield?.baseUrl],
      ['id1', 'sec1', 'https://api.higgsfield.ai'],
    );
    const b = loadConfig({ HF_CREDENTIALS: 'id2:se:c2', HIGGSFIELD_BASE_URL: 'https://platform.higgsfield.ai/' });
    assert.deepEqual(
      [b.higgsfield?.keyId, b.higgsfield?.keySecret, b.higgsfield?.baseUrl],
      ['id2', 'se:c2', 'https://platform.higgsfield.ai'],
    );
  });

  for (const [env, message] of [
    [{ HF_API_KEY: 'id' }, /together/],
    [{ HF_CREDENTIALS: 'no-colon' }, /KEY_ID:KEY_SECRET/],
    [{ HF_CREDENTIALS: 'a:b', HF_API_KEY: 'c', HF_API_SECRET: 'd' }, /not both/],
    [{ HF_CREDENTIALS: 'a:b', HIGGSFIELD_BASE_URL: 'ftp://x' }, /HIGGSFIELD_BASE_URL/],
    [{ HIGGSFIELD_BASE_URL: 'https://api.higgsfield.ai' }, /no Higgsfield credentials/],
    [{ ENGINE_ROUTING: 'higgsfield' }, /needs Higgsfield credentials/],
    [{ ENGINE_ROUTING: 'gpu' }, /ENGINE_ROUTING must be one of/],
    [{ RELAY_CONCURRENCY: '-1' }, /RELAY_CONCURRENCY/],
  ] as const) {
    it(`refuses ${JSON.stringify(env)}`, () => {
      assert.throws(
        () => loadConfig(env),
        (error) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }
});
