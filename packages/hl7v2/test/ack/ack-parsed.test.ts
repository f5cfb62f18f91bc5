/**
 * ACKs built from parsed messages, read back with the parser: every code, sender and
 * receiver swapped value for value, MSH-10 echoed in MSA-2, ERR per version carrying the
 * locations of real diagnostics, the message's own delimiters, and the whole corpus.
 */
import { describe, expect, it } from '@jest/globals';
import { buildAck, Hl7AckError, Hl7Error, parseMessage, readHeader, splitMessages, validateMessage, type AckCode, type Message } from '../../src/index';
import { corpusBytes, corpusMessages } from '../core/support';

const NOW = new Date(Date.UTC(2024, 5, 1, 8, 30, 5));

const ADT = [
  'MSH|^~\\&|SEND^1.2.3^ISO|FAC&x&y|RECV|RFAC|20240101120000||ADT^A01^ADT_A01|CTRL-77|P|2.5.1',
  'EVN|A01|20240101120000',
  'PID|1||111^^^HOSP^MR~222^^^STATE&2.16.840.1&ISO^SS^^BAD\\Q\\||DOE^JANE',
].join('\r');

/** MSH-3..6 of the ACK must be MSH-5, 6, 3, 4 of the message, leaf for leaf. */
function expectSwapped(ack: Message, msg: Message): void {
  const pairs = [
    [3, 5],
    [4, 6],
    [5, 3],
    [6, 4],
  ] as const;
  for (const [a, m] of pairs) expect(ack.segments[0]?.field(a)).toEqual(msg.segments[0]?.field(m));
}

describe('ACK of a parsed message, parsed back', () => {
  const msg = parseMessage(ADT);

  it.each(['AA', 'AE', 'AR', 'CA', 'CE', 'CR'] as const)('%s: MSA-1 the code, MSA-2 = MSH-10, sender/receiver swapped', (code: AckCode) => {
    const ack = parseMessage(buildAck(msg, { code, now: NOW, controlId: 'ACK1' }));
    expect(ack.diagnostics).toEqual([]);
    expect(ack.get('MSA-1')).toBe(code);
    expect(ack.get('MSA-2')).toBe('CTRL-77');
    expect(ack.get('MSH-10')).toBe('ACK1');
    expect(ack.getAll('MSH-9')).toEqual(['ACK']);
    expect(ack.get('MSH-9.2')).toBe('A01');
    expect(ack.get('MSH-9.3')).toBe('ACK');
    expect(ack.get('MSH-12')).toBe('2.5.1');
    expect(ack.get('MSH-11')).toBe('P');
    expect(ack.get('MSH-7')).toBe('20240601083005+0000');
    expectSwapped(ack, msg);
  });

  it('from the header alone (readHeader, as the front door does) the ACK is the same', () => {
    expect(buildAck(readHeader(ADT), { code: 'AA', now: NOW, controlId: 'X' })).toBe(buildAck(msg, { code: 'AA', now: NOW, controlId: 'X' }));
  });

  it('v2.5+: one ERR per diagnostic, ERR-2 the exact location of a real bad escape as ERL', () => {
    const diagnostics = validateMessage(msg).filter((d) => d.code === 'BAD_ESCAPE');
    expect(diagnostics.map((d) => d.location)).toEqual(['PID[1]-3[2].7.1']);
    const ack = parseMessage(buildAck(msg, { code: 'AE', diagnostics, now: NOW }));
    const err = ack.segmentsById('ERR');
    expect(err).toHaveLength(1);
    expect(ack.getAll('ERR-2')).toEqual(['PID']);
    expect([2, 3, 4, 5, 6].map((c) => ack.get(`ERR-2.${c}`))).toEqual(['1', '3', '2', '7', '1']);
    expect(ack.get('ERR-3.1')).toBe('102');
    expect(ack.get('ERR-3.3')).toBe('HL70357');
    expect(ack.get('ERR-4')).toBe('W');
    expect(ack.get('ERR-5')).toBe('BAD_ESCAPE');
  });

  it('v2.3: ERR-1 repeats one ELD per diagnostic (segment, sequence, field, code&text&table)', () => {
    const m23 = parseMessage(ADT.replace('|2.5.1', '|2.3').replace('ADT^A01^ADT_A01', 'ADT^A01'));
    const diagnostics = [...validateMessage(m23).filter((d) => d.segment === 'PID')];
    expect(diagnostics.length).toBeGreaterThan(0);
    const ack = parseMessage(buildAck(m23, { code: 'AE', diagnostics, now: NOW }));
    expect(ack.get('MSH-9.3')).toBeUndefined();
    expect(ack.getAll('ERR-1')).toHaveLength(diagnostics.length);
    expect(ack.get('ERR-1.1')).toBe('PID');
    expect(ack.get('ERR-1.4.3')).toBe('HL70357');
    expect(ack.segmentsById('ERR')).toHaveLength(1);
  });

  it('an unknown code is refused with Hl7AckError, an Hl7Error of this package', () => {
    let caught: unknown;
    try {
      buildAck(msg, { code: 'ZZ' as AckCode });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Hl7AckError);
    expect(caught).toBeInstanceOf(Hl7Error);
    expect((caught as Hl7Error).code).toBe('BAD_ACK_CODE');
  });
});

describe('ACK with the message own delimiters and escaped values', () => {
  it('non-default separators: HD components and subcomponents travel unchanged', () => {
    const msg = parseMessage('MSH$%@!/$APP%1.2.3%ISO$FAC%x/y$RECV$RF$20240101$$ORU%R01$C9$P$2.4\rPID$1\r');
    const text = buildAck(msg, { code: 'AE', text: 'bad $ value', now: NOW });
    expect(text.startsWith('MSH$%@!/$RECV$RF$APP%1.2.3%ISO$FAC%x/y$')).toBe(true);
    const ack = parseMessage(text);
    expectSwapped(ack, msg);
    expect(ack.get('MSA-3')).toBe('bad $ value');
  });

  it('an escaped separator in MSH-3 stays escaped: the ACK fields do not shift', () => {
    const msg = parseMessage('MSH|^~\\&|A\\F\\B|F\\S\\G|R|RF|20240101||ADT^A08|C1|P|2.5\r');
    expect(msg.get('MSH-3')).toBe('A|B');
    const ack = parseMessage(buildAck(msg, { code: 'AA', now: NOW }));
    expect(ack.get('MSH-5')).toBe('A|B');
    expect(ack.get('MSH-6')).toBe('F^G');
    expect(ack.get('MSH-9')).toBe('ACK');
    expect(ack.get('MSA-2')).toBe('C1');
    // From the header alone (values decoded there) the escape is written again.
    const fromHeader = parseMessage(buildAck(readHeader('MSH|^~\\&|A\\F\\B|F|R|RF|20240101||ADT^A08|C1|P|2.5\r'), { code: 'AA', now: NOW }));
    expect(fromHeader.get('MSH-5')).toBe('A|B');
    expect(fromHeader.get('MSH-9')).toBe('ACK');
  });

  it('letters or digits as separators (fuzzer input) fall back to |^~\\& so the ACK codes stay whole', () => {
    const msg = parseMessage('MSH|#\\E9&|APP#X|FAC|R|RF|20240101||ADT#A01|C3|P|2.5\r');
    expect(msg.delimiters.subcomponent).toBe('9');
    const ack = parseMessage(buildAck(msg, { code: 'AE', now: NOW }));
    expect(ack.delimiters.encodingCharacters).toBe('^~\\&');
    expect(ack.get('MSA-1')).toBe('AE');
    expect(ack.get('MSA-2')).toBe('C3');
    expect(ack.get('MSH-5')).toBe('APP');
    expect(ack.get('MSH-5.2')).toBe('X');
    expect(ack.get('MSH-9.2')).toBe('A01');
  });

  it('a 3-character MSH-2 (no escape character) is kept in the ACK', () => {
    const msg = parseMessage('MSH|^~&|APP|FAC|R|RF|20240101||ORU^R01|C2|P|2.5.1\r');
    const ack = parseMessage(buildAck(msg, { code: 'AA', now: NOW }));
    expect(ack.delimiters.encodingCharacters).toBe('^~&');
    expect(ack.get('MSA-2')).toBe('C2');
    expectSwapped(ack, msg);
  });
});

describe('corpus: the ACK of every message parses cleanly and swaps sender and receiver', () => {
  it('every message of every file', () => {
    let n = 0;
    for (const row of corpusMessages()) {
      let texts: string[];
      try {
        texts = splitMessages(corpusBytes(row.path)).messages.map((c) => c.text);
      } catch (e) {
        if (e instanceof Hl7Error) continue; // fatal inputs have no MSH to acknowledge
        throw e;
      }
      for (const t of texts) {
        let msg: Message;
        try {
          msg = parseMessage(t);
        } catch (e) {
          if (e instanceof Hl7Error) continue;
          throw e;
        }
        const ack = parseMessage(buildAck(msg, { code: 'AE', diagnostics: validateMessage(msg), now: NOW }));
        // The ACK keeps the message's MSH-2 and MSH-3..6 as sent, so only what the message's own
        // MSH had (a short MSH-2, a malformed escape in MSH-3..6) may be reported again.
        const inMsh = new Set(msg.diagnostics.filter((d) => d.segment === 'MSH').map((d) => d.code));
        const codes = ack.diagnostics.map((d) => d.code).filter((c) => !inMsh.has(c));
        expect([row.path, msg.delimiters.encodingCharacters, codes]).toEqual([row.path, msg.delimiters.encodingCharacters, []]);
        expect(ack.get('MSA-2') ?? '').toBe(msg.get('MSH-10') ?? '');
        expectSwapped(ack, msg);
        n++;
      }
    }
    expect(n).toBeGreaterThan(450);
  });
});

describe('ACK values holding the message separators', () => {
  it("'+' as escape character and '.' as component separator: MSH-7 and MSH-12 are escaped", () => {
    const msg = parseMessage('MSH|.~+^|APP|FAC|R|RF|20240101||ADT.A01|C4|P|2+S+5\r');
    expect(msg.get('MSH-12')).toBe('2.5');
    const ack = parseMessage(buildAck(msg, { code: 'AA', now: NOW }));
    expect(ack.diagnostics).toEqual([]);
    expect(ack.get('MSH-7')).toBe('20240601083005+0000');
    expect(ack.get('MSH-12')).toBe('2.5');
    expect(ack.get('MSH-9.2')).toBe('A01');
  });
});
