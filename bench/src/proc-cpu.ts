/**
 * CPU time of processes from Linux's /proc (user + system, every thread), for benches that
 * split a figure between processes (the lake in a child process, Chromium's processes). On a
 * shared machine CPU time says what a step costs; wall time says how long others made it wait.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's counters (usually 100: 10 ms resolution). */
function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}
const TICK_MS = 1000 / clockTicks();

interface Stat {
  ppid: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

/** /proc/<path>/stat: the command may hold spaces and parentheses, the fields after its last `)` do not. */
function statOf(path: number | string): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${path}/stat`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the command: state(0) ppid(1) ... utime(11) stime(12).
  return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
}

/**
 * CPU ms so far of each process in the tree under `root`, by pid: root included unless
 * `withoutRoot` (its own CPU is measured otherwise), the subtrees of `skip` left out.
 */
export function treeCpu(root: number, o: { skip?: ReadonlySet<number>; withoutRoot?: boolean } = {}): Map<number, number> {
  const stats = new Map<number, Stat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(Number(name));
    if (s !== undefined) stats.set(Number(name), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out = new Map<number, number>();
  const walk = (pid: number): void => {
    if (o.skip?.has(pid) === true) return;
    const s = stats.get(pid);
    if (s !== undefined && !(pid === root && o.withoutRoot === true)) out.set(pid, s.cpuMs);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** CPU ms spent between two snapshots of a tree; a process born in between counts from 0, one gone is not counted after it left. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

/**
 * CPU ms so far of one process: its main thread, and all the others together (workers, I/O
 * threads, V8's). The others are the process's total less the main thread: the total of
 * /proc/<pid>/stat keeps the time of threads that have ended (an idle file thread is stopped).
 */
export function threadCpu(pid: number): { main: number; others: number } {
  const main = statOf(`${pid}/task/${pid}`)?.cpuMs ?? 0;
  const total = statOf(pid)?.cpuMs ?? main;
  return { main, others: total - main };
}

/** CPU ms so far of each of a process's threads, by thread id (the main thread's id is the pid). */
export function perThreadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const ms = statOf(`${pid}/task/${tid}`)?.cpuMs;
    if (ms !== undefined) out.set(Number(tid), ms);
  }
  return out;
}
