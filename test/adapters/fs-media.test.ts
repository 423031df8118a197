/**
 * The filesystem media store: the shared case suite, then what only a folder on disk
 * promises (files stay under the root, no temp files left, moves across filesystems, a
 * sidecar only where the extension does not say the type, older data folders still read).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { FsMediaStore } from '../../src/adapters/fs/fs-media-store.js';
import { isAppError } from '../../src/core/errors.js';
import { mediaRoutes } from '../../src/http/media-routes.js';
import { HOSTILE_KEYS, runMediaStoreCases } from '../cases/media-store.case.js';

async function tempDir(
  prefix = 'stillmotion-fs-',
  parent = tmpdir(),
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(parent, prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

runMediaStoreCases('fs', async () => {
  const { dir, remove } = await tempDir();
  return { media: new FsMediaStore(join(dir, 'media')), cleanup: remove };
});

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('FsMediaStore on disk', () => {
  test('a key is a file under the root; a type its extension does not say sits in a dot-file no key can name', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const media = new FsMediaStore(join(dir, 'media'));
    await media.putBuffer('tok/raw.mp4', Buffer.from('video'), 'video/mp4');
    await media.putBuffer('tok/0.jpg', Buffer.from('webp really'), 'image/webp');
    assert.deepEqual(await listFiles(dir), ['media/tok/.0.jpg.meta.json', 'media/tok/0.jpg', 'media/tok/raw.mp4']);
    await assert.rejects(media.read('tok/.0.jpg.meta.json'), (e) => isAppError(e) && e.code === 'invalid_request');
  });

  test('writes leave no temp files behind, and hostile keys write nothing anywhere', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const root = join(dir, 'a', 'media');
    const media = new FsMediaStore(root);
    const source = join(dir, 'src.bin');
    await writeFile(source, randomBytes(1000));
    await media.putFile('x/raw.mp4', source, 'video/mp4');
    await media.putBuffer('x/raw.mp4', randomBytes(2000), 'video/mp4');
    await media.putBuffer('x/min.mp4', randomBytes(10), 'video/mp4');
    for (const key of HOSTILE_KEYS) await media.putBuffer(key, Buffer.from('x'), 'text/plain').catch(() => undefined);
    assert.deepEqual(await listFiles(dir), ['a/media/x/min.mp4', 'a/media/x/raw.mp4']);
    assert.equal(statSync(join(root, 'x/raw.mp4')).size, 2000);
  });

  test('putFile from another filesystem copies, then removes the source', async (t) => {
    // /dev/shm is tmpfs on Linux, so a rename from there into tmpdir() fails with EXDEV.
    if (!existsSync('/dev/shm') || statSync('/dev/shm').dev === statSync(tmpdir()).dev) {
      t.skip('needs /dev/shm on a filesystem other than the temp folder');
      return;
    }
    const { dir, remove } = await tempDir();
    t.after(remove);
    const shm = await tempDir('stillmotion-shm-', '/dev/shm');
    t.after(shm.remove);
    const data = randomBytes(50_000);
    const source = join(shm.dir, 'raw.mp4');
    await writeFile(source, data);
    const media = new FsMediaStore(join(dir, 'media'));
    assert.deepEqual(await media.putFile('tok/raw.mp4', source, 'video/mp4'), {
      key: 'tok/raw.mp4',
      contentType: 'video/mp4',
      bytes: 50_000,
    });
    assert.deepEqual(await media.read('tok/raw.mp4'), data);
    assert.equal(existsSync(source), false, 'the source is gone, as after a rename');
    assert.deepEqual(await listFiles(join(dir, 'media')), ['tok/raw.mp4']);
  });

  test('a stream stopped early releases its file descriptor', async (t) => {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const media = new FsMediaStore(dir);
    await media.putBuffer('tok/raw.mp4', randomBytes(1024 * 1024), 'video/mp4');
    const fdsBefore = (await readdir('/proc/self/fd').catch(() => undefined))?.length;
    if (fdsBefore === undefined) {
      t.skip('needs /proc/self/fd');
      return;
    }
    for (let i = 0; i < 20; i++) {
      const stream = media.createReadStream('tok/raw.mp4');
      for await (const _chunk of stream) break; // a client that hangs up after one chunk
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok((await readdir('/proc/self/fd')).length <= fdsBefore + 2, 'no descriptors leak');
  });
});

describe('FsMediaStore served over /media', () => {
  const TOKEN = 'c0ffee00c0ffee00c0ffee00c0ffee00';

  async function serve(t: { after(fn: () => unknown): void }) {
    const { dir, remove } = await tempDir();
    t.after(remove);
    const root = join(dir, 'media');
    const media = new FsMediaStore(root);
    const app = Fastify();
    await app.register(mediaRoutes, {
      media,
      previews: { stored: async () => undefined },
      mediaConfig: { kind: 'fs' },
    });
    t.after(() => app.close());
    const get = async (key: string, range?: string) => {
      const response = await app.inject({ url: `/media/${key}`, headers: range ? { range } : {} });
      return { status: response.statusCode, type: response.headers['content-type'], body: response.rawPayload };
    };
    return { root, media, get };
  }

  test('a stored .jpg comes back as image/jpeg, whole and by range, with no sidecar on disk', async (t) => {
    const { root, media, get } = await serve(t);
    const jpeg = randomBytes(1024);
    await media.putBuffer(`inputs/${TOKEN}/0.jpg`, jpeg, 'image/jpeg');
    await media.putBuffer(`results/${TOKEN}/raw.mp4`, randomBytes(300), 'video/mp4');
    assert.deepEqual(await listFiles(root), [`inputs/${TOKEN}/0.jpg`, `results/${TOKEN}/raw.mp4`]);
    assert.deepEqual(await get(`inputs/${TOKEN}/0.jpg`), { status: 200, type: 'image/jpeg', body: jpeg });
    assert.deepEqual(await get(`inputs/${TOKEN}/0.jpg`, 'bytes=100-199'), {
      status: 206,
      type: 'image/jpeg',
      body: jpeg.subarray(100, 200),
    });
    const video = await get(`results/${TOKEN}/raw.mp4`, 'bytes=-10');
    assert.deepEqual([video.status, video.type, video.body.length], [206, 'video/mp4', 10]);
  });

  test('a key whose extension says another type still serves the type it was stored with', async (t) => {
    const { root, media, get } = await serve(t);
    const webp = randomBytes(500);
    await media.putBuffer(`inputs/${TOKEN}/0.jpg`, webp, 'image/webp');
    await media.putBuffer(`inputs/${TOKEN}/1.bin`, Buffer.from('x'), 'image/png');
    assert.deepEqual(await get(`inputs/${TOKEN}/0.jpg`, 'bytes=0-9'), {
      status: 206,
      type: 'image/webp',
      body: webp.subarray(0, 10),
    });
    assert.equal((await get(`inputs/${TOKEN}/1.bin`)).type, 'image/png');
    // Stored again as what the extension says: the stale sidecar goes, the type follows.
    await media.putBuffer(`inputs/${TOKEN}/0.jpg`, webp, 'image/jpeg');
    assert.equal((await get(`inputs/${TOKEN}/0.jpg`)).type, 'image/jpeg');
    assert.deepEqual(await listFiles(root), [
      `inputs/${TOKEN}/.1.bin.meta.json`,
      `inputs/${TOKEN}/0.jpg`,
      `inputs/${TOKEN}/1.bin`,
    ]);
  });

  test('a data folder written with a sidecar for every file still reads, and deletes whole', async (t) => {
    const { root, media, get } = await serve(t);
    // The layout before sidecars became optional, written by hand.
    const folder = join(root, 'inputs', TOKEN);
    await mkdir(folder, { recursive: true });
    const old: [string, string][] = [
      ['0.jpg', 'image/jpeg'],
      ['1.jpg', 'image/png'],
      ['2.png', 'application/octet-stream'],
      ['noext', 'image/webp'],
    ];
    for (const [name, contentType] of old) {
      await writeFile(join(folder, name), `bytes of ${name}`);
      await writeFile(join(folder, `.${name}.meta.json`), JSON.stringify({ contentType }));
    }
    for (const [name, contentType] of old) {
      const got = await get(`inputs/${TOKEN}/${name}`);
      assert.deepEqual([got.status, got.type, got.body.toString()], [200, contentType, `bytes of ${name}`], name);
    }
    await media.deletePrefix(`inputs/${TOKEN}`);
    assert.deepEqual(await listFiles(root), [], 'the sidecars went with their files');
    assert.equal((await get(`inputs/${TOKEN}/0.jpg`)).status, 404);
  });
});
