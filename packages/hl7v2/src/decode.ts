/**
 * Decoding of message bytes per MSH-18 (docs/hl7v2-parsing.md, *Character sets*): the
 * general way is decode-probe.ts; valid UTF-8 naming UTF-8 (nearly all traffic) is decoded
 * once, here.
 */
import { Charset, charsetOf, decodeUtf8 } from './charset';
import { decodeProbing, PROBE_LIMIT, probeLength, unknownCharset, type DecodedInput } from './decode-probe';
import { findMsh18 } from './msh18';
import { wideEncoding } from './wide';

export type { DecodedInput } from './decode-probe';
export { findMsh18 } from './msh18';

/**
 * True when the bytes up to the end of the first MSH line are ASCII and that line ends within
 * the probe's reach (so the probe would have read all of it). Messages start with MSH: then
 * one pass over the MSH line.
 */
function asciiToMshLineEnd(body: Uint8Array): boolean {
  if (body[0] === 0x4d && body[1] === 0x53 && body[2] === 0x48) {
    const limit = Math.min(body.length, PROBE_LIMIT);
    let i = 3;
    for (; i < limit; i++) {
      const c = body[i] as number;
      if (c > 0x7f) return false;
      if (c === 0x0d || c === 0x0a) return true;
    }
    return i < PROBE_LIMIT;
  }
  const end = probeLength(body);
  if (end >= PROBE_LIMIT && body.length > PROBE_LIMIT) return false;
  for (let i = 0; i < end; i++) if ((body[i] as number) > 0x7f) return false;
  return true;
}

/**
 * The common case in one decoding: bytes that are valid UTF-8 and whose MSH-18 names UTF-8,
 * ASCII, nothing, or a name not known. MSH-18 is read from the decoded text, which holds the
 * same characters the latin-1 probe would up to the end of the MSH line; undefined (the probe
 * is needed) when the bytes are not UTF-8, MSH-18 names another character set, the text up to
 * the end of the first MSH line is not ASCII, or that line does not end within the probe's reach.
 */
function decodeUtf8First(body: Uint8Array): DecodedInput | undefined {
  // Up to the end of the MSH line the text must be ASCII: the separators MSH-18 is cut with
  // are read from there, and in the latin-1 probe a non-ASCII character is several.
  if (!asciiToMshLineEnd(body)) return undefined;
  const text = decodeUtf8(body);
  if (text === undefined) return undefined;
  const msh18 = findMsh18(text, false);
  const charset = charsetOf(msh18.value);
  if (charset === undefined) return { text, charset: Charset.Utf8, diagnostics: [unknownCharset(msh18)] };
  if (charset !== Charset.Utf8 && charset !== Charset.Ascii) return undefined;
  return { text, charset, diagnostics: [] };
}

/** Text of the input: bytes are decoded per MSH-18 (see charset.ts); strings pass through. */
export function decodeInput(input: string | Uint8Array): DecodedInput {
  if (typeof input !== 'string') {
    // A UTF-16/32 byte order mark: the general way decodes it whole (wide.ts).
    if (wideEncoding(input) !== undefined) return decodeProbing(input);
    const bom = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
    const fast = decodeUtf8First(bom ? input.subarray(3) : input);
    if (fast !== undefined) return fast;
  }
  return decodeProbing(input);
}
