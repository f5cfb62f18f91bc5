/**
 * A located finding about a message. Messages describe the problem and never quote free-text
 * or identifier values (no PHI); coded table values may be quoted.
 * `location` reads `SEG[segmentRepetition]-field[repetition].component.subcomponent`
 * (e.g. `PID[1]-3[2].4.2`), or `line N` for text that is not inside a segment.
 */
export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  location: string;
  line: number;
  column: number;
  segment?: string;
  segmentRepetition?: number;
  field?: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

/** Codes of the structural diagnostics raised by the parser itself. */
export const ParseCode = {
  NonSegmentLine: 'NON_SEGMENT_LINE',
  DataBeforeMsh: 'DATA_BEFORE_MSH',
  MultipleMessages: 'MULTIPLE_MESSAGES',
  BadEscape: 'BAD_ESCAPE',
  UnknownCharset: 'UNKNOWN_CHARSET',
  CharsetFallback: 'CHARSET_FALLBACK',
  EncodingCharactersShort: 'ENCODING_CHARACTERS_SHORT',
} as const;
export type ParseCode = (typeof ParseCode)[keyof typeof ParseCode];

export interface Location {
  line: number;
  column?: number;
  segment?: string;
  segmentRepetition?: number;
  field?: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

/** `PID[1]-3[2].4.2`; repetition shown when > 1, component/subcomponent when given. */
export function formatLocation(loc: Location): string {
  if (loc.segment === undefined) return `line ${loc.line}`;
  let s = `${loc.segment}[${loc.segmentRepetition ?? 1}]`;
  if (loc.field === undefined) return s;
  s += `-${loc.field}`;
  if (loc.repetition !== undefined && loc.repetition > 1) s += `[${loc.repetition}]`;
  if (loc.component !== undefined) s += `.${loc.component}`;
  if (loc.subcomponent !== undefined) s += `.${loc.subcomponent}`;
  return s;
}

export function diagnostic(code: string, severity: 'error' | 'warning', message: string, loc: Location): Diagnostic {
  const d: Diagnostic = { code, severity, message, location: formatLocation(loc), line: loc.line, column: loc.column ?? 1 };
  if (loc.segment !== undefined) d.segment = loc.segment;
  if (loc.segmentRepetition !== undefined) d.segmentRepetition = loc.segmentRepetition;
  if (loc.field !== undefined) d.field = loc.field;
  if (loc.repetition !== undefined) d.repetition = loc.repetition;
  if (loc.component !== undefined) d.component = loc.component;
  if (loc.subcomponent !== undefined) d.subcomponent = loc.subcomponent;
  return d;
}

/** Errors first, then warnings, at most `max` of them: what a store or an event keeps. */
export function errorsFirst(diagnostics: readonly Diagnostic[], max: number): Diagnostic[] {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity !== 'error');
  return [...errors, ...warnings].slice(0, max);
}
