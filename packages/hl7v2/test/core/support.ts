/** Shared helpers of the core parser tests: corpus access and byte builders. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Hl7Error, parseMessage, splitMessages, type Message } from '../../src/index';
import { corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';

export const corpusDir = join(import.meta.dirname, '../../../../test/fixtures/corpus');

export type { CorpusMessageRow as CorpusRow } from '../../../../test/fixtures/corpus-manifest';

/** The `message` rows of MANIFEST.tsv (one per message file). */
export { corpusMessageRows as corpusMessages };

/** Every file under the corpus folder (relative paths), to check the manifest lists them all. */
export function corpusFiles(dir = corpusDir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else out.push(relative(corpusDir, p));
  }
  return out;
}

/** The raw bytes of a corpus file (never decoded: files mix charsets, BOMs, MLLP bytes). */
export const corpusBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(join(corpusDir, path)));

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One byte per char (chars must be <= 0xFF): builds latin-1 / Windows-1252 input. */
export function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`char ${c} does not fit one byte`);
    out[i] = c;
  }
  return out;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A small valid ADT^A01 v2.5 message with CR terminators (trailing CR included). */
export function adt(overrides: { pid3?: string; extra?: string[]; msh18?: string; enc?: string; fs?: string } = {}): string {
  const fs = overrides.fs ?? '|';
  const enc = overrides.enc ?? '^~\\&';
  const c = enc.charAt(0) || '^';
  const msh = [
    'MSH',
    enc,
    'SENDAPP',
    'SENDFAC',
    'RECAPP',
    'RECFAC',
    '20240102030405',
    '',
    `ADT${c}A01${c}ADT_A01`,
    'CTRL1',
    'P',
    '2.5',
    '',
    '',
    '',
    '',
    '',
    overrides.msh18 ?? '',
  ];
  while (msh.length > 1 && msh[msh.length - 1] === '') msh.pop();
  const segs = [
    msh.join(fs),
    ['EVN', 'A01', '20240102030405'].join(fs),
    ['PID', '1', '', overrides.pid3 ?? `12345${c}${c}${c}HOSP${c}MR`, '', `DOE${c}JANE`].join(fs),
    ['PV1', '1', 'I'].join(fs),
    ...(overrides.extra ?? []),
  ];
  return `${segs.join('\r')}\r`;
}

/**
 * Every message of every corpus file that splits and parses (files or messages that are
 * fatal for the package are skipped), with the file it came from.
 */
export function corpusParsed(): { path: string; message: Message }[] {
  const out: { path: string; message: Message }[] = [];
  for (const row of corpusMessageRows()) {
    let texts: string[];
    try {
      texts = splitMessages(corpusBytes(row.path)).messages.map((c) => c.text);
    } catch (e) {
      if (e instanceof Hl7Error) continue;
      throw e;
    }
    for (const text of texts) {
      try {
        out.push({ path: row.path, message: parseMessage(text) });
      } catch (e) {
        if (!(e instanceof Hl7Error)) throw e;
      }
    }
  }
  return out;
}
