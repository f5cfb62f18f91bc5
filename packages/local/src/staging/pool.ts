import type { PreparedMessages, StageResult, Stager, ValidationPolicy } from '@hcdl/core';
import { Piscina } from 'piscina';
import type { LargestSegment } from './largest-segment';
import { limitResult, STAGING_LIMIT, type StagingLimits } from './limits';
import type { StageTask } from './worker';

export interface StagingPoolOptions extends StagingLimits {
  /** Worker threads (default: the machine's available parallelism). */
  threads: number;
  logger: { warn(message: string, extra: Record<string, unknown>): void };
  /** The module a worker loads (exports `stage` and `locate`); tests give their own. */
  worker?: URL;
}

/**
 * Bytes of heap a worker must have per byte of the message, or the message is refused before
 * it is staged. Node cannot always stop a worker at its heap limit: one allocation far past it
 * (the array of ten million empty components of one field, a split of a huge string) aborts
 * the whole process instead of the worker (nodejs/node#47224). Measured with the staging pool
 * on 10 MB messages made of one separator (`^`, `&`, `~`, `|`, segments): the process aborted
 * with 12.8 and 16 heap bytes per message byte (`&` at 128 MB, `^` at 160 MB). Those messages
 * are now refused first by their structure (core's stage/heap-estimate.ts: the estimate of the heap
 * staging needs, from the count of each separator), which leaves this bound the shapes the
 * estimate prices by bytes (text, escapes, quotes): staged at 16 bytes per byte at 128 and
 * 256 MB, as was every separator shape sized just under its estimate. With the defaults
 * (256 MB, bodies of 10 MB) no message is refused by size alone.
 */
export const HEAP_BYTES_PER_MESSAGE_BYTE = 16;

/** What the pool has done (shown by /health). */
export interface StagingPoolStats {
  threads: number;
  running: number;
  /** Messages refused for going over a limit since start, by limit. */
  overTime: number;
  overMemory: number;
}

export interface StagingPool {
  /** The core's stager, served by the pool. */
  stager: Stager;
  /** The door's preparation of a submitted body (split, headers, hashes) on a worker (./door.ts). */
  prepare(bytes: Uint8Array): Promise<PreparedMessages>;
  stats(): StagingPoolStats;
  close(): Promise<void>;
}

/** How long the worker that locates an over-limit message's largest segment may take (a linear scan). */
const LOCATE_TIMEOUT_MS = 5_000;

/** A counting semaphore: at most `size` holders; the others wait in order. */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  get inUse(): number {
    return this.used;
  }

  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.used--;
  }
}

/**
 * A task holding the message's bytes. They are copied to the worker (the caller keeps them to
 * locate a message that goes over a limit); a view into a larger buffer is cut out first, since
 * a worker receives a view's whole buffer.
 */
function taskOf(raw: Uint8Array, policy?: ValidationPolicy, heapBytes?: number): StageTask {
  const task: StageTask = { raw: raw.byteLength === raw.buffer.byteLength ? raw : raw.slice(), started: new Float64Array(new SharedArrayBuffer(8)) };
  if (policy !== undefined) task.policy = policy;
  if (heapBytes !== undefined) task.heapBytes = heapBytes;
  return task;
}

/**
 * The staging pool: worker threads (piscina) that stage messages off the event loop that
 * serves HTTP and MLLP. Each message has a time limit, counted from when a worker takes it,
 * and each worker a heap limit (worker resourceLimits); a message over either is refused with
 * a located STAGING_LIMIT diagnostic, and its worker is terminated and replaced, so one
 * hostile message costs one worker for a bounded time and never stalls the others.
 */
export function createStagingPool(options: StagingPoolOptions): StagingPool {
  const threads = Math.max(1, options.threads);
  let pool: Piscina | undefined;
  const slots = new Slots(threads);
  const counts = { overTime: 0, overMemory: 0 };

  // Started on first use: a lake that stages nothing (a CLI command, a test) pays no thread.
  const poolOf = (): Piscina => {
    pool ??= new Piscina({
      filename: (options.worker ?? new URL('./worker-entry.mjs', import.meta.url)).href,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      // The worker registers its own TypeScript loader; the main thread's flags are not its.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    return pool;
  };

  /**
   * Runs one task on a free worker, aborted (the worker terminated) once it has run for
   * `timeoutMs`: the timer checks when the worker started it, and waits longer for a worker
   * still starting (a replaced worker loads its modules first).
   */
  async function run<T>(name: 'stage' | 'locate' | 'prepare', raw: Uint8Array, timeoutMs: number, policy?: ValidationPolicy): Promise<T> {
    await slots.acquire();
    const abort = new AbortController();
    const task = taskOf(raw, policy, name === 'stage' ? options.memoryMb * 1024 * 1024 : undefined);
    let timer: NodeJS.Timeout | undefined;
    const check = (): void => {
      const started = task.started[0] as number;
      const left = started === 0 ? timeoutMs : started + timeoutMs - Date.now();
      if (started !== 0 && left <= 0) abort.abort();
      else timer = setTimeout(check, left);
    };
    timer = setTimeout(check, timeoutMs);
    try {
      return (await poolOf().run(task, { name, signal: abort.signal })) as T;
    } finally {
      clearTimeout(timer);
      slots.release();
    }
  }

  async function locate(raw: Uint8Array): Promise<LargestSegment | undefined> {
    try {
      return await run<LargestSegment>('locate', raw, LOCATE_TIMEOUT_MS);
    } catch {
      return undefined;
    }
  }

  const stager: Stager = async (raw, context) => {
    if (raw.byteLength * HEAP_BYTES_PER_MESSAGE_BYTE > options.memoryMb * 1024 * 1024) {
      counts.overMemory++;
      options.logger.warn('staging limit reached; the message goes to the error zone', { limit: 'memory', size: raw.byteLength });
      return limitResult('memory', options, await locate(raw));
    }
    try {
      const result = await run<StageResult>('stage', raw, options.timeoutMs, context.policy);
      // Refused by the estimate of the heap it needs, before it was parsed.
      if (!result.ok && result.diagnostics[0]?.code === STAGING_LIMIT) {
        counts.overMemory++;
        options.logger.warn('staging limit reached; the message goes to the error zone', { limit: 'memory', size: raw.byteLength, estimated: true });
      }
      return result;
    } catch (err) {
      const kind = (err as Error).name === 'AbortError' ? 'time' : (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : undefined;
      if (kind === undefined) throw err;
      if (kind === 'time') counts.overTime++;
      else counts.overMemory++;
      options.logger.warn('staging limit reached; the message goes to the error zone', { limit: kind, size: raw.byteLength });
      return limitResult(kind, options, await locate(raw));
    }
  };

  return {
    stager,
    // Linear in the body: the staging time limit is ample. A body too large for a worker's heap
    // (a raised HCDL_MAX_BODY_BYTES) is refused here, as staging refuses it, and the door
    // prepares it in place rather than risk an allocation that aborts the process.
    prepare: (bytes) =>
      bytes.byteLength * HEAP_BYTES_PER_MESSAGE_BYTE > options.memoryMb * 1024 * 1024
        ? Promise.reject(new RangeError(`a body of ${bytes.byteLength} bytes is too large for a staging worker's heap`))
        : run<PreparedMessages>('prepare', bytes, options.timeoutMs),
    stats: () => ({ threads, running: slots.inUse, ...counts }),
    async close() {
      await pool?.destroy();
    },
  };
}
