/**
 * Batches: FHS/BHS/BTS/FTS envelopes, several messages per file split by segment (never by
 * the text "MSH|" inside a field), the envelope kept, and the file-level diagnostics.
 */
import { describe, expect, it } from '@jest/globals';
import { Hl7FatalError, iterateMessages, normalize, parseMessage, serialize, serializeBatch, splitMessages, type Message } from '../../src/index';
import { adt, corpusBytes, latin1 } from './support';

const msg = (id: string, extra: string[] = []): string => adt({ extra }).replace('CTRL1', id);

const batch = [
  'FHS|^~\\&|FAPP|FFAC|||20240102||file1',
  'BHS|^~\\&|BAPP|BFAC|||20240102||batch1',
  msg('M1').trimEnd(),
  // An OBX whose text holds what looks like an MSH segment: one message, not two.
  msg('M2', ['OBX|1|TX|NOTE||MSH|^~\\&|FAKE|FAKE~MSH|x']).trimEnd(),
  msg('M3').trimEnd(),
  'BTS|3',
  'FTS|1',
].join('\r\n');

describe('splitMessages over a FHS/BHS batch', () => {
  const split = splitMessages(batch);

  it('finds the three messages by their MSH segments, with index and line', () => {
    expect(split.messages.map((m) => [m.index, m.line])).toEqual([
      [1, 3],
      [2, 7],
      [3, 12],
    ]);
    expect(split.messages.map((m) => parseMessage(m.text).get('MSH-10'))).toEqual(['M1', 'M2', 'M3']);
    expect(split.diagnostics).toEqual([]);
  });

  it('never splits on "MSH|" inside a field', () => {
    const m2 = parseMessage(split.messages[1]!.text);
    expect(m2.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'PV1', 'OBX']);
    expect(m2.get('OBX-5')).toBe('MSH');
    expect(serialize(m2)).toContain('\rOBX|1|TX|NOTE||MSH|^~\\&|FAKE|FAKE~MSH|x\r');
    expect(m2.getAll('OBX-8')).toEqual(['FAKE', 'MSH']);
  });

  it('each chunk is normalized ER7 (CR terminators, trailing CR) and excludes the envelope', () => {
    for (const c of split.messages) {
      expect(c.text.startsWith('MSH|')).toBe(true);
      expect(c.text.endsWith('\r')).toBe(true);
      expect(c.text).not.toMatch(/\n|(^|\r)(FHS|BHS|BTS|FTS)/);
      expect(serialize(parseMessage(c.text))).toBe(c.text);
    }
  });

  it('keeps the envelope segments', () => {
    expect(split.envelope).toEqual({
      fhs: 'FHS|^~\\&|FAPP|FFAC|||20240102||file1',
      bhs: 'BHS|^~\\&|BAPP|BFAC|||20240102||batch1',
      bts: 'BTS|3',
      fts: 'FTS|1',
    });
    expect(split.parts.map((p) => (p.kind === 'envelope' ? p.id : p.kind))).toEqual(['FHS', 'BHS', 'message', 'message', 'message', 'BTS', 'FTS']);
  });

  it('the parts give the whole file back, normalized', () => {
    expect(serializeBatch(split)).toBe(normalize(batch));
  });

  it('iterateMessages yields the same messages one at a time', () => {
    const out = [...iterateMessages(batch)] as Message[];
    expect(out.map((m) => serialize(m))).toEqual(split.messages.map((c) => c.text));
  });

  it('parseMessage on the whole batch parses the first message and warns', () => {
    const m = parseMessage(batch);
    expect(m.get('MSH-10')).toBe('M1');
    expect(m.diagnostics.map((d) => d.code)).toEqual(['DATA_BEFORE_MSH', 'MULTIPLE_MESSAGES']);
  });
});

describe('batch diagnostics', () => {
  it('a segment before any MSH is SEGMENT_OUTSIDE_MESSAGE (error), with its line', () => {
    const split = splitMessages(`BHS|^~\\&\rPID|1||X\r${msg('M1')}BTS|1\r`);
    expect(split.messages).toHaveLength(1);
    expect(split.diagnostics).toEqual([
      expect.objectContaining({ code: 'SEGMENT_OUTSIDE_MESSAGE', severity: 'error', location: 'PID[1]', line: 2, segment: 'PID' }),
    ]);
  });

  it('free text before the first MSH is DATA_BEFORE_MSH (warning) and kept as a part', () => {
    const split = splitMessages(`some header text\r${msg('M1')}`);
    expect(split.diagnostics).toEqual([expect.objectContaining({ code: 'DATA_BEFORE_MSH', severity: 'warning', location: 'line 1' })]);
    expect(split.parts[0]).toEqual({ kind: 'other', text: 'some header text', line: 1 });
  });

  it('an envelope with no message is an EMPTY_BATCH warning, not fatal', () => {
    const split = splitMessages('FHS|^~\\&|A\rBHS|^~\\&|A\rBTS|0\rFTS|1\r');
    expect(split.messages).toEqual([]);
    expect(split.diagnostics).toEqual([expect.objectContaining({ code: 'EMPTY_BATCH', severity: 'warning' })]);
  });

  it('no MSH and no envelope is fatal NO_MSH', () => {
    expect(() => splitMessages('PID|1||X\r')).toThrow(Hl7FatalError);
  });

  it('a message with unusable delimiters inside a batch does not stop iterateMessages', () => {
    const out = [...iterateMessages(`${msg('M1')}MSH\x7f^~\\&\x7fA\r${msg('M3')}`)];
    expect(out.map((m) => (m instanceof Hl7FatalError ? m.code : m.get('MSH-10')))).toEqual(['M1', 'BAD_DELIMITERS', 'M3']);
  });

  it('a latin-1 batch is decoded once with the first MSH-18', () => {
    const one = adt({ msh18: '8859/1', pid3: 'Caf\xe9' });
    const split = splitMessages(latin1(`FHS|^~\\&\r${one}${one}FTS|1\r`));
    expect(split.messages.map((c) => parseMessage(c.text).get('PID-3'))).toEqual(['Café', 'Café']);
  });
});

describe('corpus batches', () => {
  it('hl7-standard batch.hl7: two messages, FHS/BHS/BTS/FTS kept, OBX text "MSH" does not split', () => {
    const bytes = corpusBytes('hl7-standard/tests/data/batch.hl7');
    const split = splitMessages(bytes);
    expect(split.messages).toHaveLength(2);
    expect(Object.keys(split.envelope).sort()).toEqual(['bhs', 'bts', 'fhs', 'fts']);
    const second = parseMessage(split.messages[1]!.text);
    expect(second.header.messageType).toBe('RSP^K11');
    expect(second.segmentsById('OBX').map((o) => o.leaf(4))).toEqual(['xMSHx', 'xMSH', 'MSH']);
    expect(serializeBatch(split)).toBe(normalize(bytes));
  });

  it('FHIR-Converter BundleToHl7v2.hl7: two messages in a FHS/BHS batch', () => {
    const split = splitMessages(corpusBytes('FHIR-Converter/src/Microsoft.Health.Fhir.Liquid.Converter.UnitTests/TestData/Expected/BundleToHl7v2.hl7'));
    expect(split.messages).toHaveLength(2);
    expect(split.envelope.fhs?.startsWith('FHS|')).toBe(true);
    expect(split.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('ruby-hl7 realm-bad-batch.hl7: each message of a batch uses its own MSH-2', () => {
    const split = splitMessages(corpusBytes('ruby-hl7/test_data/realm/realm-bad-batch.hl7'));
    const [a, b] = split.messages.map((c) => parseMessage(c.text));
    expect(split.messages).toHaveLength(2);
    expect(a!.delimiters.escape).toBe('\\');
    expect(b!.delimiters).toMatchObject({ encodingCharacters: '^~&', escape: '', subcomponent: '&' });
    expect(b!.diagnostics.map((d) => d.code)).toContain('ENCODING_CHARACTERS_SHORT');
    for (const c of split.messages) expect(serialize(parseMessage(c.text))).toBe(c.text);
  });

  it('the AWS sample lab02.txt with a stray FTS trailer keeps it as envelope', () => {
    const split = splitMessages(corpusBytes('hcls-data-lake/messages/lab02.txt'));
    expect(split.messages).toHaveLength(1);
    expect(split.envelope.fts).toBe('FTS|1|END OF FILE');
  });
});
