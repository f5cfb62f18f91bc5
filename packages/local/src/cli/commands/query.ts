/**
 * `hcdl query "<sql>"`: SQL over the local lake (DuckDB; views messages, errors,
 * patient_identifiers, patient_links, patient_merges, patient_messages, patient_survivors,
 * staging, fields) or, with --athena, over the cloud lake's Glue tables. Prints an aligned
 * table by default, CSV or JSON on request.
 * Exit codes: 0 ok, 1 the SQL was refused or the lake could not be read (or is not there),
 * 2 usage error.
 */
import { parseArgs } from 'node:util';
import { readConfig } from '../../runtime/env';
import { QueryError, SqlError } from '../../query/errors';
import { formatResult, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../../query/format';
import type { QueryResult } from '../../query/engine';
import type { CliIo } from './io';

export const QUERY_USAGE = `usage: hcdl query "<sql>" [--format table|csv|json] [--data-dir <dir>] [--max-width <n>] [--athena]
  Runs SQL over the lake and prints the rows of the last statement (statements separated
  by ; run in order in one session). "<sql>" may be - to read the SQL from standard input.
  Views: messages, errors, patient_identifiers, patient_links, patient_merges,
         patient_messages and patient_survivors (follow merges): the catalog;
         staging: one row per staging document, _meta and msh typed
         (msh.message_control_id = 'X' compares text), other segments JSON;
         fields: every value at its HL7 position (segment, seq, field, rep, component, sub,
         all 1-based) with its text value.
         After \`hcdl compact\` they read the Parquet copy plus what changed since.
  --format      table (default: aligned, wide cells cut at --max-width, default 40), csv, json
  --data-dir    the lake's data folder (default HCDL_DATA_DIR or .lake)
  --athena      run on Amazon Athena instead (HCDL_ATHENA_WORKGROUP, HCDL_ATHENA_DATABASE,
                HCDL_ATHENA_REGION or AWS_REGION; AWS credentials from the usual SDK chain)`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Answer {
  result: QueryResult;
  /** Advice or statistics for stderr (never part of the result). */
  hint?: string;
}

async function runLocal(sql: string, dataDir: string): Promise<Answer> {
  const { QueryEngine } = await import('../../query/engine');
  const engine = await QueryEngine.open({ dataDir });
  try {
    const result = await engine.query(sql);
    const hint = engine.hint;
    return hint === undefined ? { result } : { result, hint: `hcdl query: ${hint}\n` };
  } finally {
    engine.close();
  }
}

/** Athena's errors are translated at this boundary into the query side's own family. */
async function runAthena(sql: string): Promise<Answer> {
  const { readAthenaConfig } = await import('../../query/env');
  const config = readAthenaConfig();
  const { AthenaQueryError, AthenaSqlError, createAthenaClient, runAthenaQuery } = await import('@hcdl/aws');
  const client = createAthenaClient(config.region === undefined ? {} : { region: config.region });
  try {
    const result = await runAthenaQuery(client, sql, {
      workgroup: config.workgroup,
      database: config.database,
      ...(config.catalog !== undefined ? { catalog: config.catalog } : {}),
    });
    const scanned = result.dataScannedBytes === undefined ? '' : `, ${result.dataScannedBytes} bytes scanned`;
    return { result, hint: `hcdl query: Athena query ${result.queryExecutionId}${scanned}\n` };
  } catch (err) {
    if (err instanceof AthenaSqlError) throw new SqlError(err.message, { cause: err });
    if (err instanceof AthenaQueryError) throw new QueryError(err.message, { cause: err });
    throw err;
  } finally {
    client.destroy();
  }
}

export async function runQuery(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        'data-dir': { type: 'string' },
        'max-width': { type: 'string' },
        athena: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (err) {
    io.stderr.write(`hcdl query: ${(err as Error).message}\n${QUERY_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${QUERY_USAGE}\n`);
    return 0;
  }
  const format = values.format ?? 'table';
  if (!isOutputFormat(format)) {
    io.stderr.write(`hcdl query: --format must be one of ${OUTPUT_FORMATS.join(', ')}\n`);
    return 2;
  }
  const maxWidth = values['max-width'] === undefined ? 40 : Number(values['max-width']);
  if (!Number.isInteger(maxWidth) || maxWidth < 3) {
    io.stderr.write('hcdl query: --max-width must be an integer >= 3\n');
    return 2;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`hcdl query: give exactly one SQL text (quote it)\n${QUERY_USAGE}\n`);
    return 2;
  }
  const sql = positionals[0] === '-' ? await readStdin() : (positionals[0] as string);
  if (sql.trim() === '') {
    io.stderr.write('hcdl query: the SQL is empty\n');
    return 2;
  }
  try {
    const answer = values.athena ? await runAthena(sql) : await runLocal(sql, values['data-dir'] ?? readConfig().dataDir);
    io.stdout.write(formatResult(answer.result, format as OutputFormat, { maxCellWidth: maxWidth }));
    if (answer.hint !== undefined) io.stderr.write(answer.hint);
    return 0;
  } catch (err) {
    if (err instanceof SqlError) {
      io.stderr.write(`hcdl query: SQL error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof QueryError) {
      io.stderr.write(`hcdl query: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
