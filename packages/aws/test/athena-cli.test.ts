/**
 * `hcdl query --athena` end to end with Athena mocked: the CLI reads its environment, runs
 * the query in the configured workgroup and database, and prints the rows with the same
 * formatter as the local engine; Athena's SQL errors exit 1 like DuckDB's.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
// The CLI lives in @hcdl/local, which depends on this package (not the other way round).
import { runQuery } from '../../local/src/cli/commands/query';
import { ATHENA_CLI_ENV, capturedIo, useProcessEnv } from './support/athena-cli';

const athena = mockClient(AthenaClient);
describe('hcdl query --athena', () => {
  useProcessEnv(ATHENA_CLI_ENV);
  afterAll(() => {
    athena.restore();
  });
  beforeEach(() => {
    athena.reset();
  });

  it('runs the SQL in the configured workgroup and database and prints CSV', async () => {
    const sql = "SELECT msh.message_control_id, json_extract(pid, '$.patient_name') AS patient_name FROM staging WHERE type = 'ADT_A01'";
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-cli' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { StatementType: 'DML', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 2048 } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: {
          ColumnInfo: [
            { Name: 'message_control_id', Type: 'varchar' },
            { Name: 'patient_name', Type: 'json' },
          ],
        },
        Rows: [
          { Data: [{ VarCharValue: 'message_control_id' }, { VarCharValue: 'patient_name' }] },
          { Data: [{ VarCharValue: 'MSG00001' }, { VarCharValue: '[{"family_name":{"surname":"EVERYMAN"},"given_name":"ADAM"}]' }] },
        ],
      },
    });
    const cli = capturedIo();
    expect(await runQuery(['--athena', '--format', 'csv', sql], cli)).toBe(0);
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryString: sql, WorkGroup: 'hcdl-dev-analytics', QueryExecutionContext: { Database: 'hcdl_dev_lake' } },
    ]);
    expect(cli.out()).toBe('message_control_id,patient_name\r\nMSG00001,"[{""family_name"":{""surname"":""EVERYMAN""},""given_name"":""ADAM""}]"\r\n');
    expect(cli.err()).toBe('hcdl query: Athena query q-cli, 2048 bytes scanned\n');
  });

  it("exits 1 with Athena's located message for a SQL error", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-bad' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.hcdl_dev_lake.stagin' does not exist",
          AthenaError: { ErrorCategory: 2 },
        },
      },
    });
    const cli = capturedIo();
    expect(await runQuery(['--athena', 'SELECT 1 FROM stagin'], cli)).toBe(1);
    expect(cli.out()).toBe('');
    expect(cli.err()).toBe("hcdl query: SQL error: TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.hcdl_dev_lake.stagin' does not exist\n");
  });
});
