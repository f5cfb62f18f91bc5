/**
 * Property: the three ways to read a file agree. For random files of random valid messages
 * (random separators per message, envelopes, blank lines, any terminators), splitMessages,
 * iterateMessages and streamMessages over random byte chunkings give the same messages,
 * and readHeader agrees with the parsed header.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Hl7Error, iterateMessages, parseMessage, readHeader, serialize, splitMessages, streamMessages, type Message } from '../../src/index';
import { encodeModel, messageArb, SEPARATOR_POOL } from './arbitraries';

const fileArb = fc
  .tuple(fc.array(messageArb, { minLength: 1, maxLength: 4 }), fc.constantFrom('\r', '\n', '\r\n'), fc.boolean(), fc.boolean())
  .map(([messages, eol, envelope, blank]) => {
    // A file is decoded with its first MSH-18 (streamMessages: each message with its own), so
    // these UTF-8 files leave MSH-18 out; charsets per message are tested in core/streaming.
    const texts = messages.map((m) => encodeModel({ ...m, segments: m.segments.map((s) => (s.id === 'MSH' ? { ...s, fields: s.fields.slice(0, 18) } : s)) }));
    let body = texts.join(blank ? '\r' : '');
    if (envelope) body = `FHS|^~\\&\rBHS|^~\\&\r${body}`;
    return { texts, bytes: new TextEncoder().encode(body.replaceAll('\r', eol)) };
  });

async function collect(source: AsyncIterable<Message | Hl7Error>): Promise<string[]> {
  const out: string[] = [];
  for await (const m of source) out.push(m instanceof Hl7Error ? m.code : serialize(m));
  return out;
}

async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, c);
    at = c;
  }
  yield bytes.subarray(at);
}

describe('random files', () => {
  it('splitMessages, iterateMessages and streamMessages (any chunking) give the same messages', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.array(fc.nat(), { maxLength: 6 }), async ({ texts, bytes }, cuts) => {
        expect(splitMessages(bytes).messages.map((c) => c.text)).toEqual(texts);
        expect([...iterateMessages(bytes)].map((m) => (m instanceof Hl7Error ? m.code : serialize(m)))).toEqual(texts);
        expect(await collect(streamMessages(chunked(bytes, cuts)))).toEqual(texts);
      }),
      { numRuns: 100 },
    );
  });

  it('readHeader gives the header of the full parse, for valid and arbitrary MSH lines', () => {
    const line = fc.tuple(fc.constantFrom(...SEPARATOR_POOL), fc.string({ maxLength: 60 })).map(([fs, rest]) => `MSH${fs}${rest}\rPID|1\r`);
    fc.assert(
      fc.property(fc.oneof(messageArb.map(encodeModel), line), (text) => {
        expect(readHeader(text)).toEqual(parseMessage(text).header);
      }),
      { numRuns: 200 },
    );
  });
});
