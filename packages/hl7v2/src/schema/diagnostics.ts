/**
 * Diagnostics raised by the schema layer (same shape as the core's Diagnostic).
 * Messages describe, never quote free-text or identifier values; coded table values may be quoted.
 */
import { countDropped, isFull } from '../diagnostic-list';
import { diagnostic, type Diagnostic, type Location } from '../diagnostics';

export type { Diagnostic };

/** Where a schema finding is: the core's Location (the column is filled in later, see columns.ts). */
export type SchemaLocation = Readonly<Omit<Location, 'column'>>;

/** A schema finding, built exactly as the parser builds its own (column 1 until located). */
export function schemaDiagnostic(code: string, severity: 'error' | 'warning', message: string, loc: SchemaLocation): Diagnostic {
  return diagnostic(code, severity, message, loc);
}

/**
 * The fields already reported FIELD_REPEATED in a list (validateMessage runs before staging),
 * by segment, segment repetition and field; read from the list once, on first use.
 */
export class ReportedRepetitions {
  readonly #warnings: readonly Diagnostic[];
  #keys: Set<string> | undefined;

  constructor(warnings: readonly Diagnostic[]) {
    this.#warnings = warnings;
  }

  static key(segment: string, segmentRepetition: number, field: number): string {
    return `${segment}[${segmentRepetition}]-${field}`;
  }

  /** True the first time a place is asked about and it is not reported yet (then it counts as reported). */
  claim(segment: string, segmentRepetition: number, field: number): boolean {
    if (this.#keys === undefined) {
      this.#keys = new Set();
      for (const d of this.#warnings) {
        if (d.code === 'FIELD_REPEATED' && d.segment !== undefined && d.field !== undefined) {
          this.#keys.add(ReportedRepetitions.key(d.segment, d.segmentRepetition ?? 1, d.field));
        }
      }
    }
    const k = ReportedRepetitions.key(segment, segmentRepetition, field);
    if (this.#keys.has(k)) return false;
    this.#keys.add(k);
    return true;
  }
}

/**
 * FIELD_REPEATED for repetitions of a non-repeating field that staging keeps under
 * `<key>_extra`; once per field (validateMessage may have reported it already). When the list
 * is full, only MSH's is counted: validateMessage reports (or counts) every other one, and a
 * finding it counted cannot be told from one it did not.
 */
export function reportExtraRepetitions(
  warnings: Diagnostic[],
  reported: ReportedRepetitions,
  segment: { readonly id: string; readonly line: number },
  segmentRepetition: number,
  field: number,
  key: string,
): void {
  if (!reported.claim(segment.id, segmentRepetition, field)) return;
  if (isFull(warnings)) {
    if (segment.id === 'MSH') countDropped(warnings, 'warning', segment.line);
    return;
  }
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
  if (isFull(warnings)) {
    countDropped(warnings, 'warning', segment.line);
    return;
  }
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
