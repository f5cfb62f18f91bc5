import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority (raises the nice value) of the calling thread only, for
 * work that may wait when the machine is busy: on Linux a nice value is a thread's own, and
 * `setpriority` with no id applies to the calling thread. Raising a nice value needs no
 * privilege. Elsewhere it would be the whole process's, so nothing changes and it answers
 * false; so it does when the system refuses.
 */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    os.setPriority(nice);
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
