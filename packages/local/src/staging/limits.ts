import type { StageResult } from '@hcdl/core';
import { diagnostic } from '@hcdl/hl7v2';
import type { HeapEstimate } from './heap-estimate';
import type { LargestSegment } from './largest-segment';

/** Code of the diagnostic of a message whose staging went over a per-message limit. */
export const STAGING_LIMIT = 'STAGING_LIMIT';

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

const int = (n: number): string => n.toLocaleString('en-US');

/**
 * The staging outcome of a message refused before staging because its structure needs more
 * heap than a worker has (./heap-estimate.ts): located at the line holding most of it, with
 * the counts that make the estimate, so the sender sees what to change.
 */
export function estimateResult(limits: StagingLimits, e: HeapEstimate): StageResult {
  const loc = e.segment !== undefined ? { line: e.line, segment: e.segment, segmentRepetition: e.segmentRepetition ?? 1 } : { line: e.line };
  const parts = `${int(e.segments)} segments, ${int(e.fields)} field, ${int(e.repetitions)} repetition, ${int(e.components)} component and ${int(e.subcomponents)} subcomponent separators`;
  return {
    ok: false,
    stage: 'parse',
    diagnostics: [
      diagnostic(
        STAGING_LIMIT,
        'error',
        `staging not started: the message would need about ${Math.ceil(e.bytes / 1048576)} MB of memory, more than the ${limits.memoryMb} MB a staging worker may use (${parts}; the most on line ${e.line}${e.segment !== undefined ? `, segment ${e.segment}` : ''})`,
        loc,
      ),
    ],
  };
}
