/**
 * Diagnostics raised by the schema layer (same shape as the core's Diagnostic).
 * Messages describe, never quote free-text or identifier values; coded table values may be quoted.
 */
import { diagnostic, type Diagnostic, type Location } from '../diagnostics';

export type { Diagnostic };

/** Where a schema finding is: the core's Location (the column is filled in later, see columns.ts). */
export type SchemaLocation = Readonly<Omit<Location, 'column'>>;

/** A schema finding, built exactly as the parser builds its own (column 1 until located). */
export function schemaDiagnostic(code: string, severity: 'error' | 'warning', message: string, loc: SchemaLocation): Diagnostic {
  return diagnostic(code, severity, message, loc);
}

/** True when `code` is already reported for that field (validateMessage runs before staging). */
export function reportedAt(diagnostics: readonly Diagnostic[], code: string, segment: string, segmentRepetition: number, field: number): boolean {
  for (const d of diagnostics) if (d.code === code && d.field === field && d.segment === segment && d.segmentRepetition === segmentRepetition) return true;
  return false;
}

/**
 * FIELD_REPEATED for repetitions of a non-repeating field that staging keeps under
 * `<key>_extra`; once per field (validateMessage may have reported it already).
 * Both staging writers (object and text) report through here.
 */
export function reportExtraRepetitions(
  warnings: Diagnostic[],
  segment: { readonly id: string; readonly line: number },
  segmentRepetition: number,
  field: number,
  key: string,
): void {
  if (reportedAt(warnings, 'FIELD_REPEATED', segment.id, segmentRepetition, field)) return;
  warnings.push(
    schemaDiagnostic('FIELD_REPEATED', 'warning', `${segment.id}-${field} does not repeat in the dictionary; extra repetitions kept under ${key}_extra`, {
      line: segment.line,
      segment: segment.id,
      segmentRepetition,
      field,
    }),
  );
}

/** SEGMENT_REPEATED for a second (third...) segment the structure allows once, kept under `extraKey`. */
export function reportExtraSegment(
  warnings: Diagnostic[],
  segment: { readonly id: string; readonly line: number },
  segmentRepetition: number,
  structure: string | undefined,
  extraKey: string,
): void {
  warnings.push(
    schemaDiagnostic(
      'SEGMENT_REPEATED',
      'warning',
      `${segment.id} occurs more than once but ${structure ?? 'the structure'} allows one; kept under ${extraKey}`,
      {
        line: segment.line,
        segment: segment.id,
        segmentRepetition,
      },
    ),
  );
}

/** False when any diagnostic has severity 'error' (the lake then sends the message to the error zone). */
export function isStageable(diagnostics: readonly Diagnostic[]): boolean {
  for (const d of diagnostics) if (d.severity === 'error') return false;
  return true;
}
