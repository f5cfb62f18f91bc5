import { bytesAsLatin1, Charset, charsetOf, decodeBytes } from './charset';
import { encodingRoles } from './delimiters';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { decodeEscapes } from './escape';

export interface DecodedInput {
  text: string;
  charset: Charset;
  diagnostics: Diagnostic[];
}

/** Finds MSH-18 (first repetition, first component) in text; undefined when not sent. */
export function findMsh18(text: string): { value: string | undefined; line: number } {
  let at = text.startsWith('MSH') ? 0 : -1;
  if (at < 0) {
    const re = /[\r\n\u000b\ufeff]MSH/g;
    const m = re.exec(text);
    if (m === null) return { value: undefined, line: 1 };
    at = m.index + 1;
  }
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10 || (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  const fs = text.charAt(at + 3);
  if (fs === '') return { value: undefined, line };
  // One pass to the end of the MSH line (the first CR or LF; the rest of the text may be
  // long), noting where the parts split at the field separator start and end: part 0 is
  // 'MSH', part 1 MSH-2, so MSH-n is part n - 1 and MSH-18 is part 17.
  const fsCode = fs.charCodeAt(0);
  const len = text.length;
  let parts = 1;
  let encFrom = -1;
  let encTo = -1;
  let from17 = -1;
  let to17 = -1;
  let end = at;
  for (; end < len; end++) {
    const c = text.charCodeAt(end);
    if (c === 13 || c === 10) break;
    if (c !== fsCode) continue;
    if (parts === 1) encFrom = end + 1;
    else if (parts === 2) encTo = end;
    else if (parts === 17) from17 = end + 1;
    else if (parts === 18) to17 = end;
    parts++;
  }
  if (from17 < 0) return { value: undefined, line };
  const v = text.slice(from17, to17 < 0 ? end : to17);
  const enc = text.slice(encFrom, encTo < 0 ? end : encTo);
  let first = v;
  if (enc !== '') {
    const roles = encodingRoles(enc);
    for (const sep of [roles.repetition, roles.component]) if (sep !== '' && first.includes(sep)) first = first.slice(0, first.indexOf(sep));
    // A name holding one of the message's separators (8859/1 with '/' as a separator) is sent escaped.
    if (roles.escape !== '' && first.includes(roles.escape))
      first = decodeEscapes(first, { field: fs, ...roles, encodingCharacters: enc }, Charset.Ascii).value;
  }
  return { value: first === '' ? undefined : first, line };
}

const PROBE_LIMIT = 65536;

/**
 * How many bytes the latin-1 probe needs: up to the end of the first MSH line (an `MSH` at
 * the start or after CR, LF or 0x0B, as findMsh18 looks for it), at most PROBE_LIMIT. Without
 * an MSH in that range, the whole range.
 */
function probeLength(bytes: Uint8Array): number {
  const end = Math.min(bytes.length, PROBE_LIMIT);
  for (let i = 0; i + 2 < end; i++) {
    if (bytes[i] !== 0x4d || bytes[i + 1] !== 0x53 || bytes[i + 2] !== 0x48) continue;
    const p = i === 0 ? 0x0d : bytes[i - 1];
    if (p !== 0x0d && p !== 0x0a && p !== 0x0b) continue;
    for (let j = i + 3; j < end; j++) if (bytes[j] === 0x0d || bytes[j] === 0x0a) return j + 1;
    return end;
  }
  return end;
}

/** Text of the input: bytes are decoded per MSH-18 (see charset.ts); strings pass through. */
export function decodeInput(input: string | Uint8Array): DecodedInput {
  const diagnostics: Diagnostic[] = [];
  // In the latin-1 probe a UTF-8 BOM reads as 'ï»¿' and would hide an MSH on the first line.
  const bom = typeof input !== 'string' && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
  let probe: string;
  if (typeof input === 'string') probe = input;
  else {
    const body = bom ? input.subarray(3) : input;
    probe = bytesAsLatin1(body, probeLength(body));
  }
  const msh18 = findMsh18(probe);
  let charset = charsetOf(msh18.value);
  if (charset === undefined) {
    diagnostics.push(
      diagnostic(ParseCode.UnknownCharset, 'warning', `MSH-18 character set '${msh18.value}' is not known; UTF-8 is used`, {
        line: msh18.line,
        segment: 'MSH',
        field: 18,
      }),
    );
    charset = Charset.Utf8;
  }
  if (typeof input === 'string') return { text: input, charset, diagnostics };
  // The BOM is never data: dropped before decoding, whatever MSH-18 names (8859/15 included).
  const out = decodeBytes(bom ? input.subarray(3) : input, charset);
  if (out.fellBack) {
    diagnostics.push(
      diagnostic(ParseCode.CharsetFallback, 'warning', 'the bytes are not valid UTF-8; decoded as Windows-1252', {
        line: msh18.line,
        segment: 'MSH',
        field: 18,
      }),
    );
  }
  return { text: out.text, charset: out.charset, diagnostics };
}
