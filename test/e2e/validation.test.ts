/**
 * Every validation rule of POST /higgsfield/generate: bad input is a 4xx whose message and
 * `param` name the field; nothing is stored for a rejected request. Through inject(): none
 * of this needs a socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, bearer, startTestServer, type TestServer } from '../support/in-process.js';

describe('POST /higgsfield/generate validation', () => {
  let server: TestServer;
  let image: string;
  let tinyImage: string;
  let valid: Record<string, unknown>;
  before(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0', BODY_LIMIT_BYTES: '2000000' }, { listen: false });
    image = await makeTestDataUri(64, 48);
    tinyImage = await makeTestDataUri(1, 1);
    valid = { model: 'turbo', motion_id: 'Dolly In', prompt: 'x', image: [image] };
  });
  after(async () => server.close());

  const cases: [string, (v: Record<string, unknown>) => unknown, number, string][] = [
    ['missing model', ({ model, ...rest }) => rest, 400, 'model'],
    ['unknown model', (v) => ({ ...v, model: 'ultra' }), 400, 'model'],
    ['model of wrong type', (v) => ({ ...v, model: 3 }), 400, 'model'],
    ['missing motion_id', ({ motion_id, ...rest }) => rest, 400, 'motion_id'],
    ['empty motion_id', (v) => ({ ...v, motion_id: '' }), 400, 'motion_id'],
    ['unknown motion_id', (v) => ({ ...v, motion_id: '00000000-0000-0000-0000-000000000000' }), 400, 'motion_id'],
    [
      'effect motion the local engine cannot render',
      (v) => ({ ...v, motion_id: 'Building Explosion' }),
      422,
      'motion_id',
    ],
    ['missing prompt', ({ prompt, ...rest }) => rest, 400, 'prompt'],
    ['prompt of wrong type', (v) => ({ ...v, prompt: 42 }), 400, 'prompt'],
    ['enhance_prompt as a string', (v) => ({ ...v, enhance_prompt: 'yes' }), 400, 'enhance_prompt'],
    ['seed 0', (v) => ({ ...v, seed: 0 }), 400, 'seed'],
    ['seed above 1000000', (v) => ({ ...v, seed: 1_000_001 }), 400, 'seed'],
    ['seed as a float', (v) => ({ ...v, seed: 1.5 }), 400, 'seed'],
    ['seed as a string', (v) => ({ ...v, seed: '5' }), 400, 'seed'],
    ['width 0', (v) => ({ ...v, width: 0 }), 400, 'width'],
    ['width negative', (v) => ({ ...v, width: -4 }), 400, 'width'],
    ['height too large', (v) => ({ ...v, height: 100_000 }), 400, 'height'],
    ['missing image', ({ image, ...rest }) => rest, 400, 'image'],
    ['image not an array', (v) => ({ ...v, image: image }), 400, 'image'],
    ['no images', (v) => ({ ...v, image: [] }), 400, 'image'],
    ['three images', (v) => ({ ...v, image: [image, image, image] }), 400, 'image'],
    ['image item of wrong type', (v) => ({ ...v, image: [7] }), 400, 'image[0]'],
    [
      'image that is not an image',
      (v) => ({ ...v, image: [Buffer.from('hello, not a picture').toString('base64')] }),
      400,
      'image[0]',
    ],
    ['a 1×1 image', (v) => ({ ...v, image: [tinyImage] }), 400, 'image[0]'],
    ['second image garbage', (v) => ({ ...v, image: [image, 'data:image/png;base64,AAAA'] }), 400, 'image[1]'],
    ['image with a file: URL', (v) => ({ ...v, image: ['file:///etc/passwd'] }), 400, 'image[0]'],
    ['image URL to loopback', (v) => ({ ...v, image: ['http://127.0.0.1:1/a.png'] }), 400, 'image[0]'],
    ['image URL to metadata service', (v) => ({ ...v, image: ['http://169.254.169.254/latest'] }), 400, 'image[0]'],
    ['duration too long', (v) => ({ ...v, duration: 60 }), 400, 'duration'],
    ['fps too low', (v) => ({ ...v, fps: 1 }), 400, 'fps'],
    ['unknown field', (v) => ({ ...v, motionId: 'x' }), 400, 'motionId'],
    // The misspelling, not the field it left missing, is what the client has to fix.
    ['misspelled required field', ({ motion_id, ...rest }) => ({ ...rest, motion_ids: motion_id }), 400, 'motion_ids'],
    ['body is an array', () => [1, 2], 400, 'body'],
    ['body is null', () => null, 400, 'body'],
  ];

  for (const [name, mutate, status, field] of cases) {
    it(`${name} → ${status} naming ${field}`, async () => {
      const { status: got, body } = await server.post('/higgsfield/generate', mutate(valid), bearer(KEY_A));
      assert.equal(got, status, JSON.stringify(body));
      assert.equal(body.error.param, field, JSON.stringify(body));
      assert.ok(body.error.message.includes(field), `message names the field: ${body.error.message}`);
      assert.equal(typeof body.error.code, 'string');
    });
  }

  it('invalid JSON → 400 invalid_json', async () => {
    const { status, body } = await server.post('/higgsfield/generate', '{"model": "turbo",', bearer(KEY_A));
    assert.equal(status, 400);
    assert.equal(body.error.code, 'invalid_json');
  });

  it('oversized body → 413', async () => {
    const big = { ...valid, image: ['A'.repeat(2_100_000)] };
    const { status, body } = await server.post('/higgsfield/generate', big, bearer(KEY_A));
    assert.equal(status, 413);
    assert.equal(body.error.code, 'payload_too_large');
  });

  it('wrong content type → 415', async () => {
    const { status, body } = await server.post('/higgsfield/generate', 'hello', {
      ...bearer(KEY_A),
      'content-type': 'text/plain',
    });
    assert.equal(status, 415);
    assert.equal(body.error.code, 'unsupported_media_type');
  });

  it('a decompression bomb is refused before decoding', async () => {
    const sharp = (await import('sharp')).default;
    const bomb = await sharp({ create: { width: 12000, height: 12000, channels: 3, background: '#808080' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const { status, body } = await server.post(
      '/higgsfield/generate',
      { ...valid, image: [bomb.toString('base64')] },
      bearer(KEY_A),
    );
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal(body.error.code, 'image_too_large');
    assert.equal(body.error.param, 'image[0]');
  });

  it('accepts a motion by id, by name and by slug, and defaults enhance_prompt to true', async () => {
    for (const motion_id of ['Dolly In', 'dolly-in', '81ca2cd2-05db-4222-9ba0-a32e5185adfb']) {
      const { status, body } = await server.post('/higgsfield/generate', { ...valid, motion_id }, bearer(KEY_A));
      assert.equal(status, 200, JSON.stringify(body));
      const feed = await server.get(`/higgsfield/feed/${body.id}`, bearer(KEY_A));
      assert.equal(feed.body.params.motions[0].name, 'Dolly In');
      assert.equal(feed.body.params.enhance_prompt, true);
      assert.equal(feed.body.jobs[0].status, 'queued');
      assert.equal(feed.body.jobs[0].results, null);
    }
  });

  it('unknown task id → 404 in the dialect envelope', async () => {
    const { status, body } = await server.get(`/higgsfield/feed/nope`, bearer(KEY_A));
    assert.equal(status, 404);
    assert.equal(body.error.code, 'not_found');
  });
});
