import os from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread only, by `steps` of nice value from what
 * it has (a new thread starts with the nice value of the thread that made it; at most 19),
 * for work that may wait when the machine is busy. On Linux a nice value is a thread's own,
 * and `setpriority`/`getpriority` with no id are the calling thread's; raising a nice value
 * needs no privilege. Elsewhere it would be the whole process's, so nothing changes and it
 * answers false; so it does when the system refuses.
 */
export function lowerThreadPriority(steps: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    os.setPriority(Math.min(19, os.getPriority() + steps));
    return true;
  } catch {
    return false;
  }
}

/** The nice value of the calling thread (Linux, where `getpriority` with no id is the thread's; undefined elsewhere). */
export function threadNice(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return os.getPriority();
  } catch {
    return undefined;
  }
}
