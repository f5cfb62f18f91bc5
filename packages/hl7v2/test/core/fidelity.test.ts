/**
 * Parser fidelity (issue 13, found on 410 unseen real messages), one reproduction each:
 * - ED in v2.3-2.4 staging JSON: the subtype under `data`, the payload under `data_5`;
 * - `\.br\` and the literal text `\E\.br\E\` decoded to the same value;
 * - a UTF-16 file with a byte order mark rejected as NO_MSH;
 * - diagnostic line numbers of splitMessages + parseMessage differing from `hcdl parse`
 *   (streamMessages) on messages with blank lines.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Hl7Error,
  iterateMessages,
  parseMessage,
  serialize,
  splitMessages,
  streamMessages,
  toStaging,
  toStagingJsonText,
  type Diagnostic,
  type Message,
  type StagingDocument,
} from '../../src/index';
import { CORPUS_DIR, corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';
import { concatBytes, utf8 } from './support';

const msh = (version: string): string => `MSH|^~\\&|LAB|HOSP|||20240101||ORU^R01|C1|P|${version}\r`;
const staged = (m: Message): StagingDocument => JSON.parse(toStagingJsonText(m)) as StagingDocument;
const obx = (doc: StagingDocument): Record<string, unknown> => (doc['obx'] as Record<string, unknown>[])[0] as Record<string, unknown>;

describe('ED in every version: the subtype is data_subtype, the payload data', () => {
  it.each(['2.3', '2.3.1', '2.4', '2.5', '2.8.2'])('MSH-12 %s', (version) => {
    const m = parseMessage(`${msh(version)}OBX|1|ED|X||APP^AP^PDF^Base64^JVBERi0x\r`);
    expect(obx(staged(m))['observation_value']).toEqual([
      { source_application: { namespace_id: 'APP' }, type_of_data: 'AP', data_subtype: 'PDF', encoding: 'Base64', data: 'JVBERi0x' },
    ]);
  });
});

describe('a formatting command and the same text sent as data stay apart', () => {
  const value = (sent: string): string => parseMessage(`${msh('2.5.1')}OBX|1|FT|X||${sent}\r`).get('OBX-5') as string;

  it('\\.br\\ is the command; \\E\\.br\\E\\ is the text "\\.br\\", its first backslash written doubled', () => {
    expect(value('a\\.br\\b')).toBe('a\\.br\\b');
    expect(value('a\\E\\.br\\E\\b')).toBe('a\\\\.br\\b');
    expect(value('a\\.br\\b')).not.toBe(value('a\\E\\.br\\E\\b'));
  });

  it('in the staging JSON too', () => {
    const text = (sent: string): unknown => obx(staged(parseMessage(`${msh('2.5.1')}OBX|1|FT|X||${sent}\r`)))['observation_value'];
    expect(text('\\.br\\')).toEqual(['\\.br\\']);
    expect(text('\\E\\.br\\E\\')).toEqual(['\\\\.br\\']);
  });

  it('backslashes that read as no command are unchanged (a path, RTF text)', () => {
    expect(value('C:\\E\\TEMP\\E\\x')).toBe('C:\\TEMP\\x');
    expect(value('{\\E\\rtf1\\E\\ansi \\E\\f1 x}')).toBe('{\\rtf1\\ansi \\f1 x}');
  });

  it('a backslash that is data where the escape character is another is read the same way', () => {
    const m = parseMessage('MSH|^~#&|A|B|||20240101||ORU^R01|1|P|2.5.1\rOBX|1|FT|X||a#.br#b\\.br\\c\r');
    expect(m.get('OBX-5')).toBe('a\\.br\\b\\\\.br\\c');
  });

  it('the message is written back as sent, and a value set in code is written by the same rule', () => {
    const sent = `${msh('2.5.1')}OBX|1|FT|X||a\\.br\\b\\E\\.br\\E\\c\r`;
    const m = parseMessage(sent);
    expect(serialize(m)).toBe(sent);
    m.segments[1]?.setField(5, m.get('OBX-5') as string);
    expect(serialize(m)).toBe(sent);
  });
});

describe('UTF-16 and UTF-32 files with a byte order mark', () => {
  const text = `${msh('2.5.1')}PID|1||123^^^HOSP^MR||Zo\u00eb^Ren\u00e9e\r`;
  function encode(kind: 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be'): Uint8Array {
    const cps = [0xfeff, ...[...text].map((c) => c.codePointAt(0) as number)];
    const wide = kind.startsWith('utf-32') ? 4 : 2;
    const out = new Uint8Array(cps.length * wide);
    const view = new DataView(out.buffer);
    cps.forEach((cp, i) => {
      if (wide === 4) view.setUint32(i * 4, cp, kind.endsWith('le'));
      else view.setUint16(i * 2, cp, kind.endsWith('le'));
    });
    return out;
  }

  it.each(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'] as const)('%s is decoded (it was NO_MSH)', async (kind) => {
    const bytes = encode(kind);
    const m = parseMessage(bytes);
    expect(m.get('PID-5.2')).toBe('Ren\u00e9e');
    expect(m.diagnostics).toEqual([]);
    expect(splitMessages(bytes).messages).toHaveLength(1);
    const streamed: (Message | Hl7Error)[] = [];
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 7);
      yield bytes.subarray(7);
    }
    for await (const x of streamMessages(chunks())) streamed.push(x);
    expect(streamed.map((x) => (x instanceof Hl7Error ? x.code : x.get('PID-5.1')))).toEqual(['Zo\u00eb']);
  });

  it('without a byte order mark UTF-16 is still not read (no MSH)', () => {
    const bytes = encode('utf-16le').subarray(2);
    expect(() => parseMessage(bytes)).toThrow(Hl7Error);
  });

  it('a UTF-8 BOM before UTF-8 bytes is unchanged', () => {
    expect(parseMessage(concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(text))).get('PID-5.2')).toBe('Ren\u00e9e');
  });
});

/** What locates a diagnostic (its message is left out: some quote counts). */
const where = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.code} ${d.location} line ${d.line} col ${d.column}`);

describe('one line numbering for every way of reading a file', () => {
  it('blank lines inside a message: split + parse, iterate and stream agree', async () => {
    const file = utf8(`${msh('2.5.1')}\r\n\r\nPID|1||123^^^HOSP^MR||DOE\r\n\r\nOBX|1|ZZ|X||\\Q\r\n${msh('2.5.1')}\r\n\r\nPV1|1|Q\r\n`);
    const split = splitMessages(file).messages.map((c) => where(toStaging(parseMessage(c.text)).warnings));
    const iterated = [...iterateMessages(file)].map((m) => where(toStaging(m as Message).warnings));
    const streamed: string[][] = [];
    async function* one(): AsyncGenerator<Uint8Array> {
      yield file;
    }
    for await (const m of streamMessages(one())) streamed.push(where(toStaging(m as Message).warnings));
    expect(split[0]).toContain('BAD_ESCAPE OBX[1]-5.1.1 line 3 col 13');
    expect(iterated).toEqual(split);
    expect(streamed).toEqual(split);
  });

  it('over the corpus: every message gives the same diagnostics through splitMessages + parseMessage and through streamMessages', async () => {
    let messages = 0;
    const differing: string[] = [];
    for (const row of corpusMessageRows()) {
      const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR, row.path)));
      let chunks: string[];
      try {
        chunks = splitMessages(bytes).messages.map((c) => c.text);
      } catch (e) {
        if (e instanceof Hl7Error) continue;
        throw e;
      }
      const streamed: (Message | Hl7Error)[] = [];
      async function* one(): AsyncGenerator<Uint8Array> {
        yield bytes;
      }
      try {
        for await (const m of streamMessages(one())) streamed.push(m);
      } catch (e) {
        if (!(e instanceof Hl7Error)) throw e;
      }
      chunks.forEach((text, i) => {
        const s = streamed[i];
        if (s === undefined || s instanceof Hl7Error) return;
        messages++;
        let parsed: Message;
        try {
          parsed = parseMessage(text);
        } catch {
          return;
        }
        // A file's messages may name different character sets: splitMessages decodes the file
        // with the first, streamMessages each message with its own; those findings are left out.
        const own = (ds: readonly Diagnostic[]): string[] => where(ds.filter((d) => d.field !== 18));
        if (JSON.stringify(own(toStaging(parsed).warnings)) !== JSON.stringify(own(toStaging(s).warnings))) differing.push(`${row.path} #${i + 1}`);
      });
    }
    expect(messages).toBeGreaterThan(400);
    expect(differing).toEqual([]);
  }, 120_000);
});
