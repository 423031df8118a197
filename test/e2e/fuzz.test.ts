/**
 * Fuzzed bodies against the real server (through inject(): the whole HTTP stack, no
 * socket): whatever arrives, the answer is never a 5xx (a 5xx is always a bug), and every
 * 4xx carries the error envelope.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, startTestServer, type TestServer } from '../support/in-process.js';

/** Image strings that never trigger an outbound fetch (no test traffic leaves the machine). */
const offlineImageString = fc.string({ maxLength: 40 }).map((s) => (/^\s*https?:/i.test(s) ? `x${s}` : s));

describe('fuzzed request bodies', () => {
  let server: TestServer;
  let image: string;
  before(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' }, { listen: false });
    image = await makeTestDataUri(48, 32);
  });
  after(async () => server.close());

  async function send(body: string): Promise<void> {
    const res = await server.post('/higgsfield/generate', body, bearer(KEY_A));
    const text = JSON.stringify(res.body);
    assert.ok(res.status < 500, `5xx for ${body.slice(0, 300)} → ${res.status} ${text}`);
    if (res.status >= 400) {
      assert.equal(typeof res.body.error?.message, 'string', text);
      assert.equal(typeof res.body.error?.code, 'string', text);
    }
  }

  it('mutated valid bodies never get a 5xx', async () => {
    const field = fc.constantFrom(
      'model',
      'motion_id',
      'prompt',
      'enhance_prompt',
      'seed',
      'width',
      'height',
      'image',
      'duration',
      'fps',
      'extra',
    );
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(offlineImageString, { maxLength: 3 }),
      fc.integer(),
      fc.double(),
      fc.constantFrom('lite', 'turbo', 'standard', 'Dolly In', 'Building Explosion', '', null),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 4 }), async (mutations) => {
        const body: Record<string, unknown> = {
          model: 'lite',
          motion_id: 'Zoom In',
          prompt: 'p',
          image: [image],
          width: 64,
          height: 64,
        };
        for (const [k, v] of mutations) body[k] = v;
        await send(JSON.stringify(body));
      }),
      { numRuns: 250 },
    );
  });

  it('arbitrary JSON and arbitrary text never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 200 })), async (text) => {
        await send(text);
      }),
      { numRuns: 150 },
    );
  });
});
