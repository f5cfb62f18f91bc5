import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';

/**
 * Lowers the scheduling priority of the calling thread only (its nice value), for work that
 * may wait when the machine is busy: on Linux `setpriority` takes a thread id, which
 * `/proc/thread-self` names. Raising a nice value needs no privilege. Elsewhere, or when
 * the system refuses, nothing changes and it answers false.
 */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(path.basename(readlinkSync('/proc/thread-self')));
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/** The nice value of the calling thread (Linux; undefined elsewhere): field 19 of /proc/thread-self/stat. */
export function threadNice(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  } catch {
    return undefined;
  }
}
