/**
 * typedJson reads a staging segment into its typed shape the way Athena's OpenX JSON SerDe
 * reads the same document with the Glue type: a single value where a list is declared is a
 * one-element list, an object where text is declared is its JSON text, an absent field NULL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { segmentSqlShape } from '@hcdl/hl7v2';
import { duckdbType, typedJson } from '../../src/query/typed';
import { lit } from '../../src/query/paths';

describe('typed msh', () => {
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  const shape = segmentSqlShape('MSH')!;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    con = await instance.connect();
  });
  afterAll(() => {
    con?.closeSync();
    instance?.closeSync();
  });

  const read = async (msh: object, select: string): Promise<unknown[]> => {
    const r = await con.runAndReadAll(`SELECT ${select} FROM (SELECT ${typedJson(`${lit(JSON.stringify(msh))}::JSON`, shape)} AS msh)`);
    return r.getRowsJson()[0] as unknown[];
  };

  it('has the DuckDB type of the shared shape', async () => {
    const r = await con.runAndReadAll(`SELECT typeof(${typedJson("'{}'::JSON", shape)})`);
    // DuckDB quotes only the names that need it.
    expect(String(r.getRowsJson()[0]![0]).replace(/"/g, '')).toBe(duckdbType(shape).replace(/"/g, ''));
  });

  it('reads a 2.3 MSH-18 (not repeating) and a 2.5 MSH-18 (repeating) as the same list, 1-based', async () => {
    expect(await read({ character_set: 'UNICODE UTF-8' }, 'msh.character_set, msh.character_set[1]')).toEqual([['UNICODE UTF-8'], 'UNICODE UTF-8']);
    expect(await read({ character_set: ['ASCII', '8859/1'] }, 'msh.character_set, msh.character_set[2]')).toEqual([['ASCII', '8859/1'], '8859/1']);
    expect(await read({ message_control_id: 'X' }, 'msh.character_set')).toEqual([null]);
  });

  it('gives text leaves that compare as text, an element typed by version as text', async () => {
    const msh = { message_control_id: 'QX1abc', message_type: { message_code: 'ADT', trigger_event: 'A01' }, date_time_of_message: { time: '20240101' } };
    expect(await read(msh, "msh.message_control_id = 'QX1abc', msh.message_control_id LIKE 'QX%', msh.message_type.trigger_event IN ('A01', 'A04')")).toEqual([
      true,
      true,
      true,
    ]);
    expect(await read(msh, 'msh.date_time_of_message')).toEqual(['{"time":"20240101"}']);
    expect(await read({ date_time_of_message: '20240101' }, 'msh.date_time_of_message')).toEqual(['20240101']);
  });

  it('leaves out what the dictionary does not name', async () => {
    const r = await read({ message_control_id: 'X', field_30: 'extra' }, 'msh.message_control_id');
    expect(r).toEqual(['X']);
    await expect(read({ field_30: 'extra' }, 'msh.field_30')).rejects.toThrow(/field_30/);
  });
});
