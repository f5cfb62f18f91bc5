/**
 * Dictionary diagnostics carry the real column of the place they name (the rules locate by
 * path; validateMessage adds the column from the segment's line as sent).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseMessage, validateMessage, type Diagnostic } from '../../src/index';
import { encodeModel, messageArb } from '../property/arbitraries';

const MSH = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5';
const at = (ds: readonly Diagnostic[], code: string, location: string): Diagnostic | undefined => ds.find((d) => d.code === code && d.location === location);

describe('columns of dictionary diagnostics', () => {
  const lines = [MSH, 'EVN|A01', 'PID|1||1^^^H^MR~2^^^H^ZZZ||DOE||19800101|Q~F', 'PV1|1|I', 'QQQ|1', 'PV1||'];
  const ds = validateMessage(parseMessage(lines.join('\r')));
  const columnOf = (line: number, needle: string): number => (lines[line - 1] as string).indexOf(needle) + 1;

  it('a table value at a component of the 2nd repetition: its first character', () => {
    expect(at(ds, 'TABLE_VALUE_UNKNOWN', 'PID[1]-3[2].5')).toMatchObject({ line: 3, column: columnOf(3, 'ZZZ') });
    expect(at(ds, 'TABLE_VALUE_UNKNOWN', 'PID[1]-8')).toMatchObject({ line: 3, column: columnOf(3, 'Q~F') });
  });

  it('a repeated field: the start of its 2nd repetition', () => {
    expect(at(ds, 'FIELD_REPEATED', 'PID[1]-8[2]')).toMatchObject({ line: 3, column: columnOf(3, 'Q~F') + 2 });
  });

  it('a missing field: where it would start, or just past the end of the line', () => {
    expect(at(ds, 'REQUIRED_FIELD_MISSING', 'EVN[1]-2')).toMatchObject({ line: 2, column: 'EVN|A01'.length + 1 });
    expect(at(ds, 'REQUIRED_FIELD_MISSING', 'PV1[2]-2')).toMatchObject({ line: 6, column: 6 });
  });

  it('MSH numbering: MSH-9 after the 8th field separator (MSH-1 is the first)', () => {
    const m = parseMessage('MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|\rEVN|A01\r');
    const v = validateMessage(m).find((d) => d.code === 'VERSION_MISSING');
    expect(v).toMatchObject({ location: 'MSH[1]-12', column: 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|'.length + 1 });
  });

  it('segment-level findings stay at column 1; parser findings keep their own column', () => {
    expect(at(ds, 'UNKNOWN_SEGMENT', 'QQQ[1]')).toMatchObject({ line: 5, column: 1 });
    const m = parseMessage(`${MSH}\rPID|1||ab\\Q\\\r`);
    expect(validateMessage(m).find((d) => d.code === 'BAD_ESCAPE')).toMatchObject({ location: 'PID[1]-3.1.1', column: 10 });
  });

  it('for random valid messages every field-level finding points into its line at its field', () => {
    fc.assert(
      fc.property(messageArb, (model) => {
        const text = encodeModel(model);
        const m = parseMessage(text);
        const rows = text.split('\r');
        for (const d of validateMessage(m)) {
          const row = rows[d.line - 1] as string;
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeLessThanOrEqual(row.length + 1);
          if (d.field !== undefined && d.field > 2) {
            // A field's start follows a field separator; a field not sent points past the line.
            const before = row.charAt(d.column - 2);
            if (d.repetition === undefined && d.component === undefined && d.column <= row.length) expect(before).toBe(model.delimiters.field);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
