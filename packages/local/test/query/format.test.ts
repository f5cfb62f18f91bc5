import { describe, expect, it } from '@jest/globals';
import { formatCsv, formatJson, formatTable, type QueryResult } from '../../src/query';

const result: QueryResult = {
  columns: [
    { name: 'facility', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
    { name: 'doc', type: 'JSON' },
  ],
  rows: [
    ['GENHOSP', 12, { a: 'x, "y"' }],
    ['A facility with a very long name indeed', 3, null],
    [null, 1234, ['line1\nline2']],
  ],
};

describe('output formats', () => {
  it('table: aligned, numbers right, NULL empty, wide cells cut, one line per row', () => {
    expect(formatTable(result, { maxCellWidth: 12 })).toBe(
      [
        'facility     |    n | doc',
        '-------------+------+-------------',
        'GENHOSP      |   12 | {"a":"x, \\"…',
        'A facility … |    3 |',
        '             | 1234 | ["line1\\nli…',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('table: a result without rows still shows its header', () => {
    expect(formatTable({ columns: [{ name: 'x', type: 'INTEGER' }], rows: [] })).toBe('x\n-\n(0 rows)\n');
  });

  it('CSV: RFC 4180 quoting, JSON values as JSON text, NULL empty', () => {
    expect(formatCsv(result)).toBe(
      'facility,n,doc\r\nGENHOSP,12,"{""a"":""x, \\""y\\""""}"\r\nA facility with a very long name indeed,3,\r\n,1234,"[""line1\\nline2""]"\r\n',
    );
  });

  it('JSON: row objects with JSON values nested', () => {
    expect(JSON.parse(formatJson(result))).toEqual([
      { facility: 'GENHOSP', n: 12, doc: { a: 'x, "y"' } },
      { facility: 'A facility with a very long name indeed', n: 3, doc: null },
      { facility: null, n: 1234, doc: ['line1\nline2'] },
    ]);
  });
});
