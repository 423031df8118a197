/**
 * Keeps frame-sized buffers in the process instead of handing them back to the kernel.
 *
 * A render allocates and frees buffers of a few MB all the time: Skia's pixel read-back
 * (one per frame), decoded pictures, layer canvases. glibc's malloc serves a request of
 * that size with its own mmap (the default threshold is 128 KB) and returns it with munmap
 * on free, so every frame's buffer is fresh memory that faults in page by page. In the VMs
 * this runs in (and many containers) a fault costs several µs: 120 allocate-fill-free cycles
 * of a 720p RGBA frame took 205–330 ms, against 14–17 ms once the memory is recycled.
 *
 * glibc raises its thresholds on its own (mmap threshold = the largest mmapped block freed
 * so far, up to 32 MB; trim threshold twice that), but only after such a free, and a
 * process that has only ever freed small blocks keeps the defaults. Freeing one 16 MB block
 * once sets them for the whole process (every thread): blocks under 16 MB then come from
 * malloc's heaps and are reused, and at most 32 MB of free space is kept per heap. Setting
 * GLIBC_TUNABLES does the same but has to be in the environment before the process starts.
 * On other allocators this is one harmless allocation.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const BLOCK_BYTES = 16 << 20;
let raised = false;

/** A garbage collector handle (V8's `gc`), obtained without starting node with --expose-gc. */
export function exposedGc(): ((options?: { type: 'minor' | 'major' }) => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as ((options?: { type: 'minor' | 'major' }) => void) | undefined;
  } catch {
    return undefined;
  }
}

/** Raises glibc's dynamic mmap/trim thresholds once per process (see above). */
export function raiseMallocThresholds(): void {
  if (raised) return;
  raised = true;
  const gc = exposedGc();
  if (!gc) return;
  let block: Buffer | undefined = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  block[0] = 1;
  block = undefined;
  // The block's memory is freed (munmap, which is what moves the thresholds) when V8
  // collects its ArrayBuffer.
  gc();
}
