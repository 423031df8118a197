/**
 * The guard connects to the checked IP, not the name; this shows TLS still verifies the
 * certificate against the name (SNI + hostname check), with a throwaway self-signed
 * certificate made by `openssl` and a loopback listener.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildConnector } from 'undici';
import { AppError } from '../../src/core/errors.js';
import { createSafeFetcher } from '../../src/inputs/safe-fetch.js';
import { lookupSpy } from './support/loopback.js';

function makeCertificate(name: string): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'stillmotion-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const credentials = makeCertificate('images.test');

describe('safe fetch over TLS', { skip: credentials === undefined && 'openssl is not available' }, () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];

  before(async () => {
    server = createServer(credentials!, (req, res) => {
      seen.push(String((req.socket as TLSSocket).servername));
      res.end('tls bytes');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fetcherTrusting = (ca: string) =>
    createSafeFetcher({
      allowPrivate: false,
      timeoutMs: 5000,
      maxBytes: 1024,
      lookup: lookupSpy({ 'images.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] }).lookup,
      isAllowedAddress: (address, p) => address === '127.0.0.1' && p === port,
      // Trust only the throwaway certificate; refuse any other address outright.
      connect: (options, callback) => {
        if (options.hostname !== '127.0.0.1') return callback(new Error('test tripwire'), null);
        buildConnector({ ca, timeout: 2000 })(options, callback);
      },
    });

  it('connects to the checked IP yet verifies the certificate for the name', async () => {
    const fetched = await fetcherTrusting(credentials!.cert)(`https://images.test:${port}/a`, 'image[0]');
    assert.equal(fetched.body.toString(), 'tls bytes');
    assert.deepEqual(seen, ['images.test']); // SNI carried the name, not the address
  });

  it('fails when the certificate does not match the name', async () => {
    await assert.rejects(
      fetcherTrusting(credentials!.cert)(`https://other.test:${port}/a`, 'image[0]'),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'image_fetch_failed');
        assert.match(error.message, /^image\[0\]: the image URL could not be fetched \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
        return true;
      },
    );
  });
});
