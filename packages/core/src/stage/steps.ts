import { type Diagnostic, Hl7FatalError, isStageable, normalize, parseMessage, structureOf, toStagingJsonText, validateMessage } from '@hcdl/hl7v2';
import { getHeapStatistics } from 'node:v8';
import { type PatientFacts, patientFactsOf } from '@hcdl/lake';
import { estimateStagingHeap, heapLimitDiagnostic, mayExceed } from './heap-estimate';
import { judge, lineCount } from '../policy/judge';
import { DEFAULT_VALIDATION_POLICY, type ValidationPolicy } from '../policy/validation-policy';

/** The MSH fields a staged message gives the catalog when its row lacks them (a row made from a door rejection). */
export interface StagedHeader {
  controlId?: string;
  messageType?: string;
  version?: string;
  sendingApplication?: string;
  sendingFacility?: string;
}

/** What one staging run made of a message's bytes. */
export type StageResult =
  | { ok: true; stagingJson: string; structure: string | undefined; patient: PatientFacts; warnings: number; header?: StagedHeader }
  | { ok: false; stage: 'normalize' | 'parse'; diagnostics: Diagnostic[]; policy?: ValidationPolicy };

function stagedHeaderOf(h: StagedHeader): StagedHeader {
  const out: StagedHeader = {};
  for (const k of ['controlId', 'messageType', 'version', 'sendingApplication', 'sendingFacility'] as const) if (h[k] !== undefined) out[k] = h[k];
  return out;
}

/**
 * The staging work on one message, done once: decode per MSH-18 and normalize (terminators,
 * BOM, MLLP bytes, blank lines), parse once, validate against the dictionary, and from that
 * one tree write the staging JSON and take the patient facts; or return the diagnostics
 * that send the message to the error zone (fatal input, any diagnostic of severity error, or
 * what the source's validation policy refuses: docs/adr/0013).
 */
export function stageMessage(raw: Uint8Array, policy: ValidationPolicy = DEFAULT_VALIDATION_POLICY, heapBytes?: number): StageResult {
  // A message whose structure needs more heap than staging may use is refused before it is parsed (./heap-estimate.ts).
  if (heapBytes !== undefined && mayExceed(raw.byteLength, heapBytes)) {
    const estimate = estimateStagingHeap(raw);
    if (estimate.bytes > heapBytes) return { ok: false, stage: 'parse', diagnostics: [heapLimitDiagnostic(estimate, heapBytes)] };
  }
  const text = normalize(raw);
  let message;
  try {
    message = parseMessage(text);
  } catch (err) {
    if (err instanceof Hl7FatalError) return { ok: false, stage: 'parse', diagnostics: [...err.diagnostics] };
    throw err;
  }
  const resolution = structureOf(message);
  const diagnostics = validateMessage(message, resolution);
  if (!isStageable(diagnostics)) return { ok: false, stage: 'parse', diagnostics };
  const refused = judge(policy, { message, structure: resolution.structure, lines: lineCount(text), diagnostics });
  if (refused.length > 0) {
    // Strict turns every warning into an error: those are listed once, as errors.
    const rest = policy === 'strict' ? [] : diagnostics;
    return { ok: false, stage: 'parse', diagnostics: [...refused, ...rest], policy };
  }
  // The validation just done is handed on, so the staging writer does not validate again.
  return {
    ok: true,
    stagingJson: toStagingJsonText(message, { resolution, diagnostics }),
    structure: resolution.structure,
    patient: patientFactsOf(message),
    warnings: diagnostics.length,
    header: stagedHeaderOf(message.header),
  };
}

/**
 * The function a lake stages with (tests replace it with an "older parser"). It may answer
 * later: the local lake hands the work to a pool of worker threads.
 */
export type Stager = (raw: Uint8Array, context: StagerContext) => StageResult | Promise<StageResult>;

export interface StagerContext {
  messageType?: string | undefined;
  /** The validation policy of the message's source (default: standard). */
  policy?: ValidationPolicy | undefined;
  /** The heap staging may use, in bytes (default: this thread's V8 heap limit): a message estimated to need more is refused unparsed. */
  heapBytes?: number | undefined;
}

/**
 * Staging on the calling thread (a Lambda, a worker of the local pool), within the thread's heap:
 * a message whose structure would not fit goes to the error zone (STAGING_LIMIT) instead of
 * crashing the function or the worker.
 */
export const defaultStager = (raw: Uint8Array, context?: StagerContext): StageResult =>
  stageMessage(raw, context?.policy, context?.heapBytes ?? threadHeapLimit());

let heapLimit: number | undefined;
/** This thread's V8 heap limit (fixed for the isolate's life: read once, not per message). */
const threadHeapLimit = (): number => (heapLimit ??= getHeapStatistics().heap_size_limit);
