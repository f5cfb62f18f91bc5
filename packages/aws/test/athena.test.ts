import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AthenaQueryError, AthenaSqlError, AthenaTimeoutError, athenaValue, runAthenaQuery } from '../src/athena';
import { AwsAdapterError } from '../src/errors';

const athena = mockClient(AthenaClient);
const client = new AthenaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const SQL = 'SELECT msh.message_control_id, count(*) AS n FROM staging GROUP BY 1';
const BASE = { workgroup: 'hcdl-dev', database: 'hcdl_dev_lake' };

/** Records the waits instead of sleeping. */
function fakeClock() {
  const waits: number[] = [];
  let t = 0;
  return { waits, sleep: async (ms: number) => void (waits.push(ms), (t += ms)), now: () => t };
}

const columns = [
  { Name: 'message_control_id', Type: 'varchar' },
  { Name: 'n', Type: 'bigint' },
];
const row = (...v: (string | undefined)[]) => ({ Data: v.map((x) => (x === undefined ? {} : { VarCharValue: x })) });

describe('runAthenaQuery', () => {
  beforeEach(() => {
    athena.reset();
  });

  it('starts in the workgroup and database, polls with backoff, pages results and skips the header row', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { StatementType: 'DML', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1234 } } });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', MaxResults: 2 })
      .resolves({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('message_control_id', 'n'), row('MSG00001', '3')] },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', MaxResults: 2, NextToken: 'page-2' })
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('MSG00002', '1'), row(undefined, '9007199254740993')] } });
    const clock = fakeClock();

    const result = await runAthenaQuery(client, SQL, { ...BASE, pageSize: 2, sleep: clock.sleep, now: clock.now, pollMs: 100, maxPollMs: 300 });

    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryString: SQL, WorkGroup: 'hcdl-dev', QueryExecutionContext: { Database: 'hcdl_dev_lake' } },
    ]);
    expect(athena.commandCalls(GetQueryExecutionCommand).map((c) => c.args[0].input)).toEqual(Array(4).fill({ QueryExecutionId: 'q-1' }));
    expect(clock.waits).toEqual([100, 200, 300]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1', MaxResults: 2 },
      { QueryExecutionId: 'q-1', MaxResults: 2, NextToken: 'page-2' },
    ]);
    expect(result).toEqual({
      queryExecutionId: 'q-1',
      dataScannedBytes: 1234,
      columns: [
        { name: 'message_control_id', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
      rows: [
        ['MSG00001', 3],
        ['MSG00002', 1],
        [null, '9007199254740993'],
      ],
    });
  });

  it('passes the data catalog when one is configured and keeps every row of a DDL result', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { StatementType: 'DDL', Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'tab_name', Type: 'string' }] }, Rows: [row('staging'), row('staging_parquet')] } });

    const result = await runAthenaQuery(client, 'SHOW TABLES', { ...BASE, catalog: 'AwsDataCatalog' });

    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryExecutionContext).toEqual({
      Database: 'hcdl_dev_lake',
      Catalog: 'AwsDataCatalog',
    });
    expect(result.rows).toEqual([['staging'], ['staging_parquet']]);
  });

  it("turns a user-error failure into AthenaSqlError with Athena's reason", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved",
          AthenaError: { ErrorCategory: 2, ErrorType: 1006 },
        },
      },
    });
    const err = await runAthenaQuery(client, 'SELECT nope FROM staging', BASE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AthenaSqlError);
    expect((err as AthenaSqlError).message).toBe("COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved");
    expect((err as AthenaSqlError).queryExecutionId).toBe('q-3');
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('reports a system failure or a cancellation as AthenaQueryError, not a SQL error', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED' } } });
    const err = await runAthenaQuery(client, SQL, BASE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect(err).not.toBeInstanceOf(AthenaSqlError);
    expect((err as Error).message).toBe('Athena query q-4 cancelled: query cancelled');
  });

  it('maps InvalidRequestException at start to AthenaSqlError', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('line 1:1: mismatched input SELEC'), { name: 'InvalidRequestException' }));
    await expect(runAthenaQuery(client, 'SELEC 1', BASE)).rejects.toThrow(AthenaSqlError);
  });

  it('stops a query that outlives the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-5' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const clock = fakeClock();
    const err = await runAthenaQuery(client, SQL, { ...BASE, timeoutMs: 1000, pollMs: 250, maxPollMs: 250, sleep: clock.sleep, now: clock.now }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AthenaTimeoutError);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([{ QueryExecutionId: 'q-5' }]);
    expect(clock.waits).toEqual([250, 250, 250, 250]);
  });
});

describe('athenaValue', () => {
  it('types numbers, booleans and JSON and keeps other text', () => {
    expect(athenaValue('42', 'integer')).toBe(42);
    expect(athenaValue('1.5', 'double')).toBe(1.5);
    expect(athenaValue('true', 'boolean')).toBe(true);
    expect(athenaValue('{"a":[1]}', 'json')).toEqual({ a: [1] });
    expect(athenaValue('2024-01-02', 'date')).toBe('2024-01-02');
    expect(athenaValue(undefined, 'varchar')).toBeNull();
  });
});
