/**
 * The MediaStore contract as one case suite, run by every media adapter (filesystem now,
 * S3-compatible later):
 *
 *   runMediaStoreCases('fs', async () => ({ media, cleanup }), { skip: { 'case name': 'why' } });
 *
 * Contract points the cases pin down: keys are `a/b/c.ext` paths and anything else is an
 * AppError `invalid_request`; an absent key reads as AppError `not_found`; `deletePrefix`
 * takes a folder (`abc` removes `abc/...`, never `abcd/...`); a reader sees a whole file
 * or none.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { isAppError } from '../../src/core/errors.js';
import type { MediaStore } from '../../src/core/ports.js';
import { runCases, type SkipList } from './run-cases.js';

export interface MediaStoreFixture {
  /** An empty media store, private to one case. */
  media: MediaStore;
  /** Removes everything it stored. */
  cleanup(): Promise<void>;
}

interface CaseContext extends MediaStoreFixture {
  /** A private local folder for source files of `putFile`. */
  scratch: string;
}

/** Keys that try to leave the store or smuggle path syntax; every adapter refuses them. */
export const HOSTILE_KEYS: readonly string[] = [
  '',
  '..',
  '../escape.txt',
  'a/../../escape.txt',
  'a/..',
  './a.txt',
  '/etc/passwd',
  '//server/share',
  'a\\..\\..\\escape.txt',
  'C:\\windows\\x',
  'a\0.txt',
  'a//b.txt',
  'a/./b.txt',
  '%2e%2e/escape.txt',
  'a/ b.txt',
  'a/.hidden',
];

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const isCode = (code: string) => (error: unknown) => isAppError(error) && error.code === code;

/** Fails unless `action` throws or rejects (or its stream errors) with the given code. */
async function assertRefused(action: () => unknown, code: string, message: string): Promise<void> {
  await assert.rejects(
    async () => {
      const result = action();
      if (result && typeof (result as Readable).pipe === 'function') await collect(result as Readable);
      else await result;
    },
    isCode(code),
    message,
  );
}

export const MEDIA_STORE_CASES: Record<string, (context: CaseContext) => Promise<void>> = {
  async 'putBuffer then read returns the same bytes, and stat their size and type'({ media }) {
    const data = randomBytes(10_000);
    const ref = await media.putBuffer('tok1/raw.mp4', data, 'video/mp4');
    assert.deepEqual(ref, { key: 'tok1/raw.mp4', contentType: 'video/mp4', bytes: 10_000 });
    assert.deepEqual(await media.read('tok1/raw.mp4'), data);
    assert.deepEqual(await media.stat('tok1/raw.mp4'), { bytes: 10_000, contentType: 'video/mp4' });
  },

  async 'the content type is kept as given, whatever the key looks like'({ media }) {
    await media.putBuffer('inputs/tok/0.jpg', Buffer.from('webp really'), 'image/webp');
    await media.putBuffer('inputs/tok/noext', Buffer.from('x'), 'image/png');
    assert.equal((await media.stat('inputs/tok/0.jpg'))?.contentType, 'image/webp');
    assert.equal((await media.stat('inputs/tok/noext'))?.contentType, 'image/png');
  },

  async 'rewriting a key with another type reads back the latest type, whatever the extension'({ media, scratch }) {
    // Under a key whose extension names one type: away from it, back to it, away again.
    for (const [type, body] of [
      ['image/webp', 'webp'],
      ['image/jpeg', 'jpeg'],
      ['image/png', 'png'],
    ] as const) {
      await media.putBuffer('tok/0.jpg', Buffer.from(body), type);
      assert.deepEqual(await media.stat('tok/0.jpg'), { bytes: body.length, contentType: type }, type);
      assert.equal((await media.read('tok/0.jpg')).toString(), body);
    }
    const source = join(scratch, 'poster.out');
    await writeFile(source, 'jpeg poster');
    await media.putFile('tok/0.jpg', source, 'image/jpeg');
    assert.deepEqual(await media.stat('tok/0.jpg'), { bytes: 11, contentType: 'image/jpeg' }, 'putFile');
    // Not an exact match of the extension's type: kept exactly as given.
    await media.putBuffer('tok/1.json', Buffer.from('{}'), 'application/json; charset=utf-8');
    await media.putBuffer('tok/2.JPG', Buffer.from('x'), 'image/jpeg');
    assert.equal((await media.stat('tok/1.json'))?.contentType, 'application/json; charset=utf-8');
    assert.equal((await media.stat('tok/2.JPG'))?.contentType, 'image/jpeg');
  },

  async 'putFile moves a local file in'({ media, scratch }) {
    const data = randomBytes(70_000);
    const source = join(scratch, 'render-out.mp4');
    await writeFile(source, data);
    const ref = await media.putFile('results/tok/raw.mp4', source, 'video/mp4');
    assert.deepEqual(ref, { key: 'results/tok/raw.mp4', contentType: 'video/mp4', bytes: 70_000 });
    assert.deepEqual(await media.read('results/tok/raw.mp4'), data);
    assert.deepEqual(await media.stat('results/tok/raw.mp4'), { bytes: 70_000, contentType: 'video/mp4' });
  },

  async 'a failed putFile leaves the key absent'({ media, scratch }) {
    await assert.rejects(media.putFile('tok/raw.mp4', join(scratch, 'missing.mp4'), 'video/mp4'));
    assert.equal(await media.stat('tok/raw.mp4'), undefined);
  },

  async 'an absent key: stat is undefined, read and streams fail as not_found'({ media }) {
    assert.equal(await media.stat('nope/raw.mp4'), undefined);
    await assertRefused(() => media.read('nope/raw.mp4'), 'not_found', 'read');
    await assertRefused(() => media.createReadStream('nope/raw.mp4'), 'not_found', 'createReadStream');
    await media.putBuffer('tok/raw.mp4', Buffer.from('x'), 'video/mp4');
    assert.equal(await media.stat('tok'), undefined, 'a folder is not a stored file');
    await assertRefused(() => media.read('tok'), 'not_found', 'read of a folder');
    await assertRefused(() => media.createReadStream('tok'), 'not_found', 'createReadStream of a folder');
  },

  async 'putBuffer over an existing key replaces it'({ media }) {
    await media.putBuffer('tok/poster', Buffer.from('old old old'), 'image/jpeg');
    await media.putBuffer('tok/poster', Buffer.from('new'), 'image/webp');
    assert.equal((await media.read('tok/poster')).toString(), 'new');
    assert.deepEqual(await media.stat('tok/poster'), { bytes: 3, contentType: 'image/webp' });
  },

  async 'createReadStream streams the whole file'({ media }) {
    const data = randomBytes(300_000);
    await media.putBuffer('tok/raw.mp4', data, 'video/mp4');
    assert.deepEqual(await collect(media.createReadStream('tok/raw.mp4')), data);
  },

  async 'createReadStream returns exactly the inclusive byte range asked for'({ media }) {
    const data = randomBytes(200_000);
    await media.putBuffer('tok/raw.mp4', data, 'video/mp4');
    const ranges = [
      [0, 0],
      [0, 1],
      [5, 9],
      [65_535, 65_537],
      [199_999, 199_999],
      [100, 150_000],
      [0, 199_999],
    ] as const;
    for (const [start, end] of ranges) {
      const got = await collect(media.createReadStream('tok/raw.mp4', { start, end }));
      assert.equal(got.length, end - start + 1, `length of ${start}-${end}`);
      assert.deepEqual(got, data.subarray(start, end + 1), `bytes of ${start}-${end}`);
    }
  },

  async 'keys that could escape the store are refused by every method'({ media, scratch }) {
    const source = join(scratch, 'x.bin');
    await writeFile(source, 'x');
    for (const key of HOSTILE_KEYS) {
      const label = JSON.stringify(key);
      await assertRefused(
        () => media.putBuffer(key, Buffer.from('x'), 'text/plain'),
        'invalid_request',
        `putBuffer ${label}`,
      );
      await assertRefused(() => media.putFile(key, source, 'text/plain'), 'invalid_request', `putFile ${label}`);
      await assertRefused(() => media.stat(key), 'invalid_request', `stat ${label}`);
      await assertRefused(() => media.read(key), 'invalid_request', `read ${label}`);
      await assertRefused(() => media.createReadStream(key), 'invalid_request', `createReadStream ${label}`);
      await assertRefused(() => media.deletePrefix(key), 'invalid_request', `deletePrefix ${label}`);
    }
  },

  async 'deletePrefix removes a folder and leaves its neighbours alone'({ media }) {
    await media.putBuffer('results/abc/raw.mp4', Buffer.from('1'), 'video/mp4');
    await media.putBuffer('results/abc/deep/poster.jpg', Buffer.from('2'), 'image/jpeg');
    await media.putBuffer('results/abcd/raw.mp4', Buffer.from('3'), 'video/mp4');
    await media.putBuffer('results/ab/raw.mp4', Buffer.from('4'), 'video/mp4');
    await media.deletePrefix('results/abc');
    assert.equal(await media.stat('results/abc/raw.mp4'), undefined);
    assert.equal(await media.stat('results/abc/deep/poster.jpg'), undefined);
    assert.equal((await media.read('results/abcd/raw.mp4')).toString(), '3', 'a longer name is not inside the folder');
    assert.equal((await media.read('results/ab/raw.mp4')).toString(), '4');
    await media.deletePrefix('results/abc/');
    await media.deletePrefix('never/was');
    assert.equal((await media.read('results/abcd/raw.mp4')).toString(), '3', 'deleting absent folders changes nothing');
  },

  async 'a reader never sees a half-written file'({ media }) {
    const size = 8 * 1024 * 1024;
    const first = Buffer.alloc(size, 0x41);
    const second = Buffer.alloc(size, 0x42);
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      // Poll while the writes are in flight; each read must be absent, all-A or all-B.
      while (writing) {
        try {
          const data = await media.read('tok/raw.mp4');
          const kind = data.equals(first) ? 'A' : data.equals(second) ? 'B' : `torn (${data.length} bytes)`;
          seen.add(kind);
        } catch (error) {
          if (!isCode('not_found')(error)) throw error;
          seen.add('absent');
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      await media.putBuffer('tok/raw.mp4', first, 'video/mp4');
      await media.putBuffer('tok/raw.mp4', second, 'video/mp4');
    } finally {
      writing = false;
    }
    await reader;
    assert.ok(seen.size > 0, 'the reader ran');
    for (const kind of seen) assert.ok(['absent', 'A', 'B'].includes(kind), `a reader saw a ${kind} file`);
    assert.ok((await media.read('tok/raw.mp4')).equals(second));
  },
};

/**
 * Registers every MediaStore case under `node:test`.
 * @param makeMedia a fresh, empty store per case.
 * @param options.skip case name → reason; a name that is not a case is an error.
 */
export function runMediaStoreCases(
  name: string,
  makeMedia: () => Promise<MediaStoreFixture>,
  options: { skip?: SkipList } = {},
): void {
  runCases(
    `MediaStore cases: ${name}`,
    MEDIA_STORE_CASES,
    async () => {
      const scratch = await mkdtemp(join(tmpdir(), 'stillmotion-media-src-'));
      const fixture = await makeMedia();
      return {
        ...fixture,
        scratch,
        async cleanup() {
          await fixture.cleanup();
          await rm(scratch, { recursive: true, force: true });
        },
      };
    },
    options.skip,
  );
}
