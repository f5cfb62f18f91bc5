/**
 * Messages in UTF-16 or UTF-32 (a sender's export, a Windows tool's "Unicode" file) are
 * recognised by their byte order mark and decoded whole in that encoding; MSH-18 cannot tell
 * how to read bytes it is itself written in. Without a byte order mark such bytes are read as
 * the other encodings are (and fail as NO_MSH: a NUL between the letters of "MSH").
 */
import { Charset, decodeBytes } from './charset';
import type { DecodedInput } from './decode-probe';

/** The wide encoding named by the byte order mark the bytes start with, and the mark's length. */
export function wideEncoding(bytes: Uint8Array): { charset: Charset; bom: number } | undefined {
  const [a, b, c, d] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? { charset: Charset.Utf32le, bom: 4 } : { charset: Charset.Utf16le, bom: 2 };
  if (a === 0xfe && b === 0xff) return { charset: Charset.Utf16be, bom: 2 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { charset: Charset.Utf32be, bom: 4 };
  return undefined;
}

/** The text of bytes in a wide encoding, the byte order mark left out. */
export function decodeWide(bytes: Uint8Array, wide: { charset: Charset; bom: number }): DecodedInput {
  return { text: decodeBytes(bytes.subarray(wide.bom), wide.charset).text, charset: wide.charset, diagnostics: [] };
}
