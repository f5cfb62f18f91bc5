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

const STANDARD = '^~\\&';

/** True when every character of enc is one of ^~\& and they come in the standard order. */
function standardSubset(enc: string): boolean {
  let from = 0;
  for (const ch of enc) {
    const at = STANDARD.indexOf(ch, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

/** Character i of MSH-2 as a separator: a blank never acts as one (''). */
function roleAt(read: string, i: number): string {
  const c = read.charAt(i);
  return c === ' ' || c === '\t' ? '' : c;
}

/**
 * The separators MSH-2 declares, by position (component, repetition, escape, subcomponent,
 * truncation), with two sender habits found in real traffic read as meant:
 * - three of the standard characters in their standard order stand for their usual roles:
 *   `^~&` has no escape character, `^\&` no repetition separator;
 * - `^~\\&` (the backslash doubled, a quoting mistake) is `^~\&`;
 * - any other 3-character MSH-2 ending in `&` keeps `&` as the subcomponent separator.
 * A blank never acts as a separator: it means "not declared" ('').
 */
export function encodingRoles(enc: string): Omit<Delimiters, 'field' | 'encodingCharacters'> {
  const read = enc === '^~\\\\&' ? STANDARD : enc;
  if (read.length === 3 && standardSubset(read)) {
    const role = (ch: string): string => (read.includes(ch) ? ch : '');
    return { component: role('^'), repetition: role('~'), escape: role('\\'), subcomponent: role('&'), truncation: '' };
  }
  const r = { component: roleAt(read, 0), repetition: roleAt(read, 1), escape: roleAt(read, 2), subcomponent: roleAt(read, 3), truncation: roleAt(read, 4) };
  if (read.length === 3 && read.charAt(2) === '&') {
    r.escape = '';
    r.subcomponent = '&';
  }
  return r;
}

/**
 * Reads the delimiters of a header line (`MSH`, `FHS` or `BHS` + field separator + MSH-2).
 * Throws Hl7FatalError when the field separator cannot be used (missing, a letter, a digit
 * or a blank). MSH-2 is read leniently (see encodingRoles): an empty MSH-2 means the
 * defaults, odd characters are used as sent (the schema validation reports them).
 */
export function readDelimiters(headerLine: string, line: number, warnings?: Diagnostic[]): Delimiters {
  const seg = headerLine.slice(0, 3);
  const field = headerLine.charAt(3);
  if (field === '' || unusable(field)) {
    throw new Hl7FatalError(FatalCode.BadDelimiters, `${seg} has no usable field separator`, [
      diagnostic(FatalCode.BadDelimiters, 'error', `${seg}-1 field separator is missing or is a letter, digit or blank`, {
        line,
        column: 4,
        segment: seg,
        field: 1,
      }),
    ]);
  }
  let end = headerLine.indexOf(field, 4);
  if (end < 0) end = headerLine.length;
  const enc = headerLine.slice(4, end);
  if (enc === '') {
    warnings?.push(
      diagnostic('ENCODING_CHARACTERS_MISSING', 'warning', `${seg}-2 is empty; the default separators ^~\\& are used`, {
        line,
        column: 5,
        segment: seg,
        field: 2,
      }),
    );
    const d: Delimiters = { ...DEFAULT_DELIMITERS, field, encodingCharacters: '' };
    // A default equal to the field separator (MSH~~...) cannot be used: it would end fields.
    for (const k of ['component', 'repetition', 'escape', 'subcomponent'] as const) if (d[k] === field) d[k] = '';
    return d;
  }
  const d: Delimiters = { field, ...encodingRoles(enc), encodingCharacters: enc };
  if (enc.length < 4) {
    warnings?.push(
      diagnostic('ENCODING_CHARACTERS_SHORT', 'warning', `${seg}-2 has ${enc.length} encoding characters; missing separators are not used`, {
        line,
        column: 5,
        segment: seg,
        field: 2,
      }),
    );
  }
  return d;
}
