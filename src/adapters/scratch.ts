/**
 * Render scratch folders: one per render attempt under a root folder of this process, and
 * the clean-up of folders left behind by processes that died (crash, kill -9).
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScratchSpace } from '../core/ports.js';

/** {@link ScratchSpace} on the local disk: `<root>/<taskId>-XXXXXX` per render attempt. */
export class FolderScratch implements ScratchSpace {
  constructor(readonly root: string) {}

  async create(taskId: string): Promise<string> {
    await mkdir(this.root, { recursive: true });
    return mkdtemp(join(this.root, `${taskId}-`));
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Removes a folder and everything in it (embedded mode: only this process uses it). */
export async function clearScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * In `root`, removes the `<host>-<pid>` folders of this host whose process is gone.
 * Folders of other hosts (a shared DATA_DIR) and of live processes are left alone.
 */
export async function clearScratchOfDeadProcesses(root: string, host: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  const prefix = `${host}-`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
