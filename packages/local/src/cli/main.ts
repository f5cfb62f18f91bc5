#!/usr/bin/env node
import type { CliIo } from './commands/io';

const USAGE = `usage: hcdl <command> [options]
  serve                      start the lake (HCDL_PORT, default 8080; HCDL_DATA_DIR, default .lake)
  token --write S --read S   print a JWT from the embedded dev issuer
  parse <file...>            parse HL7 v2 files to staging JSON (NDJSON); --roundtrip, --stats, --strict
  query "<sql>"              SQL over the lake (DuckDB, or Athena with --athena); --format table|csv|json
  replay <id...|--errors>    re-run staging for error messages from their raw bytes; --since, --source, --json
  replay --fhir              rebuild the refined FHIR zone from the staged messages (after a mapping change)
  fhir <file...>             print the FHIR R4 transaction Bundle of each HL7 v2 message; --source, --pretty, --notes
  compact                    write staging to Parquet (partitioned by source/type/dt) for fast scans
  redrive                    AWS: move a dead-letter queue's messages back to their queue (--queue, --status)
  mirror backfill            AWS: write the Athena catalog mirror of rows catalogued before it existed`;

type Command = (args: string[], io: CliIo) => Promise<number>;

/** Each command loads only its own module (the parser alone for `parse`, no SQLite). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve')).runServe,
  token: async () => (await import('./commands/token')).runToken,
  parse: async () => (await import('./commands/parse')).runParse,
  query: async () => (await import('./commands/query')).runQuery,
  replay: async () => (await import('./commands/replay')).runReplay,
  compact: async () => (await import('./commands/compact')).runCompact,
  fhir: async () => (await import('./commands/fhir')).runFhir,
  redrive: async () => (await import('./commands/redrive')).runRedrive,
  mirror: async () => (await import('./commands/mirror')).runMirror,
};

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help') {
    io.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    io.stderr.write(`hcdl: unknown command '${name}'\n${USAGE}\n`);
    return 2;
  }
  let command: Command;
  try {
    command = await load();
  } catch {
    io.stderr.write(`hcdl: the '${name}' command is not available in this build\n`);
    return 2;
  }
  return command(args, io);
}

if (process.argv[1] !== undefined && /cli[\\/]main\.(ts|js|mjs)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`hcdl: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
