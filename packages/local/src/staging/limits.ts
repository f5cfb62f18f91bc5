import { STAGING_LIMIT, type StageResult } from '@hcdl/core';
import { diagnostic } from '@hcdl/hl7v2';
import type { LargestSegment } from './largest-segment';

export { STAGING_LIMIT };

/** The per-message limits of the staging pool. */
export interface StagingLimits {
  /** Longest a message may take to stage, in ms (HCDL_STAGING_TIMEOUT_MS). */
  timeoutMs: number;
  /** Heap a staging worker may use, in MB (HCDL_STAGING_MEMORY_MB). */
  memoryMb: number;
}

/**
 * The staging outcome of a message that went over a limit: refused with one located
 * diagnostic, so it goes to the error zone (and can be replayed with other limits) instead of
 * holding a worker. The location is the segment holding most of the bytes, the likely cause.
 */
export function limitResult(kind: 'time' | 'memory', limits: StagingLimits, where: LargestSegment | undefined): StageResult {
  const over = kind === 'time' ? `took longer than ${limits.timeoutMs} ms` : `needed more than ${limits.memoryMb} MB of memory`;
  const detail =
    where === undefined
      ? ''
      : `; the message has ${where.totalBytes} bytes, ${where.bytes} of them on line ${where.line}${where.segment !== undefined ? ` (segment ${where.segment})` : ''}`;
  const loc =
    where === undefined
      ? { line: 1 }
      : where.segment !== undefined
        ? { line: where.line, segment: where.segment, segmentRepetition: where.segmentRepetition ?? 1 }
        : { line: where.line };
  return {
    ok: false,
    stage: 'parse',
    diagnostics: [diagnostic(STAGING_LIMIT, 'error', `staging stopped: it ${over}${detail}`, loc)],
  };
}
