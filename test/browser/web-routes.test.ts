/**
 * How the playground is served (no browser needed): content types, caching (hashed assets
 * immutable, the page revalidated by ETag), the self-only CSP, and no external URL.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.js';
import { contentSecurityPolicy, webRoutes } from '../../src/http/web-routes.js';

let app: FastifyInstance;

before(async () => {
  app = Fastify();
  await app.register(async (scope) => webRoutes(scope, { config: { publicBaseUrl: undefined } as Config }));
});
after(() => app.close());

test('GET / serves the page, revalidated by ETag, with a self-only CSP', async () => {
  const res = await app.inject({ url: '/' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.match(
    String(res.headers['content-security-policy']),
    /default-src 'none'; script-src 'self'; style-src 'self'/,
  );
  assert.match(res.body, /<title>stillmotion playground<\/title>/);
  assert.doesNotMatch(
    res.body,
    /\{\{|https?:\/\/(?!www\.w3\.org)/,
    'placeholders filled, no external URL (an SVG namespace is not a request)',
  );

  const again = await app.inject({ url: '/', headers: { 'if-none-match': String(res.headers.etag) } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');

  const head = await app.inject({ method: 'HEAD', url: '/' });
  assert.equal(head.statusCode, 200);
  assert.equal(head.headers['content-length'], String(Buffer.byteLength(res.body)));
});

test('the assets the page names are served with their types and cached for good', async () => {
  const page = (await app.inject({ url: '/' })).body;
  const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
  assert.equal(assets.length, 2);
  const types: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
  for (const url of assets) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['content-type'], types[url.split('.').pop() as string], url);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(url, /-[A-Z0-9]{8}\.(js|css)$/, 'content-hashed name');
    assert.doesNotMatch(res.body, /https?:\/\/(?!www\.w3\.org)/, `${url} names no external host`);
  }
});

test('unknown or malformed asset names are 404', async () => {
  for (const url of ['/assets/nope.js', '/assets/..%2Fmanifest.json', '/assets/index.html']) {
    assert.equal((await app.inject({ url })).statusCode, 404, url);
  }
});

test('with PUBLIC_BASE_URL, media from that origin is allowed too', () => {
  const csp = contentSecurityPolicy('https://media.example.com/base');
  assert.match(csp, /media-src 'self' data: blob: https:\/\/media\.example\.com;/);
  assert.match(csp, /img-src 'self' data: blob: https:\/\/media\.example\.com;/);
});
