import type { Dirent } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_SUFFIX } from './folder-keys';

/** `<file>.<pid>.<random>[.side].hcdl-tmp`: the writer's pid is in the name. */
const TEMP_NAME = /\.(\d+)\.[a-z0-9]+(?:\.side)?\.hcdl-tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files (`*.hcdl-tmp`) a dead process left under `root`: a put that was
 * killed, or whose disk filled, between writing its temp file and renaming it. A temp file
 * of a live process (a `hcdl replay` beside the lake, this process) is in use and kept.
 * Returns how many were removed. Failed puts remove their own temp files; this is for the
 * ones no process is left to remove.
 */
export async function removeStaleTempFiles(root: string): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(TEMP_NAME.exec(e.name)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) && alive(pid)) continue;
    await rm(path.join(e.parentPath, e.name), { force: true });
    removed++;
  }
  return removed;
}
