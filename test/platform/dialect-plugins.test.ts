/**
 * Each dialect is a plugin with its own error shape, even where no route matched: an unknown
 * path under a dialect's prefix answers in that dialect's shape. v1's DoP path has real body
 * and response schemas: Fastify validates the body by its shape (wrapped `params`, flat v1
 * names, flat v2 names), and the OpenAPI document shows the same three shapes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/in-process.js';

const PLATFORM = { 'hf-api-key': 'key-a', 'hf-secret': 'secret-aaaaaaaaaaaaaaaa', 'content-type': 'application/json' };

describe('dialect plugins', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
  });
  after(async () => server.close());

  const inject = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    server.app.server.inject({
      method,
      url,
      headers: PLATFORM,
      ...(payload !== undefined && { payload: JSON.stringify(payload) }),
    });

  it('an unknown route answers in the shape of the dialect whose prefix the path has', async () => {
    const reseller = await inject('GET', '/higgsfield/nope?x=1');
    assert.equal(reseller.statusCode, 404);
    assert.deepEqual(reseller.json(), {
      error: { message: 'no route GET /higgsfield/nope', type: 'not_found_error', code: 'not_found', param: null },
    });
    for (const url of ['/v1/nope', '/higgsfield-ai/dop/ultra', '/requests/abc/nope', '/files/nope']) {
      const platform = await inject('POST', url, {});
      assert.equal(platform.statusCode, 404, url);
      assert.deepEqual(platform.json(), { detail: `no route POST ${url}` }, url);
    }
    // Outside every dialect: both shapes' fields, as before.
    const outside = (await inject('GET', '/nope')).json();
    assert.equal(outside.error.code, 'not_found');
    assert.equal(outside.detail, 'Not Found');
  });

  it("v1's DoP body is validated by its shape, naming the field of that shape", async () => {
    const image = 'https://example.com/a.png';
    const cases: [unknown, (string | number)[]][] = [
      [{ params: { model: 'dop-lite', input_images: [{ image_url: image }] } }, ['body', 'params', 'prompt']],
      [
        { params: { model: 'dop-ultra', prompt: 'x', input_images: [{ image_url: image }] } },
        ['body', 'params', 'model'],
      ],
      [{ model: 'dop-lite', prompt: 'x', input_images: [] }, ['body', 'input_images']],
      [{ prompt: 'x', motion_id: 'Dolly In' }, ['body', 'image_url']],
      [[1, 2], ['body']],
    ];
    for (const [body, loc] of cases) {
      const res = await inject('POST', '/v1/image2video/dop', body);
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(res.json().detail[0].loc, loc, res.body);
    }
  });

  it('the OpenAPI document shows the DoP body shapes and the response the route serialises', async () => {
    const doc = (await server.app.server.inject({ url: '/openapi.json' })).json();
    const post = doc.paths['/v1/image2video/dop'].post;
    const body = post.requestBody.content['application/json'].schema;
    assert.equal(body.if, undefined, 'no if/then/else in an OpenAPI 3.0 document');
    const shapes = (body.anyOf as { required?: string[] }[]).map((s) => s.required ?? []);
    assert.deepEqual(
      shapes.map((r) => r.find((f) => ['params', 'input_images', 'image_url'].includes(f))),
      ['params', 'input_images', 'image_url'],
    );
    const ok = post.responses['200'].content['application/json'].schema;
    for (const key of ['id', 'jobs', 'input_params', 'request_id', 'status_url']) assert.ok(ok.properties[key], key);
  });
});
