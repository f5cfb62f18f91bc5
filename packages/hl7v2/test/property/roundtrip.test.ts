/**
 * Property: random VALID messages (random legal separators, segments incl. Z-segments,
 * repetitions, components, subcomponents, values holding separator characters, unicode)
 * parse to the values they were written from and serialize back to the same text; values
 * built in code serialize to text that parses back to the same values.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { headerOf, Message, normalize, parseMessage, Segment, serialize, splitMessages, type FieldValue } from '../../src/index';
import { encodeModel, messageArb, type ModelMessage, type ModelSegment } from './arbitraries';

const RUNS = { numRuns: 300 };

/** The parsed tree of a model message: MSH-1/MSH-2 as the parser stores them. */
function expectedFields(m: ModelMessage): (FieldValue | undefined)[][] {
  return m.segments.map((s) => {
    if (s.id !== 'MSH') return s.fields;
    const f = [...s.fields];
    f[1] = [[m.delimiters.field]];
    f[2] = [[m.delimiters.encodingCharacters]];
    return f;
  });
}

/** The message as bytes in its MSH-18 charset; undefined when 8859/1 cannot hold its text. */
function bytesFor(m: ModelMessage, er7: string): Uint8Array | undefined {
  if ((m.segments[0] as ModelSegment).fields[18]?.[0]?.[0] !== '8859/1') return new TextEncoder().encode(er7);
  // Latin-1 bytes 0x80-0x9F read as Windows-1252 (as senders mean them): only plain latin-1 text.
  if (/[^\t\r\u0020-\u007e\u00a0-\u00ff]/.test(er7)) return undefined;
  return Uint8Array.from(er7, (c) => c.charCodeAt(0));
}

describe('random valid messages', () => {
  it('parse to the values they were written from', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const parsed = parseMessage(encodeModel(m));
        expect(parsed.segments.map((s) => s.id)).toEqual(m.segments.map((s) => s.id));
        expect(parsed.segments.map((s) => s.fields)).toEqual(expectedFields(m));
        expect(parsed.delimiters).toEqual(m.delimiters);
        expect(parsed.diagnostics).toEqual([]);
      }),
      RUNS,
    );
  });

  it('serialize(parse(x)) === x, from text and from UTF-8 bytes', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const er7 = encodeModel(m);
        expect(serialize(parseMessage(er7))).toBe(er7);
        expect(normalize(er7)).toBe(er7);
        const bytes = bytesFor(m, er7);
        if (bytes !== undefined) expect(serialize(parseMessage(bytes))).toBe(er7);
      }),
      RUNS,
    );
  });

  it('any segment terminator (CR, LF, CRLF, mixed), a BOM and MLLP framing normalize to the same message', () => {
    const terminators = fc.array(fc.constantFrom('\r', '\n', '\r\n', '\n\n', '\r\n\r\n'), { minLength: 16, maxLength: 16 });
    fc.assert(
      fc.property(messageArb, terminators, fc.boolean(), fc.boolean(), (m, ts, bom, mllp) => {
        const er7 = encodeModel(m);
        const lines = er7.split('\r').slice(0, -1);
        let text = lines.map((l, i) => l + (ts[i % ts.length] as string)).join('');
        if (bom) text = `\ufeff${text}`;
        if (mllp) text = `\u000b${text}\u001c\r`;
        expect(normalize(text)).toBe(er7);
        expect(serialize(parseMessage(text))).toBe(er7);
      }),
      RUNS,
    );
  });

  it('a batch of random messages splits into exactly those messages', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { minLength: 1, maxLength: 4 }), (ms) => {
        const texts = ms.map(encodeModel);
        // BTS follows a message, so it is written with that message's field separator.
        const fs = (ms[ms.length - 1] as ModelMessage).delimiters.field;
        const split = splitMessages(`FHS|^~\\&\rBHS|^~\\&\r${texts.join('')}BTS${fs}${ms.length}\rFTS|1\r`);
        expect(split.messages.map((c) => c.text)).toEqual(texts);
        expect(split.diagnostics).toEqual([]);
        expect(split.envelope.bts).toBe(`BTS${fs}${ms.length}`);
      }),
      { numRuns: 100 },
    );
  });
});

describe('values built in code', () => {
  it('build -> serialize -> parse gives the same values back', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const fields = expectedFields(m);
        const segments = m.segments.map((s, i) => new Segment(s.id, i + 1, fields[i] as (FieldValue | undefined)[]));
        const built = new Message(segments, m.delimiters, headerOf(segments[0] as Segment, m.delimiters), [], []);
        const text = serialize(built);
        expect(text).toBe(encodeModel(m));
        const back = parseMessage(text);
        expect(back.segments.map((s) => s.fields)).toEqual(fields);
      }),
      RUNS,
    );
  });

  it('setField on a parsed message with values holding separators re-escapes them', () => {
    fc.assert(
      fc.property(messageArb, messageArb, (a, b) => {
        // Put every field of b's segments into a's message (with a's separators) through setField.
        const target = parseMessage(encodeModel(a));
        const seg = target.segments[1] as Segment;
        const donor = b.segments.slice(1).flatMap((s) => s.fields.slice(1));
        donor.forEach((f, i) => seg.setField(i + 1, f));
        const back = parseMessage(serialize(target));
        const got = back.segments[1] as Segment;
        donor.forEach((f, i) => expect(got.field(i + 1)).toEqual(f));
      }),
      { numRuns: 150 },
    );
  });
});
