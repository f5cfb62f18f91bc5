import { Hl7FatalError, isStageable, normalize, parseMessage, structureOf, toStagingJsonText, validateMessage, type Diagnostic } from '@hcdl/hl7v2';

/** Step 1 of the staging workflow: decode per MSH-18 and normalize terminators, BOM, MLLP bytes, blank lines. */
export function normalizeStep(raw: Uint8Array): { text: string } {
  return { text: normalize(raw) };
}

export type ParseOutcome = { ok: true; stagingJson: string; structure: string | undefined; warnings: number } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Step 2: parse once, validate against the dictionary, and either write the staging JSON
 * text or return the diagnostics that send the message to the error zone (fatal input, or
 * any diagnostic of severity 'error').
 */
export function parseStep(text: string): ParseOutcome {
  let message;
  try {
    message = parseMessage(text);
  } catch (err) {
    if (err instanceof Hl7FatalError) return { ok: false, diagnostics: [...err.diagnostics] };
    throw err;
  }
  const resolution = structureOf(message);
  const diagnostics = validateMessage(message, resolution);
  if (!isStageable(diagnostics)) return { ok: false, diagnostics };
  // The validation just done is handed on, so the staging writer does not validate again.
  return { ok: true, stagingJson: toStagingJsonText(message, { resolution, diagnostics }), structure: resolution.structure, warnings: diagnostics.length };
}
