/** Escaping of values written into an ACK, with the delimiters of the message acknowledged. */

export interface AckDelimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7+ truncation character, when the message declares one. */
  truncation?: string;
  /** MSH-2 of the acknowledged message as sent (a parsed message's delimiters carry it). */
  encodingCharacters?: string;
}

export const DEFAULT_DELIMITERS: AckDelimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

/**
 * Escapes one leaf value: delimiters become \F\ \S\ \R\ \E\ \T\ (\P\ for the truncation
 * character) and CR/LF become \X0D\ / \X0A\ so a value can never end a segment.
 */
export function escapeValue(value: string, d: AckDelimiters): string {
  if (d.escape === '') return withoutDelimiters(value, d);
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (d.truncation !== undefined && ch === d.truncation) out += `${d.escape}P${d.escape}`;
    else if (ch === '\r') out += `${d.escape}X0D${d.escape}`;
    else if (ch === '\n') out += `${d.escape}X0A${d.escape}`;
    else out += ch;
  }
  return out;
}

/**
 * The MSH-2 encoding characters: the message's own MSH-2 when known (a blank for an undeclared
 * escape character stays), else built from the delimiters.
 */
export function encodingCharacters(d: AckDelimiters): string {
  if (d.encodingCharacters !== undefined && d.encodingCharacters !== '') return d.encodingCharacters;
  return `${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation ?? ''}`;
}

/** Without an escape character (MSH-2 may omit it) delimiters cannot be escaped: they become spaces. */
function withoutDelimiters(value: string, d: AckDelimiters): string {
  let out = '';
  for (const ch of value) {
    const isDelimiter =
      ch === d.field || ch === d.component || ch === d.repetition || ch === d.subcomponent || ch === d.truncation || ch === '\r' || ch === '\n';
    out += isDelimiter ? ' ' : ch;
  }
  return out;
}
