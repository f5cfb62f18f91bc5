/** The decoding of message bytes per MSH-18 through a latin-1 probe (the general way; see decode.ts). */
import { bytesAsLatin1, Charset, charsetOf, decodeBytes } from './charset';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { findMsh18 } from './msh18';
import { decodeWide, wideEncoding } from './wide';

export interface DecodedInput {
  text: string;
  charset: Charset;
  diagnostics: Diagnostic[];
}

export const PROBE_LIMIT = 65536;

/**
 * How many bytes the latin-1 probe needs: up to the end of the first MSH line (an `MSH` at
 * the start or after CR, LF or 0x0B, as findMsh18 looks for it), at most PROBE_LIMIT. Without
 * an MSH in that range, the whole range.
 */
export function probeLength(bytes: Uint8Array): number {
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

export function unknownCharset(msh18: { value: string | undefined; line: number }): Diagnostic {
  return diagnostic(ParseCode.UnknownCharset, 'warning', `MSH-18 character set '${msh18.value}' is not known; UTF-8 is used`, {
    line: msh18.line,
    segment: 'MSH',
    field: 18,
  });
}

/**
 * Text of the input, MSH-18 read first from a latin-1 view of the bytes (one character per
 * byte, so it can be read whatever the character set), then the bytes decoded with the
 * character set it names; strings pass through (MSH-18 then only tells how `\X..\` escapes
 * decode). Bytes that start with a UTF-16 or UTF-32 byte order mark are decoded whole in that
 * encoding (wide.ts). decodeInput takes a shorter way for the common case and gives the same
 * result.
 */
export function decodeProbing(input: string | Uint8Array): DecodedInput {
  const wide = typeof input === 'string' ? undefined : wideEncoding(input);
  if (wide !== undefined) return decodeWide(input as Uint8Array, wide);
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
    diagnostics.push(unknownCharset(msh18));
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
