/**
 * The filesystem media store: each key is a file under one root folder.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../../core/errors.js';
import type { MediaStore } from '../../core/ports.js';
import type { MediaRef } from '../../core/task.js';
import { parseMediaKey } from './media-key.js';

interface Sidecar {
  contentType: string;
}

/**
 * The content type a key's extension names, for the few types the service stores. A file
 * stored under such a key with exactly this type needs no sidecar: the key says it. Entries
 * may be added, but never changed or removed — a file written without a sidecar is read
 * back through this table.
 */
const TYPE_OF_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['png', 'image/png'],
  ['webp', 'image/webp'],
  ['gif', 'image/gif'],
  ['avif', 'image/avif'],
  ['tif', 'image/tiff'],
  ['tiff', 'image/tiff'],
  ['mp4', 'video/mp4'],
  ['webm', 'video/webm'],
  ['json', 'application/json'],
]);

/**
 * {@link MediaStore} on a local (or shared, e.g. NFS) folder.
 *
 * Layout: key `abc/raw.mp4` is the file `<root>/abc/raw.mp4`. Its content type is the one
 * its extension names ({@link TYPE_OF_EXTENSION}) unless a sidecar `<root>/abc/.raw.mp4.meta.json`
 * says otherwise. The sidecar is written only where the extension does not say the type:
 * callers choose the type (an input image stored as `inputs/x/0.jpg` may really be WebP),
 * keys need no extension at all, and `.JPG` or `image/jpeg; foo=bar` are not an exact
 * match either. Data folders written before that rule have a sidecar for every file, and a
 * sidecar always wins, so they read as before. The sidecar name starts with a dot, which no
 * key segment may, so it can never be read or overwritten as a key.
 *
 * Writes are atomic: bytes go to a dot-named temp file in the destination folder, are
 * fsynced, then renamed over the key, so a reader sees the old file, the new file or no
 * file — never half of one. The sidecar is written (or a stale one removed) first, so a
 * visible file always reads with its type.
 */
export class FsMediaStore implements MediaStore {
  readonly #root: string;

  /** @param rootDir folder holding the media; created on first write. */
  constructor(rootDir: string) {
    this.#root = resolve(rootDir);
  }

  /** The absolute root folder. */
  get rootDir(): string {
    return this.#root;
  }

  /**
   * Moves `filePath` into the store: a rename when it is on the same filesystem (instant,
   * and atomic), else a copy to a temp file, fsync, rename, then the source is removed —
   * so either way the source is gone afterwards.
   */
  async putFile(key: string, filePath: string, contentType: string): Promise<MediaRef> {
    const target = this.#pathOf(key);
    const source = await stat(filePath);
    if (!source.isFile()) throw new AppError('invalid_request', `putFile: ${filePath} is not a file`);
    const size = source.size;
    await this.#prepare(target, contentType);
    try {
      await rename(filePath, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await this.#atomically(target, async (temp) => {
        await copyFile(filePath, temp);
        await fsyncFile(temp);
      });
      await unlink(filePath);
    }
    return { key, contentType, bytes: size };
  }

  async putBuffer(key: string, data: Buffer, contentType: string): Promise<MediaRef> {
    const target = this.#pathOf(key);
    await this.#prepare(target, contentType);
    await this.#atomically(target, async (temp) => {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    return { key, contentType, bytes: data.length };
  }

  async stat(key: string): Promise<{ bytes: number; contentType: string } | undefined> {
    const target = this.#pathOf(key);
    let bytes: number;
    try {
      const info = await stat(target);
      if (!info.isFile()) return undefined;
      bytes = info.size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return { bytes, contentType: await this.#readContentType(target) };
  }

  /**
   * Streams the file, or the inclusive byte range `start..end` of it. An absent key makes
   * the stream fail with AppError `not_found`; an invalid key or range throws at once.
   */
  createReadStream(key: string, range?: { start: number; end: number }): Readable {
    const target = this.#pathOf(key);
    if (
      range &&
      !(
        Number.isSafeInteger(range.start) &&
        Number.isSafeInteger(range.end) &&
        0 <= range.start &&
        range.start <= range.end
      )
    ) {
      throw new AppError('invalid_request', `range: invalid byte range ${range.start}-${range.end}`, {
        field: 'range',
      });
    }
    // Open first so a missing file becomes our coded error, not a bare ENOENT.
    async function* chunks(): AsyncGenerator<Buffer> {
      let handle;
      try {
        handle = await open(target, 'r');
      } catch (error) {
        if (isMissing(error)) throw new AppError('not_found', `media ${key} not found`, { cause: error });
        throw error;
      }
      // finally, not after the loop: a consumer that stops early (client hung up) ends
      // the generator with return(), and the descriptor must still be closed.
      try {
        if (!(await handle.stat()).isFile()) throw new AppError('not_found', `media ${key} not found`);
        yield* handle.createReadStream({ start: range?.start, end: range?.end, autoClose: false });
      } finally {
        await handle.close();
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async read(key: string): Promise<Buffer> {
    const target = this.#pathOf(key);
    try {
      return await readFile(target);
    } catch (error) {
      if (isMissing(error)) throw new AppError('not_found', `media ${key} not found`, { cause: error });
      throw error;
    }
  }

  /** Deletes the folder `prefix` names (`abc` removes `abc/**`, not `abcd/**`). */
  async deletePrefix(prefix: string): Promise<void> {
    const segments = parseMediaKey(prefix, { prefix: true });
    await rm(join(this.#root, ...segments), { recursive: true, force: true });
  }

  #pathOf(key: string): string {
    const path = join(this.#root, ...parseMediaKey(key));
    // Belt and braces: the key syntax already forbids escaping the root.
    if (!path.startsWith(this.#root + sep))
      throw new AppError('invalid_request', 'key: escapes the media root', { field: 'key' });
    return path;
  }

  /**
   * Makes the folder of `target` and settles its type before the bytes land: a sidecar
   * where the extension does not name `contentType`, else none — and a sidecar left by an
   * earlier write of another type under the same key is removed. A folder this call
   * created holds no such sidecar, so a fresh task folder costs no look for one.
   */
  async #prepare(target: string, contentType: string): Promise<void> {
    const created = await mkdir(dirname(target), { recursive: true });
    if (typeOfExtension(target) !== contentType) await this.#writeSidecar(target, contentType);
    else if (created === undefined) await unlink(sidecarPath(target)).catch(ignoreMissing);
  }

  async #writeSidecar(target: string, contentType: string): Promise<void> {
    const sidecar: Sidecar = { contentType };
    await this.#atomically(sidecarPath(target), (temp) => writeFile(temp, JSON.stringify(sidecar), { flag: 'wx' }));
  }

  async #readContentType(target: string): Promise<string> {
    try {
      const sidecar = JSON.parse(await readFile(sidecarPath(target), 'utf8')) as Partial<Sidecar>;
      if (typeof sidecar.contentType === 'string') return sidecar.contentType;
    } catch (error) {
      if (!isMissing(error) && !(error instanceof SyntaxError)) throw error;
    }
    return typeOfExtension(target) ?? 'application/octet-stream';
  }

  /** Runs `write` into a fresh temp file beside `target`, then renames it over `target`. */
  async #atomically(target: string, write: (temp: string) => Promise<void>): Promise<void> {
    const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await write(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

function typeOfExtension(target: string): string | undefined {
  const name = basename(target);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : TYPE_OF_EXTENSION.get(name.slice(dot + 1));
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}

function sidecarPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.meta.json`);
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // EISDIR: a key naming a folder (`results/tok`) is not a stored file either.
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
