/**
 * V8's `gc` without starting node with --expose-gc: the frame workers collect each painted
 * frame's read-back buffer at once, and a render's canvases when they go back to the pool.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A garbage collector handle, or undefined where the flag cannot be set. */
export function exposedGc(): ((options?: { type: 'minor' | 'major' }) => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as ((options?: { type: 'minor' | 'major' }) => void) | undefined;
  } catch {
    return undefined;
  }
}
