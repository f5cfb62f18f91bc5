/**
 * streamMessages over chunked async input gives the same messages as splitMessages, however
 * the bytes are cut: inside CRLF, inside a multi-byte UTF-8 character, inside "MSH".
 */
import { describe, expect, it } from '@jest/globals';
import { Hl7FatalError, parseMessage, serialize, splitMessages, streamMessages, type Message } from '../../src/index';
import { adt, corpusBytes, latin1, utf8 } from './support';

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(from, c);
    from = c;
  }
  yield bytes.subarray(from);
}

async function collect(source: AsyncIterable<Uint8Array | string>): Promise<(Message | Hl7FatalError)[]> {
  const out: (Message | Hl7FatalError)[] = [];
  for await (const m of streamMessages(source)) out.push(m);
  return out;
}

const expected = (bytes: Uint8Array): string[] => splitMessages(bytes).messages.map((c) => serialize(parseMessage(c.text)));
const texts = (ms: (Message | Hl7FatalError)[]): string[] => ms.map((m) => (m instanceof Hl7FatalError ? `fatal ${m.code}` : serialize(m)));

const one = (id: string, name: string): string => adt({ pid3: name }).replace('CTRL1', id).replace(/\r/g, '\r\n');
const file = `\ufeffFHS|^~\\&|F\r\nBHS|^~\\&|B\r\n${one('M1', 'Zoë😀')}${one('M2', 'Ωμέγα')}${one('M3', 'plain')}BTS|3\r\nFTS|1\r\n`;
const bytes = utf8(file);

/** Byte offsets of interesting places in the file. */
function offsets(): { crlf: number[]; multibyte: number[]; msh: number[] } {
  const crlf: number[] = [];
  const multibyte: number[] = [];
  const msh: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i - 1] === 0x0d && bytes[i] === 0x0a) crlf.push(i);
    if (bytes[i]! >= 0x80 && bytes[i]! < 0xc0) multibyte.push(i);
    if (bytes[i] === 0x53 && bytes[i - 1] === 0x4d && bytes[i + 1] === 0x48) msh.push(i, i + 1);
  }
  return { crlf, multibyte, msh };
}

describe('streamMessages', () => {
  const want = expected(bytes);

  it('the fixture has three messages', () => {
    expect(want).toHaveLength(3);
  });

  it('one chunk', async () => {
    expect(texts(await collect(chunks(bytes, [])))).toEqual(want);
  });

  it('cut inside every CRLF', async () => {
    expect(texts(await collect(chunks(bytes, offsets().crlf)))).toEqual(want);
  });

  it('cut inside every multi-byte UTF-8 character', async () => {
    const got = await collect(chunks(bytes, offsets().multibyte));
    expect(texts(got)).toEqual(want);
    expect((got[0] as Message).get('PID-3')).toBe('Zoë😀');
    expect((got[1] as Message).get('PID-3')).toBe('Ωμέγα');
  });

  it('cut inside every "MSH"', async () => {
    expect(texts(await collect(chunks(bytes, offsets().msh)))).toEqual(want);
  });

  it('one byte at a time', async () => {
    expect(
      texts(
        await collect(
          chunks(
            bytes,
            Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
          ),
        ),
      ),
    ).toEqual(want);
  });

  it('string chunks work too', async () => {
    async function* parts(): AsyncGenerator<string> {
      for (let i = 0; i < file.length; i += 7) yield file.slice(i, i + 7);
    }
    expect(texts(await collect(parts()))).toEqual(want);
  });

  it('MLLP-framed messages one after the other', async () => {
    const framed = utf8(`\u000b${adt().replace('CTRL1', 'A')}\u001c\r\u000b${adt().replace('CTRL1', 'B')}\u001c\r`);
    const got = await collect(chunks(framed, [1, 5, 60, 130]));
    expect(got.map((m) => (m as Message).get('MSH-10'))).toEqual(['A', 'B']);
    expect(texts(got)).toEqual(expected(framed));
  });

  it('a message with unusable delimiters is yielded as its error and the stream goes on', async () => {
    const bad = utf8(`${adt().replace('CTRL1', 'A')}MSH\x7f^~\\&\x7fX\r${adt().replace('CTRL1', 'C')}`);
    const got = await collect(chunks(bad, [10, 100]));
    expect(got.map((m) => (m instanceof Hl7FatalError ? m.code : m.get('MSH-10')))).toEqual(['A', 'BAD_DELIMITERS', 'C']);
  });

  it('each streamed message is decoded with its own MSH-18', async () => {
    const mixed = new Uint8Array([...latin1(adt({ msh18: '8859/1', pid3: 'Caf\xe9 \x80' })), ...utf8(adt({ msh18: 'UNICODE UTF-8', pid3: 'Café €' }))]);
    const got = (await collect(chunks(mixed, [50, 120, 200]))) as Message[];
    expect(got.map((m) => m.get('PID-3'))).toEqual(['Café €', 'Café €']);
    expect(got.flatMap((m) => m.diagnostics)).toEqual([]);
  });

  it('input with no MSH at all throws Hl7FatalError', async () => {
    await expect(collect(chunks(utf8('PID|1\rOBX|1\r'), [3]))).rejects.toBeInstanceOf(Hl7FatalError);
  });

  it.each([
    'hl7-standard/tests/data/batch.hl7',
    'FHIR-Converter/src/Microsoft.Health.Fhir.Liquid.Converter.UnitTests/TestData/Expected/BundleToHl7v2.hl7',
    'ruby-hl7/test_data/realm/realm-bad-batch.hl7',
  ])('corpus %s in 17-byte chunks', async (path) => {
    const b = corpusBytes(path);
    const cuts = Array.from({ length: Math.floor(b.length / 17) }, (_, i) => (i + 1) * 17);
    expect(texts(await collect(chunks(b, cuts)))).toEqual(expected(b));
  });
});
