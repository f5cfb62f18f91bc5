/**
 * Bugs found by the property tests (test/property), each pinned by a plain example.
 */
import { describe, expect, it } from '@jest/globals';
import { corpusBytes } from './support';
import { Hl7FatalError, normalize, parseMessage, readHeader, serialize, streamMessages, toStaging, toStagingJsonText, validateMessage } from '../../src/index';

describe('explicit null as the first subcomponent', () => {
  it('"" before a subcomponent separator stays "" (was written as an empty value)', () => {
    const er7 = 'MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5\rPID|""&x||""&""^\r';
    const m = parseMessage(er7);
    expect(m.segments[1]?.field(1)).toEqual([[[null, 'x']]]);
    expect(m.segments[1]?.field(3)).toEqual([[[null, null], '']]);
    expect(serialize(m)).toBe(er7);
  });
});

describe('MSH-18 holding a separator character', () => {
  // With '/' as subcomponent separator, a sender must write 8859/1 as 8859\T\1.
  const er7 = 'MSH|^~\\/|A|B|||20240101||ADT^A01|1|P|2.5||||||8859\\T\\1\rPID|1||||Ren\\XE9\\e\r';

  it('is read with its escapes decoded: no UNKNOWN_CHARSET, latin-1 bytes decoded', () => {
    const bytes = Uint8Array.from(er7.replace('Ren', 'Caf\u00e9 Ren'), (c) => c.charCodeAt(0));
    const m = parseMessage(bytes);
    expect(m.diagnostics).toEqual([]);
    expect(m.get('PID-5')).toBe('Caf\u00e9 Ren\u00e9e');
    expect(m.get('MSH-18')).toBe('8859/1');
    expect(readHeader(bytes).charset).toBe('8859/1');
  });

  it('and round-trips as sent', () => {
    expect(serialize(parseMessage(er7))).toBe(er7);
  });
});

describe('an empty MSH-2 with a field separator that is also a default separator', () => {
  it('MSH~~... keeps every field (the default ~ repetition separator is not used)', () => {
    const er7 = 'MSH~~A&B~FAC~~~20240101~~ADT^A01~C1\r';
    const m = parseMessage(er7);
    expect(m.delimiters.repetition).toBe('');
    expect(m.get('MSH-3.1.1')).toBe('A');
    expect(m.get('MSH-3.1.2')).toBe('B');
    expect(m.get('MSH-9.2')).toBe('A01');
    expect(m.get('MSH-10')).toBe('C1');
    expect(m.diagnostics.map((d) => d.code)).toEqual(['ENCODING_CHARACTERS_MISSING']);
    expect(serialize(m)).toBe(er7);
  });
});

describe('an empty MSH-2 is reported once', () => {
  it('validateMessage does not repeat the parser ENCODING_CHARACTERS_MISSING', () => {
    const m = parseMessage('MSH||A|B|||20240101||ADT^A01|1|P|2.5\rPID|1\r');
    expect(validateMessage(m).filter((d) => d.code === 'ENCODING_CHARACTERS_MISSING')).toEqual([
      expect.objectContaining({ severity: 'warning', location: 'MSH[1]-2', line: 1 }),
    ]);
  });
});

describe('a bare "MSH" line inside a message', () => {
  it('is a segment with no field (not even MSH-1) and round-trips as sent', () => {
    const er7 = 'MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5\rMSH\rPID|1\r';
    const m = parseMessage(er7);
    expect(m.segments.map((s) => [s.id, s.fieldCount])).toEqual([
      ['MSH', 12],
      ['MSH', 0],
      ['PID', 1],
    ]);
    expect(serialize(m)).toBe(er7);
  });
});

describe('streamMessages over input with no message', () => {
  const stream = async (text: string): Promise<unknown> => {
    async function* source(): AsyncGenerator<string> {
      yield text;
    }
    try {
      for await (const _ of streamMessages(source())) return 'no error';
    } catch (e) {
      return e;
    }
    return 'no error';
  };

  it('text without MSH is NO_MSH located at its first line (was reported as empty input)', async () => {
    const e = (await stream('\r\nPID|1||X\rOBX|1\r')) as Hl7FatalError;
    expect(e).toBeInstanceOf(Hl7FatalError);
    expect(e.code).toBe('NO_MSH');
    expect(e.diagnostics[0]).toMatchObject({ code: 'NO_MSH', line: 1 });
  });

  it('empty input is EMPTY_INPUT', async () => {
    expect(await stream('')).toMatchObject({ code: 'EMPTY_INPUT' });
    expect(await stream('\r\n\r\n')).toMatchObject({ code: 'EMPTY_INPUT' });
  });
});

describe('repetitions of a non-repeating field are reported once in the staging warnings', () => {
  it('FIELD_REPEATED once (from validateMessage), in both the object and the text form', () => {
    const m = parseMessage('MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5\rEVN||20240101\rPID|1||1^^^H^MR||X^Y||19800101|F~M\rPV1|1|I\r');
    const warnings = toStaging(m).warnings.filter((w) => w.code === 'FIELD_REPEATED');
    expect(warnings.map((w) => w.location)).toEqual(['PID[1]-8[2]']);
    const text = JSON.parse(toStagingJsonText(m)) as { _meta: { warnings: { code: string }[] }; pid: Record<string, unknown> };
    expect(text._meta.warnings.filter((w) => w.code === 'FIELD_REPEATED')).toHaveLength(1);
    expect(text.pid['administrative_sex_extra']).toEqual(['M']);
  });
});

describe('a UTF-8 BOM in front of an ISO 8859-15 message', () => {
  it('is dropped before decoding (it used to become text and hide the MSH)', () => {
    const text = 'MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.5||||||8859/15\rPID|1||||Price \u00a4\r';
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...Array.from(text, (c) => c.charCodeAt(0))]);
    const m = parseMessage(bytes);
    expect(m.diagnostics).toEqual([]);
    expect(m.get('PID-5')).toBe('Price \u20ac');
    expect(normalize(bytes).startsWith('MSH|')).toBe(true);
  });
});

describe('a line break in a value set through the tree', () => {
  it('is written as \\X0D\\ / \\X0A\\, so the segment is not cut', () => {
    const m = parseMessage('MSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5\rOBX|1|TX|||x\r');
    m.segments[1]?.setField(5, 'line one\r\nline two');
    const text = serialize(m);
    expect(text).toBe('MSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5\rOBX|1|TX|||line one\\X0D\\\\X0A\\line two\r');
    const back = parseMessage(text);
    expect(back.get('OBX-5')).toBe('line one\r\nline two');
    expect(back.segments).toHaveLength(2);
    expect(serialize(back)).toBe(text);
  });
});

describe('MSH-2 read as senders mean it', () => {
  it("'^\\&' (ruby-hl7): component, escape and subcomponent, no repetition separator", () => {
    const m = parseMessage(corpusBytes('ruby-hl7/test_data/adt_a01.hl7'));
    expect(m.delimiters).toMatchObject({ component: '^', repetition: '', escape: '\\', subcomponent: '&' });
    const t = parseMessage('MSH|^\\&|A|B|||20240101||ADT^A01|1|P|2.3\rPID|1||A\\T\\B~C&D\r');
    expect(t.get('PID-3.1.1')).toBe('A&B~C');
    expect(t.get('PID-3.1.2')).toBe('D');
    expect(t.diagnostics.map((d) => d.code)).toEqual(['ENCODING_CHARACTERS_SHORT']);
  });

  it("'^~\\\\&' (LinuxForHealth, the backslash doubled): read as ^~\\&, & separates subcomponents", () => {
    const m = parseMessage('MSH|^~\\\\&|A|B|||20240101||ADT^A01|1|P|2.6\rPID|1||X^^^H&1.2&ISO||A\\S\\B\r');
    expect(m.delimiters).toMatchObject({ component: '^', repetition: '~', escape: '\\', subcomponent: '&', truncation: '', encodingCharacters: '^~\\\\&' });
    expect(m.get('PID-3.4.2')).toBe('1.2');
    expect(m.get('PID-5')).toBe('A^B');
    expect(serialize(m)).toBe('MSH|^~\\\\&|A|B|||20240101||ADT^A01|1|P|2.6\rPID|1||X^^^H&1.2&ISO||A\\S\\B\r');
  });

  it('other short or odd sets stay positional', () => {
    expect(parseMessage('MSH|@%\\|A\r').delimiters).toMatchObject({ component: '@', repetition: '%', escape: '\\', subcomponent: '' });
    expect(parseMessage('MSH|^~\\|A\r').delimiters).toMatchObject({ component: '^', repetition: '~', escape: '\\', subcomponent: '' });
    expect(parseMessage('MSH|^~\\&#|A\r').delimiters).toMatchObject({ escape: '\\', subcomponent: '&', truncation: '#' });
  });
});
