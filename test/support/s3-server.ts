/**
 * An S3 protocol server in this process for tests: `s3rver` on 127.0.0.1 (port 0), one
 * bucket, objects in a temp folder. Clients sign with any static credentials.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import S3rver from 's3rver';

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** Static credentials s3rver accepts (it accepts S3RVER/S3RVER). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'stillmotion-test'): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'stillmotion-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: !process.env.S3RVER_LOG,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  patchFakeBugs(server);
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

interface FakeStore {
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<FakeObject | null>;
  deleteObject(bucket: string, key: string): Promise<void>;
  getResourcePath(bucket: string, key: string, kind: string): string;
}
interface FakeObject {
  content: NodeJS.ReadableStream | null;
  range?: { start: number; end: number };
}

/**
 * Two bugs of s3rver 3.7 (the fake, not S3) that the adapter's tests would otherwise hit:
 * - `Range: bytes=N-0` is served whole (`options.end || Infinity` drops an end of 0);
 * - deleting several objects of one folder at once races on removing the emptied
 *   folder and answers 500 InternalError, so its deletes are run one at a time here.
 */
function patchFakeBugs(server: S3rver): void {
  const store = (server as unknown as { store: FakeStore }).store;
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    if (options?.end !== 0) return getObject(bucket, key, options);
    const object = await getObject(bucket, key, { start: options.start ?? 0 });
    if (!object?.content || !object.range) return object;
    (object.content as unknown as { destroy(): void }).destroy();
    object.content = createReadStream(store.getResourcePath(bucket, key, 'object'), {
      start: object.range.start,
      end: 0,
    });
    object.range = { start: object.range.start, end: 0 };
    return object;
  };
  const deleteObject = store.deleteObject.bind(store);
  let chain: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const run = chain.then(() => deleteObject(bucket, key));
    chain = run.catch(() => undefined);
    return run;
  };
}
