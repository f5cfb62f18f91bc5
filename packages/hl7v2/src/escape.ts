import { canonical, FORMATTING, readBackslash } from './backslash';
import { Charset, decodeBytes } from './charset';
import type { Delimiters } from './delimiters';

/**
 * HL7 escape sequences (chapter 2.7):
 * - `\F\ \S\ \T\ \R\ \E\` (and `\P\` when MSH-2 names a truncation character) decode to the
 *   separator they stand for;
 * - `\Xhhhh\` decodes its hex bytes with the message's character set;
 * - formatting and character-set commands (`\.br\`, `\.sp\`, `\.in\`, `\.ti\`, `\.sk\`,
 *   `\.ce\`, `\.fi\`, `\.nf\`, `\H\`, `\N\`, `\Zxxx\`, `\Cxxyy\`, `\Mxxyyzz\`) are kept in the
 *   decoded value verbatim, written with a backslash whatever the message's escape character;
 *   a backslash that is data is written doubled where it would read as one (backslash.ts);
 * - anything else (unknown or unterminated) is kept literally and reported as BAD_ESCAPE.
 * The message's escape character is given as `d.escape` ('' when the sender declared none).
 */
const HEX = /^X(?:[0-9A-Fa-f]{2})+$/;

/**
 * Pieces of a long value kept in flat chunks (a value of a million escapes is hostile input):
 * every CHUNK pieces the text so far is flattened and kept, and the chunks are joined once,
 * so the rope never holds more than CHUNK pieces (see schema/text-chunks.ts for why).
 */
const CHUNK = 1024;

function joinChunks(chunks: string[] | undefined, out: string): string {
  if (chunks === undefined) return out;
  chunks.push(out);
  return chunks.join('');
}

export interface DecodeOutcome {
  value: string;
  /** Offset in the input of the first malformed escape, -1 when none. */
  badAt: number;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function decodeEscapes(text: string, d: Delimiters, charset: Charset): DecodeOutcome {
  const out = decodeLeafEscapes(text, d, charset);
  return { value: out.value, badAt: out.badAt };
}

export interface LeafDecodeOutcome extends DecodeOutcome {
  /**
   * True when every sequence was one of the five basic ones (`\F\ \S\ \T\ \R\ \E\`) and
   * none was malformed: with distinct separators, re-escaping the value gives the text back.
   */
  basic: boolean;
  /**
   * True when re-escaping the value can never give the text back, whatever the separators: a
   * sequence other than the basic ones and `\X0D\` / `\X0A\` (the only others the encoder
   * writes), or a malformed one. The parser then keeps the sent text without comparing.
   */
  changed: boolean;
}

/** decodeEscapes for the parser: also tells whether only basic escapes were used. */
export function decodeLeafEscapes(text: string, d: Delimiters, charset: Charset): LeafDecodeOutcome {
  const esc = d.escape;
  // A backslash sent as data (it is not the escape character) may need writing doubled.
  let data = esc !== '\\' && text.includes('\\');
  if (esc === '') {
    const value = data ? canonical(text, undefined) : text;
    return { value, badAt: -1, basic: value === text, changed: value !== text };
  }
  let out = '';
  let chunks: string[] | undefined;
  /** Length of the text in `chunks`, and where the commands written so far start. */
  let base = 0;
  let commands: number[] | undefined;
  let pieces = 0;
  let from = 0;
  let badAt = -1;
  let basic = true;
  let changed = false;
  let i = text.indexOf(esc);
  while (i >= 0) {
    if (++pieces % CHUNK === 0) {
      // Reading a character flattens the rope (V8).
      out.charCodeAt(0);
      (chunks ??= []).push(out);
      base += out.length;
      out = '';
    }
    const close = text.indexOf(esc, i + 1);
    if (close < 0) {
      if (badAt < 0) badAt = i;
      if (esc === '\\') data = true;
      break;
    }
    const body = text.slice(i + 1, close);
    let rep: string | undefined;
    switch (body) {
      case 'F':
        rep = d.field;
        break;
      case 'S':
        rep = d.component;
        break;
      case 'T':
        rep = d.subcomponent;
        break;
      case 'R':
        rep = d.repetition;
        break;
      case 'E':
        rep = esc;
        break;
      case 'P':
        basic = false;
        changed = true;
        rep = d.truncation !== '' ? d.truncation : undefined;
        break;
      default:
        basic = false;
        if (body !== 'X0D' && body !== 'X0A') changed = true;
        if (HEX.test(body)) rep = decodeBytes(hexBytes(body.slice(1)), charset).text;
        else if (FORMATTING.test(body)) {
          (commands ??= []).push(base + out.length + (i - from));
          rep = `\\${body}\\`;
          out += text.slice(from, i) + rep;
          from = close + 1;
          i = text.indexOf(esc, from);
          continue;
        }
    }
    if (rep === undefined || rep === '') {
      // Unknown sequence: keep the escape character literally and go on after it.
      if (badAt < 0) badAt = i;
      if (esc === '\\') data = true;
      out += text.slice(from, i + 1);
      from = i + 1;
      i = text.indexOf(esc, i + 1);
      continue;
    }
    if (!data && rep.includes('\\')) data = true;
    out += text.slice(from, i) + rep;
    from = close + 1;
    i = text.indexOf(esc, from);
  }
  const decoded = from === 0 ? text : joinChunks(chunks, out + text.slice(from));
  const value = data ? canonical(decoded, commands) : decoded;
  const same = value === decoded;
  return { value, badAt, basic: basic && badAt < 0 && same, changed: changed || badAt >= 0 || !same };
}

/**
 * Escapes a decoded value for the message's separators (the inverse of the five basic
 * escapes); CR and LF become \X0D\ and \X0A\ so a value can never end a segment. The v2.7
 * truncation character is not escaped: senders of earlier versions that declare one in MSH-2
 * still send it as data. Backslashes are read by the rule of backslash.ts: a formatting
 * command is written with the message's escape character, a data backslash as the data it is.
 * Without an escape character (MSH-2 `^~&`) nothing can be escaped (nor a command written).
 */
export function encodeEscapes(value: string, d: Delimiters): string {
  const esc = d.escape;
  if (esc === '' && !value.includes('\\')) return value;
  // Char codes (-1 for a separator the sender did not declare): one number compare per test.
  const e = esc === '' ? -1 : esc.charCodeAt(0);
  const f = d.field === '' ? -1 : d.field.charCodeAt(0);
  const c = d.component === '' ? -1 : d.component.charCodeAt(0);
  const s = d.subcomponent === '' ? -1 : d.subcomponent.charCodeAt(0);
  const r = d.repetition === '' ? -1 : d.repetition.charCodeAt(0);
  let out = '';
  let chunks: string[] | undefined;
  let pieces = 0;
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    let rep: string | undefined;
    let next = i + 1;
    if (ch === 0x5c) {
      const read = readBackslash(value, i);
      if (read.command) {
        // A formatting command, written with the message's escape character (as it came).
        const written = esc === '' ? value.slice(i, read.next) : esc + value.slice(i + 1, read.next - 1) + esc;
        out += value.slice(from, i) + written;
        from = read.next;
        i = read.next - 1;
        continue;
      }
      // One data backslash, written doubled or not: the character 0x5c from here on.
      next = read.next;
      if (next === i + 2 && ch !== e && ch !== f && ch !== c && ch !== s && ch !== r) {
        // Plain data where the backslash needs no escape: sent once.
        out += `${value.slice(from, i)}\\`;
        from = next;
        i = next - 1;
        continue;
      }
    }
    if (esc === '') {
      // Nothing can be escaped: only doubled data backslashes were written once (above).
      i = next - 1;
      continue;
    }
    if (ch === e) rep = 'E';
    else if (ch === f) rep = 'F';
    else if (ch === c) rep = 'S';
    else if (ch === s) rep = 'T';
    else if (ch === r) rep = 'R';
    // A line break in a value would end the segment: written as a hex escape.
    else if (ch === 0x0d) rep = 'X0D';
    else if (ch === 0x0a) rep = 'X0A';
    if (rep !== undefined) {
      if (++pieces % CHUNK === 0) {
        out.charCodeAt(0);
        (chunks ??= []).push(out);
        out = '';
      }
      out += value.slice(from, i) + esc + rep + esc;
      from = next;
    }
    i = next - 1;
  }
  return from === 0 ? value : joinChunks(chunks, out + value.slice(from));
}
