import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { AppError, type ErrorCode } from '../../src/core/errors.js';
import { createImageLoader, type ImageLoaderOptions } from '../../src/inputs/load-image.js';
import { animatedGif, jpeg, png, rotatedJpeg } from './support/images.js';
import { startLoopbackServer, type LoopbackServer } from './support/loopback.js';

const FIELD = 'image[0]';
const BASE: ImageLoaderOptions = { allowPrivate: false, timeoutMs: 5000, maxBytes: 1024 * 1024, maxPixels: 4_000_000 };

async function refused(promise: Promise<unknown>, code: ErrorCode, pattern?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.field, FIELD);
    assert.ok(error.message.startsWith(`${FIELD}: `), error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('loadImage from inline data', () => {
  const loadImage = createImageLoader(BASE);

  it('accepts a data URI, typing it by its bytes rather than its label', async () => {
    const body = await png(30, 20);
    const loaded = await loadImage(`data:image/jpeg;base64,${body.toString('base64')}`, FIELD);
    assert.deepEqual(loaded.body, body);
    assert.equal(loaded.contentType, 'image/png');
    assert.deepEqual([loaded.width, loaded.height], [30, 20]);
    assert.equal(loaded.sourceUrl, undefined);
  });

  it('accepts bare base64 with line breaks', async () => {
    const body = await jpeg(32, 16);
    const wrapped = body.toString('base64').replace(/(.{76})/g, '$1\n');
    const loaded = await loadImage(wrapped, FIELD);
    assert.equal(loaded.contentType, 'image/jpeg');
    assert.deepEqual([loaded.width, loaded.height], [32, 16]);
  });

  it('reports EXIF-rotated size and orientation, leaving the bytes alone', async () => {
    const body = await rotatedJpeg(40, 20);
    const loaded = await loadImage(body.toString('base64'), FIELD);
    assert.deepEqual([loaded.width, loaded.height, loaded.orientation], [20, 40, 6]);
    assert.deepEqual(loaded.body, body);
  });

  it('keeps only the first frame of an animation, as a still PNG, and says so', async () => {
    const loaded = await loadImage((await animatedGif(3, 24, 16)).toString('base64'), FIELD);
    assert.equal(loaded.contentType, 'image/png');
    assert.match(loaded.notes.join(' '), /3 frames; only the first is used/);
    const meta = await sharp(loaded.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.pages ?? 1], ['png', 24, 16, 1]);
    assert.deepEqual([loaded.width, loaded.height], [24, 16]);
  });

  it('refuses garbage, non-images and oversized data', async () => {
    await refused(loadImage('definitely not an image!', FIELD), 'invalid_request', /expected an http\(s\) URL/);
    await refused(loadImage('file:///etc/passwd', FIELD), 'invalid_request', /file: URLs are not accepted/);
    await refused(loadImage(Buffer.from('plain text pretending').toString('base64'), FIELD), 'image_invalid');
    await refused(loadImage(undefined as unknown as string, FIELD), 'invalid_request', /must be a string/);
    const small = createImageLoader({ ...BASE, maxBytes: 2048 });
    await refused(small((await jpeg(256, 256)).toString('base64'), FIELD), 'image_too_large', /2 KiB/);
    const fewPixels = createImageLoader({ ...BASE, maxPixels: 100 * 100 });
    await refused(fewPixels((await png(101, 100)).toString('base64'), FIELD), 'image_too_large', /10,000 pixels/);
  });
});

describe('loadImage from a URL (loopback listener only)', () => {
  let server: LoopbackServer;
  let picture: Buffer;

  before(async () => {
    picture = await jpeg(48, 32);
    server = await startLoopbackServer((req, res) => {
      if (req.url === '/photo') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(picture);
      else if (req.url === '/moved') res.writeHead(301, { location: '/photo' }).end();
      else if (req.url === '/page') res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html>not found</html>');
      else res.writeHead(404).end();
    });
  });
  after(() => server.close());

  const onlyOurServer = () =>
    createImageLoader({
      ...BASE,
      allowPrivate: true,
      fetcher: { isAllowedAddress: (a, p) => a === '127.0.0.1' && p === server.port },
    });

  it('fetches, probes and reports where the bytes came from', async () => {
    const loaded = await onlyOurServer()(`http://127.0.0.1:${server.port}/moved`, FIELD);
    assert.deepEqual(loaded.body, picture);
    assert.equal(loaded.contentType, 'image/jpeg'); // from the bytes, not the server's header
    assert.deepEqual([loaded.width, loaded.height], [48, 32]);
    assert.equal(loaded.sourceUrl, `http://127.0.0.1:${server.port}/photo`);
  });

  it('refuses a served non-image even when it claims to be one', async () => {
    await refused(onlyOurServer()(`http://127.0.0.1:${server.port}/page`, FIELD), 'image_invalid');
  });

  it('passes fetch failures through, naming the field', async () => {
    await refused(onlyOurServer()(`http://127.0.0.1:${server.port}/nope`, FIELD), 'image_fetch_failed', /HTTP 404/);
  });

  it('blocks loopback by default and fetches it with ALLOW_PRIVATE_URLS', async () => {
    const url = `http://127.0.0.1:${server.port}/photo`;
    const connectionsBefore = server.connections();
    await refused(createImageLoader(BASE)(url, FIELD), 'image_url_blocked');
    assert.equal(server.connections(), connectionsBefore);
    const loaded = await createImageLoader({ ...BASE, allowPrivate: true })(url, FIELD);
    assert.deepEqual(loaded.body, picture);
  });
});
