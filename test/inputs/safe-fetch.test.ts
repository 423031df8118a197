import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AppError, type ErrorCode } from '../../src/core/errors.js';
import { createSafeFetcher, type SafeFetcherOptions } from '../../src/inputs/safe-fetch.js';
import { connectSpy, lookupSpy, startLoopbackServer, type LoopbackServer } from './support/loopback.js';

const FIELD = 'image[0]';

/** Asserts a catalogue error about FIELD with no stack trace in its message. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, pattern?: RegExp): Promise<AppError> {
  let caught: unknown;
  await promise.then(
    () => assert.fail(`expected ${code}, got a body`),
    (error: unknown) => (caught = error),
  );
  assert.ok(caught instanceof AppError, `expected an AppError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.field, FIELD);
  assert.ok(caught.message.startsWith(`${FIELD}: `), caught.message);
  assert.doesNotMatch(caught.message, /\n\s+at /);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

function options(overrides: Partial<SafeFetcherOptions> = {}): SafeFetcherOptions {
  return { allowPrivate: false, timeoutMs: 5000, maxBytes: 64 * 1024, ...overrides };
}

describe('safe fetch: the SSRF table (refused before any connection)', () => {
  const table = [
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://0/',
    'http://[::]/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://images.localhost/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://100.64.0.1/',
    'http://255.255.255.255/',
    'https://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
  ];
  for (const url of table) {
    it(`refuses ${url}`, async () => {
      const connect = connectSpy();
      const dns = lookupSpy();
      const fetchBytes = createSafeFetcher(options({ connect: connect.connector, lookup: dns.lookup }));
      await rejectsWith(fetchBytes(url, FIELD), 'image_url_blocked', /non-public/);
      assert.deepEqual(dns.calls, [], 'no DNS question asked');
      assert.deepEqual(connect.attempts, [], 'no connection attempted');
    });
  }
});

describe('safe fetch: disguised loopback against a live listener', () => {
  let server: LoopbackServer;
  before(async () => {
    server = await startLoopbackServer((_req, res) => res.end('should never be served'));
  });
  after(() => server.close());

  it('never reaches a real 127.0.0.1 listener through any disguise (default connector)', async () => {
    const fetchBytes = createSafeFetcher(options());
    for (const host of [
      '127.1',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.0.0.1',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
    ]) {
      await rejectsWith(fetchBytes(`http://${host}:${server.port}/`, FIELD), 'image_url_blocked');
    }
    assert.equal(server.connections(), 0);
  });
});

describe('safe fetch: DNS answers are checked at connect time', () => {
  it('refuses a name that resolves to loopback (rebinding), without connecting', async () => {
    const connect = connectSpy();
    const dns = lookupSpy({ 'images.rebind.test': ['127.0.0.1'] });
    const fetchBytes = createSafeFetcher(options({ connect: connect.connector, lookup: dns.lookup }));
    await rejectsWith(fetchBytes('http://images.rebind.test/cat.png', FIELD), 'image_url_blocked', /127\.0\.0\.1/);
    assert.deepEqual(dns.calls, ['images.rebind.test']);
    assert.deepEqual(connect.attempts, []);
  });

  it('refuses a name with one public and one private answer', async () => {
    const connect = connectSpy();
    const dns = lookupSpy({ 'mixed.test': ['93.184.216.34', '::ffff:10.0.0.7'] });
    const fetchBytes = createSafeFetcher(options({ connect: connect.connector, lookup: dns.lookup }));
    await rejectsWith(fetchBytes('https://mixed.test/a.jpg', FIELD), 'image_url_blocked');
    assert.deepEqual(connect.attempts, []);
  });

  it('resolves once and connects to the checked address, keeping the name for TLS', async () => {
    // The spy refuses to open the socket, so no packet leaves the machine.
    const connect = connectSpy();
    const dns = lookupSpy({ 'cdn.example.test': ['93.184.216.34'] });
    const fetchBytes = createSafeFetcher(options({ connect: connect.connector, lookup: dns.lookup }));
    await rejectsWith(
      fetchBytes('https://cdn.example.test/a.jpg', FIELD),
      'image_fetch_failed',
      /could not be fetched/,
    );
    assert.deepEqual(dns.calls, ['cdn.example.test']);
    assert.deepEqual(connect.attempts, ['93.184.216.34:443 (cdn.example.test)']);
  });

  it('allowPrivate lifts the address block (and only that)', async () => {
    const server = await startLoopbackServer((_req, res) => res.end('bytes'));
    try {
      const fetchBytes = createSafeFetcher(options({ allowPrivate: true }));
      const fetched = await fetchBytes(`http://127.0.0.1:${server.port}/x`, FIELD);
      assert.equal(fetched.body.toString(), 'bytes');
      await rejectsWith(fetchBytes('ftp://127.0.0.1/x', FIELD), 'image_url_blocked', /only http and https/);
      await rejectsWith(fetchBytes('file:///etc/passwd', FIELD), 'image_url_blocked', /only http and https/);
    } finally {
      await server.close();
    }
  });
});

describe('safe fetch: redirects, size, time and status (one allowed loopback listener)', () => {
  let server: LoopbackServer;
  let port: number;
  const connect = connectSpy(true);
  const dns = lookupSpy({ 'private.test': ['10.0.0.7'] });
  let closedEarly = 0;

  before(async () => {
    server = await startLoopbackServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const hop = /^\/r\/(\d+)$/.exec(url.pathname);
      if (hop) {
        const left = Number(hop[1]);
        res.writeHead(302, { location: left === 0 ? '/image' : `/r/${left - 1}` }).end();
        return;
      }
      switch (url.pathname) {
        case '/image':
          res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(1000, 7));
          return;
        case '/to': {
          res.writeHead(307, { location: url.searchParams.get('u') ?? '' }).end();
          return;
        }
        case '/no-location':
          res.writeHead(302).end();
          return;
        case '/declared-huge':
          res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
          res.write(Buffer.alloc(1024));
          return; // never finishes: the client must give up on the header alone
        case '/endless': {
          res.writeHead(200, { 'content-type': 'image/png' }); // chunked, no length
          let sent = 0;
          const timer = setInterval(() => {
            if (res.destroyed || sent > 50 * 1024 * 1024) {
              clearInterval(timer);
              res.end();
              return;
            }
            sent += 16 * 1024;
            res.write(Buffer.alloc(16 * 1024, 1));
          }, 1);
          res.on('close', () => {
            clearInterval(timer);
            if (sent <= 50 * 1024 * 1024) closedEarly += 1;
          });
          return;
        }
        case '/hang':
          return; // never answers
        case '/stall':
          res.writeHead(200, { 'content-type': 'image/png' });
          res.write(Buffer.alloc(10));
          return; // headers and a little body, then silence
        case '/missing':
          res.writeHead(404).end('nope');
          return;
        case '/broken':
          res.writeHead(500).end();
          return;
        default:
          res.writeHead(400).end();
      }
    });
    port = server.port;
  });
  after(() => server.close());

  /** Allows exactly 127.0.0.1:<server port>, so loopback can stand in for "the internet". */
  function fetcher(overrides: Partial<SafeFetcherOptions> = {}) {
    return createSafeFetcher(
      options({
        allowPrivate: true,
        isAllowedAddress: (address, p) => address === '127.0.0.1' && p === port,
        connect: connect.connector,
        lookup: dns.lookup,
        ...overrides,
      }),
    );
  }
  const at = (path: string) => `http://127.0.0.1:${port}${path}`;

  it('fetches bytes, content type and final URL', async () => {
    const fetched = await fetcher()(at('/image'), FIELD);
    assert.equal(fetched.body.length, 1000);
    assert.equal(fetched.contentType, 'image/png');
    assert.equal(fetched.finalUrl, at('/image'));
  });

  it('follows a chain of 3 redirects', async () => {
    const fetched = await fetcher()(at('/r/2'), FIELD); // /r/2 → /r/1 → /r/0 → /image
    assert.equal(fetched.finalUrl, at('/image'));
    assert.equal(fetched.body.length, 1000);
  });

  it('refuses a 4th redirect', async () => {
    await rejectsWith(fetcher()(at('/r/3'), FIELD), 'image_fetch_failed', /more than 3/);
  });

  it('honours a smaller maxRedirects', async () => {
    await rejectsWith(fetcher({ maxRedirects: 0 })(at('/r/0'), FIELD), 'image_fetch_failed', /more than 0/);
  });

  it('re-checks the address of every hop', async () => {
    const before = connect.attempts.length;
    for (const target of [
      `http://[::1]:${port}/image`,
      `http://127.0.0.2:${port}/image`,
      `http://127.0.0.1:${port + 1}/image`,
      'http://private.test/image',
    ]) {
      await rejectsWith(fetcher()(at(`/to?u=${encodeURIComponent(target)}`), FIELD), 'image_url_blocked');
    }
    // One connection per attempt, all to the allowed listener; none to the redirect targets.
    assert.deepEqual(new Set(connect.attempts.slice(before)), new Set([`127.0.0.1:${port}`]));
  });

  it('re-checks the scheme of every hop', async () => {
    await rejectsWith(
      fetcher()(at(`/to?u=${encodeURIComponent('file:///etc/passwd')}`), FIELD),
      'image_url_blocked',
      /file:/,
    );
    await rejectsWith(
      fetcher()(at(`/to?u=${encodeURIComponent('gopher://127.0.0.1:70/')}`), FIELD),
      'image_url_blocked',
    );
  });

  it('fails a redirect without a Location', async () => {
    await rejectsWith(fetcher()(at('/no-location'), FIELD), 'image_fetch_failed', /302/);
  });

  it('refuses an oversized Content-Length before reading the body', async () => {
    await rejectsWith(fetcher({ maxBytes: 4096 })(at('/declared-huge'), FIELD), 'image_too_large', /4 KiB/);
  });

  it('cuts a chunked body that keeps going past the cap', async () => {
    await rejectsWith(fetcher({ maxBytes: 256 * 1024 })(at('/endless'), FIELD), 'image_too_large', /256 KiB/);
    // The server sees the client hang up long before its 50 MB would have been sent.
    for (let i = 0; i < 100 && closedEarly === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    assert.equal(closedEarly, 1);
  });

  it('times out a server that never answers', { timeout: 10_000 }, async () => {
    await rejectsWith(fetcher({ timeoutMs: 300 })(at('/hang'), FIELD), 'image_fetch_failed', /longer than 300 ms/);
  });

  it('times out a body that stalls', { timeout: 10_000 }, async () => {
    await rejectsWith(fetcher({ timeoutMs: 300 })(at('/stall'), FIELD), 'image_fetch_failed', /longer than 300 ms/);
  });

  it('names the status of a non-2xx answer', async () => {
    await rejectsWith(fetcher()(at('/missing'), FIELD), 'image_fetch_failed', /HTTP 404/);
    await rejectsWith(fetcher()(at('/broken'), FIELD), 'image_fetch_failed', /HTTP 500/);
  });

  it('reports a refused connection without leaking library text', async () => {
    const closed = await startLoopbackServer((_req, res) => res.end());
    const deadPort = closed.port;
    await closed.close();
    const fetchBytes = fetcher({ isAllowedAddress: (address, p) => address === '127.0.0.1' && p === deadPort });
    await rejectsWith(
      fetchBytes(`http://127.0.0.1:${deadPort}/`, FIELD),
      'image_fetch_failed',
      /could not be fetched \(ECONNREFUSED\)/,
    );
  });
});
