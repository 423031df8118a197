/**
 * The service on an S3-compatible store (s3rver on loopback, reached through a proxy a
 * test can cut): inputs, uploads, results and media URLs of every dialect go through
 * the bucket, and so do the gallery's motion previews; a store that is down is a clear 503 from the API with nothing stored, and
 * a render whose result upload fails is retried, not failed.
 *
 * The engine is a stand-in that writes a 9 MiB "video" (so results go up as multipart
 * uploads) and can cut the store just as the render ends.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3MediaStore } from '../../src/adapters/s3/s3-media-store.js';
import type { Engine } from '../../src/core/ports.js';
import { loadPreviewPicture } from '../../src/engine/previews/preview-picture.js';
import { DIALECTS, pollIn, submitIn, waitIn } from '../support/dialects.js';
import { makeTestDataUri, makeTestPng } from '../support/images.js';
import { KEY_A, getJson, postJson, startTestServer, type TestServer } from '../support/in-process.js';
import { startS3Server, type TestS3Server } from '../support/s3-server.js';
import { startCuttableProxy, type CuttableProxy } from '../support/tcp-proxy.js';

// The SDK's standard credential chain starts with these; set here so it never looks further
// (the instance metadata service is not on loopback).
process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const VIDEO = randomBytes(9 * 1024 * 1024);
const AUTH = { authorization: `Key ${KEY_A}` };

function standInEngine(onRendered: (taskId: string) => void = () => undefined) {
  const renders: string[] = [];
  const engine: Engine = {
    name: 'stand-in',
    canRender: () => ({ renderable: true }),
    async render(job, context) {
      renders.push(job.taskId);
      const files = {
        raw: join(context.workDir, 'raw.mp4'),
        min: join(context.workDir, 'min.mp4'),
        poster: join(context.workDir, 'poster.jpg'),
      };
      await writeFile(files.raw, VIDEO);
      await writeFile(files.min, Buffer.from('small'));
      await writeFile(files.poster, await makeTestPng(32, 32));
      onRendered(job.taskId);
      return { ...files, resolved: { width: 64, height: 64, fps: 12, frames: 24, duration: 2 } };
    },
  };
  return { engine, renders };
}

let s3: TestS3Server;
let proxy: CuttableProxy;
let image: string;
before(async () => {
  s3 = await startS3Server();
  proxy = await startCuttableProxy(new URL(s3.endpoint));
  image = await makeTestDataUri(64, 64);
});
after(async () => {
  await proxy?.close();
  await s3?.close();
});

const s3Env = (prefix: string, extra: Record<string, string> = {}) => ({
  MEDIA: 's3',
  S3_BUCKET: s3.bucket,
  S3_PREFIX: prefix,
  S3_ENDPOINT: proxy.url.replace(/\/$/, ''),
  S3_FORCE_PATH_STYLE: 'true',
  ...extra,
});

/** The bucket as seen directly (not through the proxy). */
const bucket = (prefix: string) =>
  new S3MediaStore({
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    client: { credentials: s3.credentials },
  });

describe('MEDIA=s3, MEDIA_URLS=proxy', () => {
  let server: TestServer;
  let fake: ReturnType<typeof standInEngine>;
  let cutAfterRender: string | undefined;
  before(async () => {
    fake = standInEngine((taskId) => {
      if (taskId === cutAfterRender) proxy.cut();
    });
    server = await startTestServer(s3Env('proxy-mode/'), { app: { engine: fake.engine } });
  });
  after(() => server?.close());

  test('every dialect stores its input and results in the bucket and serves them, ranges included', async () => {
    const direct = bucket('proxy-mode/');
    try {
      for (const dialect of DIALECTS) {
        const { status, id } = await submitIn(dialect, server.baseUrl, image);
        assert.equal(status, 200, dialect);
        const done = await waitIn(dialect, server.baseUrl, id!);
        assert.equal(done.status, 'completed', dialect);
        const url = new URL(done.videoUrl!);
        const key = url.pathname.replace(/^\/media\//, '');
        assert.deepEqual(
          await direct.stat(key),
          { bytes: VIDEO.length, contentType: 'video/mp4' },
          `${dialect}: the result is an object in the bucket`,
        );
        const whole = await fetch(url, { headers: AUTH });
        assert.equal(whole.status, 200);
        assert.ok(Buffer.from(await whole.arrayBuffer()).equals(VIDEO), `${dialect}: the whole video`);
        const part = await fetch(url, { headers: { ...AUTH, range: 'bytes=8388600-8388615' } });
        assert.equal(part.status, 206);
        assert.equal(part.headers.get('content-range'), `bytes 8388600-8388615/${VIDEO.length}`);
        assert.ok(
          Buffer.from(await part.arrayBuffer()).equals(VIDEO.subarray(8388600, 8388616)),
          `${dialect}: a range across the first part's end`,
        );
      }
      const feed = await getJson(`${server.baseUrl}/higgsfield/tasks?limit=1`, AUTH);
      const input = new URL(feed.body.tasks[0].params.input_image.url);
      const res = await fetch(input, { headers: AUTH });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png', 'the input is served from the bucket with its type');
    } finally {
      direct.close();
    }
  });

  test('an upload from /files/generate-upload-url lands in the bucket and works as an input', async () => {
    const slot = await postJson(
      `${server.baseUrl}/files/generate-upload-url`,
      { content_type: 'image/png' },
      { ...AUTH, 'content-type': 'application/json' },
    );
    assert.equal(slot.status, 200);
    const put = await fetch(slot.body.upload_url, {
      method: 'PUT',
      headers: slot.body.upload_headers,
      body: await makeTestPng(48, 48),
    });
    assert.equal(put.status, 200);
    const key = new URL(slot.body.public_url).pathname.replace(/^\/media\//, '');
    const direct = bucket('proxy-mode/');
    try {
      assert.equal((await direct.stat(key))?.contentType, 'image/png');
    } finally {
      direct.close();
    }
    const { id } = await submitIn('v1', server.baseUrl, slot.body.public_url);
    assert.equal((await waitIn('v1', server.baseUrl, id!)).status, 'completed');
  });

  test('a motion preview is an object in the bucket and is served from it, ranges included', async () => {
    const { id: pictureId } = await loadPreviewPicture(server.dataDir);
    const key = `previews/${pictureId}/_still.webp`;
    const url = `${server.baseUrl}/previews/motions/_still.webp`;
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'image/webp');
    assert.equal(whole.headers.get('cache-control'), 'public, max-age=86400');
    const body = Buffer.from(await whole.arrayBuffer());
    const direct = bucket('proxy-mode/');
    try {
      assert.deepEqual(
        await direct.stat(key),
        { bytes: body.length, contentType: 'image/webp' },
        'the preview was put into the bucket',
      );
      assert.ok((await direct.read(key)).equals(body), 'the route serves the object');
      // Replace the object behind the server's back: what the route serves must follow the
      // bucket, not the node's local render cache.
      const replaced = Buffer.concat([body, Buffer.from('from the bucket')]);
      await direct.putBuffer(key, replaced, 'image/webp');
      const again = Buffer.from(await (await fetch(url)).arrayBuffer());
      assert.ok(again.equals(replaced), 'the bytes come from the bucket');
      const part = await fetch(url, { headers: { range: 'bytes=4-11' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 4-11/${replaced.length}`);
      assert.ok(Buffer.from(await part.arrayBuffer()).equals(replaced.subarray(4, 12)));
      assert.equal((await fetch(url, { headers: { range: `bytes=${replaced.length}-` } })).status, 416);
      await direct.putBuffer(key, body, 'image/webp');
    } finally {
      direct.close();
    }
  });

  test('a preview another node already put into the bucket is served without rendering it here', async () => {
    const [motion] = (await getJson(`${server.baseUrl}/higgsfield/tpl/motions?size=1`, AUTH)).body as Array<{
      media: { url: string; type: string };
    }>;
    assert.equal(motion!.media.type, 'animated');
    const slugFile = new URL(motion!.media.url).pathname.split('/').pop()!;
    const { id: pictureId } = await loadPreviewPicture(server.dataDir);
    // Not a WebP at all: a render here would have produced a real one instead.
    const elsewhere = Buffer.from('rendered by another node');
    const direct = bucket('proxy-mode/');
    try {
      await direct.putBuffer(`previews/${pictureId}/${slugFile}`, elsewhere, 'image/webp');
    } finally {
      direct.close();
    }
    const res = await fetch(motion!.media.url);
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(elsewhere));
    assert.equal(
      existsSync(join(server.dataDir, 'previews', pictureId, slugFile)),
      false,
      'nothing was rendered locally',
    );
  });

  test('a store that is down: every dialect answers 503 and stores no task; media GETs are 503', async (t) => {
    const before = (await getJson(`${server.baseUrl}/higgsfield/tasks?limit=100`, AUTH)).body.tasks.length;
    const { id } = await submitIn('v2', server.baseUrl, image);
    const done = await waitIn('v2', server.baseUrl, id!);
    proxy.cut();
    t.after(() => proxy.restore());
    for (const dialect of DIALECTS) {
      const res = await submitIn(dialect, server.baseUrl, image);
      assert.equal(res.status, 503, `${dialect}: ${JSON.stringify(res.body)}`);
      assert.match(JSON.stringify(res.body), /media store unavailable/, `${dialect} says what is down`);
    }
    const media = await fetch(done.videoUrl!, { headers: AUTH });
    assert.equal(media.status, 503);
    const ready = await fetch(`${server.baseUrl}/readyz`);
    assert.equal(ready.status, 503, '/readyz reports the store');
    proxy.restore();
    const after = (await getJson(`${server.baseUrl}/higgsfield/tasks?limit=100`, AUTH)).body.tasks.length;
    assert.equal(after, before + 1, 'no task was created by the refused submits');
    assert.equal((await fetch(done.videoUrl!, { headers: AUTH })).status, 200, 'the result is still there');
  });

  test('a render whose result upload fails goes back to the queue and completes once the store is back', async () => {
    const { id } = await submitIn('reseller', server.baseUrl, image, { prompt: 'cut' });
    cutAfterRender = id;
    // The stand-in cuts the store as its first render of this task ends.
    const deadline = Date.now() + 60_000;
    while (!(fake.renders.includes(id!) && (await pollIn('reseller', server.baseUrl, id!)).status === 'queued')) {
      if (Date.now() > deadline) throw new Error('the task never went back to the queue');
      await sleep(20);
    }
    cutAfterRender = undefined;
    proxy.restore();
    const done = await waitIn('reseller', server.baseUrl, id!);
    assert.equal(done.status, 'completed', JSON.stringify(done.body));
    assert.equal(fake.renders.filter((t) => t === id).length, 2, 'rendered twice: the failed upload was retried');
    const res = await fetch(done.videoUrl!, { headers: AUTH });
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(VIDEO));
  });
});

describe('MEDIA=s3, MEDIA_URLS=presigned', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(s3Env('presigned-mode/', { MEDIA_URLS: 'presigned' }), {
      app: { engine: standInEngine().engine },
    });
  });
  after(() => server?.close());

  test('media URLs stay stillmotion URLs and redirect to a short-lived presigned URL of the object', async () => {
    const { id } = await submitIn('v1', server.baseUrl, image);
    const done = await waitIn('v1', server.baseUrl, id!);
    assert.equal(done.status, 'completed');
    assert.ok(done.videoUrl!.startsWith(`${server.baseUrl}/media/results/`), 'the URL handed out does not expire');
    const redirect = await fetch(done.videoUrl!, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get('location')!;
    assert.ok(location.startsWith(proxy.url.replace(/\/$/, '')), 'it points at the store');
    assert.match(location, /X-Amz-Expires=300/);
    const part = await fetch(location, { headers: { range: 'bytes=0-99' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(VIDEO.subarray(0, 100)));
    const missing = await fetch(done.videoUrl!.replace(/raw\.mp4$/, 'nope.mp4'), { redirect: 'manual' });
    assert.equal(missing.status, 404, 'an absent key is a 404 here too, not a redirect to an S3 error');
  });

  test('a motion preview redirects to a presigned URL of its object in the bucket', async () => {
    const redirect = await fetch(`${server.baseUrl}/previews/motions/_still.webp`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get('location')!;
    assert.ok(location.startsWith(proxy.url.replace(/\/$/, '')), 'it points at the store');
    assert.match(location, /previews\/[a-z0-9-]+\/_still\.webp\?/);
    const object = await fetch(location);
    assert.equal(object.status, 200);
    const bytes = Buffer.from(await object.arrayBuffer());
    assert.equal(bytes.subarray(8, 12).toString('latin1'), 'WEBP', 'the bucket holds the rendered WebP');
  });
});
