/**
 * `hcdl query "<sql>"`: SQL over the local lake (DuckDB; views messages, errors,
 * patient_identifiers, patient_links, patient_merges, patient_messages, patient_survivors,
 * staging, fields) or, with --athena, over the cloud lake's Glue tables. Prints an aligned
 * table by default, CSV or JSON on request.
 * Exit codes: 0 ok, 1 the SQL was refused or the lake could not be read (or is not there),
 * 2 usage error.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { readConfig } from '../../runtime/env';
import { QueryError, SqlError } from '../../query/errors';
import { formatResult, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../../query/format';
import type { QueryResult } from '../../query/engine';
import { CliInputError, CliUsageError } from '../errors';
import { type CliContext, type CommandSpec, integer } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

const DETAILS = `
Runs SQL over the lake and prints the rows of the last statement (statements separated
by ; run in order in one session). <sql> may be - to read the SQL from standard input.
Views: messages, errors, patient_identifiers, patient_links, patient_merges,
       patient_messages and patient_survivors (follow merges): the catalog;
       staging: one row per staging document, _meta and msh typed
       (msh.message_control_id = 'X' compares text), other segments JSON;
       fields: every value at its HL7 position (segment, seq, field, rep, component, sub,
       all 1-based) with its text value.
       After \`hcdl compact\` they read the Parquet copy plus what changed since.
Each local run is recorded in the lake's audit trail (OS user, host, views named,
SHA-256 of the SQL, rows, outcome; never the SQL text) before anything is printed.
--athena runs on Amazon Athena (HCDL_ATHENA_WORKGROUP, HCDL_ATHENA_DATABASE,
HCDL_ATHENA_REGION or AWS_REGION; AWS credentials from the usual SDK chain).`;

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

/**
 * Runs the SQL on the local lake and records the run in the lake's audit trail (OS user, host,
 * views named, SHA-256 of the SQL, rows, outcome: docs/adr/0016) before anything is printed:
 * a run that cannot be recorded prints no rows. A folder with no lake has no trail to write.
 */
async function runLocal(sql: string, dataDir: string): Promise<Answer> {
  const [{ QueryEngine }, { appendToLakeTrail, queryAuditRecord }] = await Promise.all([import('../../query/engine'), import('../../query/query-audit')]);
  const engine = await QueryEngine.open({ dataDir });
  let answer: Answer;
  try {
    const result = await engine.query(sql);
    const hint = engine.hint;
    answer = hint === undefined ? { result } : { result, hint: `hcdl query: ${hint}\n` };
  } catch (err) {
    const views = await engine.viewsNamed(sql);
    engine.close();
    await appendToLakeTrail(dataDir, queryAuditRecord(sql, views, { error: err }));
    throw err;
  }
  const views = await engine.viewsNamed(sql);
  engine.close();
  await appendToLakeTrail(dataDir, queryAuditRecord(sql, views, { rows: answer.result.rows.length }));
  return answer;
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

function formatOf(v: string): OutputFormat {
  if (!isOutputFormat(v)) throw new InvalidArgumentError(`one of ${OUTPUT_FORMATS.join(', ')} is expected`);
  return v;
}

export const queryCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .option('-f, --format <format>', 'table (aligned, wide cells cut at --max-width), csv or json', formatOf, 'table' as OutputFormat)
      .option('--data-dir <dir>', "the lake's data folder (default HCDL_DATA_DIR or .lake)")
      .option('--max-width <n>', 'widest table cell', integer(3), 40)
      .option('--athena', 'run on Amazon Athena instead')
      .addHelpText('after', DETAILS),
  async run({ io, env }: CliContext, args, opts) {
    const sql = args[0] === '-' ? await readStdin() : (args[0] as string);
    if (sql.trim() === '') throw new CliUsageError('the SQL is empty');
    try {
      const answer = opts.athena === true ? await runAthena(sql) : await runLocal(sql, (opts.dataDir as string | undefined) ?? readConfig(env).dataDir);
      io.stdout.write(formatResult(answer.result, opts.format as OutputFormat, { maxCellWidth: opts.maxWidth as number }));
      if (answer.hint !== undefined) io.stderr.write(answer.hint);
      return 0;
    } catch (err) {
      if (err instanceof SqlError) throw new CliInputError(`SQL error: ${err.message}`, { cause: err });
      if (err instanceof QueryError) throw new CliInputError(err.message, { cause: err });
      throw err;
    }
  },
};

/** `hcdl query <args>` in this process (tests, other tools). */
export const runQuery = (args: string[], io: CliIo, env?: NodeJS.ProcessEnv): Promise<number> => runNamed('query', args, io, env);
