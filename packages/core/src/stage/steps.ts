import { type Diagnostic, Hl7FatalError, isStageable, normalize, parseMessage, structureOf, toStagingJsonText, validateMessage } from '@hcdl/hl7v2';
import { type PatientFacts, patientFactsOf } from '@hcdl/lake';

/** What one staging run made of a message's bytes. */
export type StageResult =
  | { ok: true; stagingJson: string; structure: string | undefined; patient: PatientFacts; warnings: number }
  | { ok: false; stage: 'normalize' | 'parse'; diagnostics: Diagnostic[] };

/**
 * The staging work on one message, done once: decode per MSH-18 and normalize (terminators,
 * BOM, MLLP bytes, blank lines), parse once, validate against the dictionary, and from that
 * one tree write the staging JSON and take the patient facts; or return the diagnostics
 * that send the message to the error zone (fatal input, or any diagnostic of severity error).
 */
export function stageMessage(raw: Uint8Array): StageResult {
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
  // The validation just done is handed on, so the staging writer does not validate again.
  return {
    ok: true,
    stagingJson: toStagingJsonText(message, { resolution, diagnostics }),
    structure: resolution.structure,
    patient: patientFactsOf(message),
    warnings: diagnostics.length,
  };
}

/**
 * The function a lake stages with (tests replace it with an "older parser"). It may answer
 * later: the local lake hands the work to a pool of worker threads.
 */
export type Stager = (raw: Uint8Array, context: { messageType?: string | undefined }) => StageResult | Promise<StageResult>;

/** Staging on the calling thread (a Lambda, a worker of the local pool). */
export const defaultStager = (raw: Uint8Array, _context?: { messageType?: string | undefined }): StageResult => stageMessage(raw);
