/**
 * Decoding of message bytes per MSH-18. The bytes are first scanned as latin-1 (one char per
 * byte) to read MSH-18, then decoded with the named character set. ISO 8859-1 is decoded as
 * Windows-1252, the superset senders actually emit (smart quotes, euro sign in 0x80-0x9F).
 * Invalid UTF-8 falls back to Windows-1252 with a CHARSET_FALLBACK warning.
 */
export const Charset = {
  Utf8: 'utf-8',
  Windows1252: 'windows-1252',
  Latin9: 'iso-8859-15',
  Ascii: 'ascii',
  /** The wide encodings, used only when the bytes start with their byte order mark (wide.ts). */
  Utf16le: 'utf-16le',
  Utf16be: 'utf-16be',
  Utf32le: 'utf-32le',
  Utf32be: 'utf-32be',
} as const;
export type Charset = (typeof Charset)[keyof typeof Charset];

const NAMES: Record<string, Charset> = {
  'UNICODE UTF-8': Charset.Utf8,
  'UTF-8': Charset.Utf8,
  UTF8: Charset.Utf8,
  UNICODE: Charset.Utf8,
  ASCII: Charset.Ascii,
  'US-ASCII': Charset.Ascii,
  'ISO IR6': Charset.Ascii,
  'ISO_IR 6': Charset.Ascii,
  '8859/1': Charset.Windows1252,
  '8859-1': Charset.Windows1252,
  'ISO-8859-1': Charset.Windows1252,
  'ISO IR100': Charset.Windows1252,
  'ISO_IR 100': Charset.Windows1252,
  LATIN1: Charset.Windows1252,
  'WINDOWS-1252': Charset.Windows1252,
  CP1252: Charset.Windows1252,
  '8859/15': Charset.Latin9,
  'ISO-8859-15': Charset.Latin9,
};

/** Maps an MSH-18 value (first repetition) to a decoder name; undefined when unknown. */
export function charsetOf(msh18: string | undefined): Charset | undefined {
  if (msh18 === undefined || msh18 === '') return Charset.Utf8;
  // A sender names its charset the same way in every message: the last answer is kept.
  if (msh18 !== lastName) {
    lastName = msh18;
    lastCharset = NAMES[msh18.trim().toUpperCase()];
  }
  return lastCharset;
}

let lastName = '';
let lastCharset: Charset | undefined = Charset.Utf8;

let utf8Strict: InstanceType<typeof TextDecoder> | undefined;
const decoders = new Map<string, InstanceType<typeof TextDecoder>>();

function decoder(name: string): InstanceType<typeof TextDecoder> {
  let d = decoders.get(name);
  if (d === undefined) {
    d = new TextDecoder(name);
    decoders.set(name, d);
  }
  return d;
}

export interface DecodeResult {
  text: string;
  charset: Charset;
  /** True when the bytes were not valid in the named charset and Windows-1252 was used. */
  fellBack: boolean;
}

/** The bytes as UTF-8 text, or undefined when they are not valid UTF-8 (a BOM is kept as U+FEFF). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  utf8Strict ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Decodes bytes with a charset; UTF-8 and ASCII fall back to Windows-1252 on invalid bytes. */
export function decodeBytes(bytes: Uint8Array, charset: Charset): DecodeResult {
  if (charset === Charset.Utf8 || charset === Charset.Ascii) {
    const text = decodeUtf8(bytes);
    if (text !== undefined) return { text, charset, fellBack: false };
    return { text: decodeWindows1252(bytes), charset: Charset.Windows1252, fellBack: true };
  }
  if (charset === Charset.Windows1252) return { text: decodeWindows1252(bytes), charset, fellBack: false };
  if (charset === Charset.Utf32le || charset === Charset.Utf32be) return { text: decodeUtf32(bytes, charset === Charset.Utf32le), charset, fellBack: false };
  return { text: decoder(charset).decode(bytes), charset, fellBack: false };
}

/**
 * UTF-32 (TextDecoder has no UTF-32): four bytes per code point; a value that is not a
 * Unicode scalar value, or a last incomplete unit, gives U+FFFD as the WHATWG decoders do.
 */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const units = Math.floor(bytes.length / 4);
  let out = '';
  const batch: number[] = [];
  for (let i = 0; i < units; i++) {
    const cp = view.getUint32(i * 4, littleEndian);
    batch.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (batch.length === 4096) {
      out += String.fromCodePoint(...batch);
      batch.length = 0;
    }
  }
  if (bytes.length % 4 !== 0) batch.push(0xfffd);
  return out + String.fromCodePoint(...batch);
}

/** Windows-1252 0x80-0x9F; the five unassigned codes stay C1 controls, as in the WHATWG table. */
const CP1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Windows-1252 decoding done here: Node 20's TextDecoder('windows-1252') decodes as
 * ISO-8859-1 (0x80 gives U+0080, not the euro sign). A leading UTF-8 BOM (EF BB BF) is
 * dropped: it is never data at the start of a message.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const from = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const s = bytesAsLatin1(from === 0 ? bytes : bytes.subarray(from));
  return s.replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F.charAt(c.charCodeAt(0) - 0x80));
}

/** Latin-1 view of bytes (one char per byte), used to find MSH-18 before decoding. */
export function bytesAsLatin1(bytes: Uint8Array, limit = bytes.length): string {
  let s = '';
  const end = Math.min(limit, bytes.length);
  for (let i = 0; i < end; i += 8192) s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
  return s;
}
