/**
 * Diagnostics raised by the schema layer (same shape as the core's Diagnostic).
 * Messages describe, never quote free-text or identifier values; coded table values may be quoted.
 */
import type { Diagnostic } from '../diagnostics';

export type { Diagnostic };

export interface SchemaLocation {
  readonly line: number;
  readonly segment?: string;
  readonly segmentRepetition?: number;
  readonly field?: number;
  readonly repetition?: number;
  readonly component?: number;
  readonly subcomponent?: number;
}

export function locationText(loc: SchemaLocation): string {
  if (loc.segment === undefined) return `line ${loc.line}`;
  let s = `${loc.segment}[${loc.segmentRepetition ?? 1}]`;
  if (loc.field === undefined) return s;
  s += `-${loc.field}`;
  if (loc.repetition !== undefined && loc.repetition > 1) s += `[${loc.repetition}]`;
  if (loc.component !== undefined) s += `.${loc.component}`;
  if (loc.subcomponent !== undefined) s += `.${loc.subcomponent}`;
  return s;
}

export function schemaDiagnostic(
  code: string,
  severity: 'error' | 'warning',
  message: string,
  loc: SchemaLocation,
): Diagnostic {
  const d: Diagnostic = { code, severity, message, location: locationText(loc), line: loc.line, column: 1 };
  if (loc.segment !== undefined) d.segment = loc.segment;
  if (loc.segmentRepetition !== undefined) d.segmentRepetition = loc.segmentRepetition;
  if (loc.field !== undefined) d.field = loc.field;
  if (loc.repetition !== undefined) d.repetition = loc.repetition;
  if (loc.component !== undefined) d.component = loc.component;
  if (loc.subcomponent !== undefined) d.subcomponent = loc.subcomponent;
  return d;
}

/** True when `code` is already reported for that field (validateMessage runs before staging). */
export function reportedAt(diagnostics: readonly Diagnostic[], code: string, segment: string, segmentRepetition: number, field: number): boolean {
  for (const d of diagnostics) if (d.code === code && d.field === field && d.segment === segment && d.segmentRepetition === segmentRepetition) return true;
  return false;
}

/** False when any diagnostic has severity 'error' (the lake then sends the message to the error zone). */
export function isStageable(diagnostics: readonly Diagnostic[]): boolean {
  for (const d of diagnostics) if (d.severity === 'error') return false;
  return true;
}
