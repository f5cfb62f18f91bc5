/**
 * Decoding of message bytes per MSH-18 (docs/hl7v2-parsing.md, *Character sets*): the
 * general way is decode-probe.ts; valid UTF-8 naming UTF-8 (nearly all traffic) is decoded
 * once, here.
 */
import { Charset, charsetOf, decodeUtf8 } from './charset';
import { decodeProbing, PROBE_LIMIT, probeLength, unknownCharset, type DecodedInput } from './decode-probe';
import { findMsh18 } from './msh18';

export type { DecodedInput } from './decode-probe';
export { findMsh18 } from './msh18';

const ASCII = /^[\u0000-\u007f]*$/;

/**
 * The common case in one decoding: bytes that are valid UTF-8 and whose MSH-18 names UTF-8,
 * ASCII, nothing, or a name not known. MSH-18 is read from the decoded text, which holds the
 * same ASCII characters the latin-1 probe would, at the same lines; undefined (the probe is
 * needed) when the bytes are not UTF-8, MSH-18 names another character set or is not ASCII,
 * or the first MSH line does not end within the probe's reach.
 */
function decodeUtf8First(body: Uint8Array): DecodedInput | undefined {
  if (body.length > PROBE_LIMIT && probeLength(body) >= PROBE_LIMIT) return undefined;
  const text = decodeUtf8(body);
  if (text === undefined) return undefined;
  const msh18 = findMsh18(text, false);
  if (msh18.value !== undefined && !ASCII.test(msh18.value)) return undefined;
  const charset = charsetOf(msh18.value);
  if (charset === undefined) return { text, charset: Charset.Utf8, diagnostics: [unknownCharset(msh18)] };
  if (charset !== Charset.Utf8 && charset !== Charset.Ascii) return undefined;
  return { text, charset, diagnostics: [] };
}

/** Text of the input: bytes are decoded per MSH-18 (see charset.ts); strings pass through. */
export function decodeInput(input: string | Uint8Array): DecodedInput {
  if (typeof input !== 'string') {
    const bom = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
    const fast = decodeUtf8First(bom ? input.subarray(3) : input);
    if (fast !== undefined) return fast;
  }
  return decodeProbing(input);
}
