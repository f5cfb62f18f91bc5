import { diagnostic, type Diagnostic } from './diagnostics';
import { FatalCode, Hl7FatalError } from './errors';

/**
 * The message's separators, from MSH-1 (field) and MSH-2 (component, repetition, escape,
 * subcomponent, and in v2.7+ truncation). A separator the sender left out is ''.
 */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  truncation: string;
  /** MSH-2 exactly as sent. */
  encodingCharacters: string;
}

export const DEFAULT_DELIMITERS: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
  truncation: '',
  encodingCharacters: '^~\\&',
};

/** True for characters that can never separate HL7 values. */
function unusable(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c <= 0x20 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x7f;
}

/**
 * Reads the delimiters of a header line (`MSH`, `FHS` or `BHS` + field separator + MSH-2).
 * Throws Hl7FatalError when the field separator cannot be used (missing, a letter, a digit
 * or a blank). MSH-2 is read leniently: an empty MSH-2 means the defaults, a blank means
 * "not declared", odd characters are used as sent (the schema validation reports them). `^~&` (no escape character, as some US-realm
 * senders write it) keeps `&` as the subcomponent separator.
 */
export function readDelimiters(headerLine: string, line: number, warnings?: Diagnostic[]): Delimiters {
  const seg = headerLine.slice(0, 3);
  const field = headerLine.charAt(3);
  if (field === '' || unusable(field)) {
    throw new Hl7FatalError(FatalCode.BadDelimiters, `${seg} has no usable field separator`, [
      diagnostic(FatalCode.BadDelimiters, 'error', `${seg}-1 field separator is missing or is a letter, digit or blank`, { line, column: 4, segment: seg, field: 1 }),
    ]);
  }
  let end = headerLine.indexOf(field, 4);
  if (end < 0) end = headerLine.length;
  const enc = headerLine.slice(4, end);
  if (enc === '') {
    warnings?.push(diagnostic('ENCODING_CHARACTERS_MISSING', 'warning', `${seg}-2 is empty; the default separators ^~\\& are used`, { line, column: 5, segment: seg, field: 2 }));
    const d: Delimiters = { ...DEFAULT_DELIMITERS, field, encodingCharacters: '' };
    // A default equal to the field separator (MSH~~...) cannot be used: it would end fields.
    for (const k of ['component', 'repetition', 'escape', 'subcomponent'] as const) if (d[k] === field) d[k] = '';
    return d;
  }
  const at = (i: number): string => {
    const c = enc.charAt(i);
    // A blank can never act as a separator: treat it as "not declared".
    return c === ' ' || c === '\t' ? '' : c;
  };
  const d: Delimiters = { field, component: at(0), repetition: at(1), escape: at(2), subcomponent: at(3), truncation: at(4), encodingCharacters: enc };
  if (enc.length === 3 && enc.charAt(2) === '&') {
    d.escape = '';
    d.subcomponent = '&';
  }
  if (enc.length < 4) {
    warnings?.push(diagnostic('ENCODING_CHARACTERS_SHORT', 'warning', `${seg}-2 has ${enc.length} encoding characters; missing separators are not used`, { line, column: 5, segment: seg, field: 2 }));
  }
  return d;
}
