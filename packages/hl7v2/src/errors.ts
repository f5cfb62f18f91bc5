import type { Diagnostic } from './diagnostics';

/** Base of every error this package throws; match with `instanceof`. */
export class Hl7Error extends Error {
  readonly code: string;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: string, message: string, diagnostics: readonly Diagnostic[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Hl7Error';
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

/** The input cannot be read as HL7 v2 at all: no MSH segment, or unusable delimiters. */
export class Hl7FatalError extends Hl7Error {
  constructor(code: FatalCode, message: string, diagnostics: readonly Diagnostic[] = [], options?: { cause?: unknown }) {
    super(code, message, diagnostics, options);
    this.name = 'Hl7FatalError';
  }
}

/** Strict mode: the message parsed, but with warnings the caller asked to treat as errors. */
export class Hl7StrictError extends Hl7Error {
  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    super('STRICT', `strict mode: ${diagnostics.length} diagnostic(s)${first ? `, first ${first.code} at ${first.location}` : ''}`, diagnostics);
    this.name = 'Hl7StrictError';
  }
}

export const FatalCode = {
  EmptyInput: 'EMPTY_INPUT',
  NoMsh: 'NO_MSH',
  BadDelimiters: 'BAD_DELIMITERS',
} as const;
export type FatalCode = (typeof FatalCode)[keyof typeof FatalCode];
