import { decodeInput } from './decode';
import { joinLines, splitLines } from './lines';

/**
 * The documented normalization (see lines.ts): bytes decoded per MSH-18, BOM and MLLP bytes
 * removed, every segment terminator turned into CR, blank lines dropped, one trailing CR.
 * For every single message x: `serialize(parseMessage(x)) === normalize(x)`.
 */
export function normalize(input: string | Uint8Array): string {
  return joinLines(splitLines(decodeInput(input).text));
}
