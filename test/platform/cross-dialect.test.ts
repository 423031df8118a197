/**
 * One task core behind three dialects: a task created through any dialect reads through
 * the other two, and they agree on its status and its video. The OpenAPI document covers
 * all three.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestDataUri } from '../support/images.js';
import { KEY_A, KEY_B, bearer, startTestServer, waitForTask, type TestServer } from '../support/in-process.js';

const SMALL = { width: 64, height: 64, duration: 2, fps: 12 };
const PLATFORM = { 'hf-api-key': 'key-a', 'hf-secret': 'secret-aaaaaaaaaaaaaaaa', 'content-type': 'application/json' };

describe('cross-dialect reads', () => {
  let server: TestServer;
  let image: string;
  before(async () => {
    server = await startTestServer({}, { listen: false });
    image = await makeTestDataUri(96, 64);
  });
  after(async () => server.close());

  async function readAll(id: string, key = KEY_A) {
    const auth = key === KEY_A ? PLATFORM : bearer(key);
    const [feed, jobSet, request] = await Promise.all([
      server.get(`/higgsfield/feed/${id}`, bearer(key)),
      server.get(`/v1/job-sets/${id}`, auth),
      server.get(`/requests/${id}/status`, auth),
    ]);
    return { feed, jobSet, request };
  }

  it('reseller, v1 and v2 tasks read through every dialect and agree', async () => {
    const created = {
      reseller: (
        await server.post(
          `/higgsfield/generate`,
          { model: 'lite', motion_id: 'Dolly In', prompt: '', image: [image], ...SMALL },
          bearer(KEY_A),
        )
      ).body.id,
      v1: (
        await server.post(
          `/v1/image2video/dop`,
          {
            params: {
              model: 'dop-lite',
              prompt: '',
              input_images: [{ type: 'image_url', image_url: image }],
              ...SMALL,
            },
          },
          PLATFORM,
        )
      ).body.id,
      v2: (
        await server.post(
          `/higgsfield-ai/dop/lite`,
          { image_url: image, motion_id: 'Crash Zoom In', ...SMALL },
          PLATFORM,
        )
      ).body.request_id,
    };
    for (const [dialect, id] of Object.entries(created)) {
      assert.match(id, /^[0-9a-f-]{36}$/, dialect);
      const early = await readAll(id);
      assert.deepEqual([early.feed.status, early.jobSet.status, early.request.status], [200, 200, 200], dialect);
      assert.equal(early.jobSet.body.id, id);
      assert.equal(early.request.body.request_id, id);
      await waitForTask(server, id, KEY_A);
      const { feed, jobSet, request } = await readAll(id);
      assert.equal(feed.body.status, 'completed', dialect);
      assert.equal(jobSet.body.jobs[0].status, 'completed', dialect);
      assert.equal(request.body.status, 'completed', dialect);
      const video = feed.body.jobs[0].results.raw.url;
      assert.equal(jobSet.body.jobs[0].results.raw.url, video, `${dialect}: v1 sees the same video`);
      assert.equal(request.body.video.url, video, `${dialect}: v2 sees the same video`);
      assert.equal(feed.body.jobs[0].id, jobSet.body.jobs[0].id, 'one job id');

      const stranger = await readAll(id, KEY_B);
      assert.deepEqual(
        [stranger.feed.status, stranger.jobSet.status, stranger.request.status],
        [404, 404, 404],
        'other keys see nothing',
      );
    }
  });
});

describe('OpenAPI document', () => {
  it("is JSON listing every dialect's paths", async () => {
    const server = await startTestServer({ WORKER_CONCURRENCY: '0' }, { listen: false });
    try {
      const response = await server.get('/openapi.json', {});
      assert.equal(response.status, 200);
      assert.match(String(response.headers['content-type'] ?? ''), /application\/json/);
      const doc = response.body as { openapi: string; paths: Record<string, Record<string, any>> };
      assert.match(doc.openapi, /^3\./);
      const expected: [string, string][] = [
        ['/higgsfield/generate', 'post'],
        ['/higgsfield/feed/{task_id}', 'get'],
        ['/higgsfield/tpl/motions', 'get'],
        ['/v1/image2video/dop', 'post'],
        ['/v1/job-sets/{id}', 'get'],
        ['/v1/motions', 'get'],
        ['/files/generate-upload-url', 'post'],
        ['/requests/{request_id}/status', 'get'],
        ['/requests/{request_id}/cancel', 'post'],
        ...['lite', 'turbo', 'standard', 'preview'].flatMap((tier): [string, string][] => [
          [`/higgsfield-ai/dop/${tier}`, 'post'],
          [`/higgsfield-ai/dop/${tier}/first-last-frame`, 'post'],
        ]),
      ];
      for (const [path, method] of expected)
        assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
      const generate = doc.paths['/higgsfield/generate']!.post.requestBody.content['application/json'].schema;
      assert.ok(generate.properties.callback_url, 'the callback_url extension is documented');
      const v2 = doc.paths['/higgsfield-ai/dop/lite']!.post.parameters as { name: string; in: string }[];
      assert.ok(
        v2.some((p) => p.name === 'hf_webhook' && p.in === 'query'),
        'hf_webhook is documented',
      );
    } finally {
      await server.close();
    }
  });
});
