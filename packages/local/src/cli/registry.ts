import type { AnyCommandSpec } from './kit';

/**
 * The commands of `hcdl`: name, arguments and one line for `hcdl --help`. Each command's
 * module (options, help text, work) is loaded only when that command runs, so `hcdl parse`
 * loads the parser alone and `hcdl --help` loads nothing.
 */
export interface CommandEntry {
  name: string;
  /** Commander's argument notation, e.g. `<file...>`. */
  args?: string;
  summary: string;
  load(): Promise<AnyCommandSpec>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve',
    summary: 'start the lake (HCDL_PORT, default 8080; HCDL_DATA_DIR, default .lake; MLLP with HCDL_MLLP_PORT)',
    load: async () => (await import('./commands/serve')).serveCommand,
  },
  {
    name: 'token',
    summary: "print a JWT from the embedded dev issuer of a lake's data folder",
    load: async () => (await import('./commands/token')).tokenCommand,
  },
  {
    name: 'ingest',
    args: '<inputs...>',
    summary: 'send HL7 v2 files, folders, globs or - (stdin) to a running lake (HTTP, or MLLP with --mllp)',
    load: async () => (await import('./commands/ingest')).ingestCommand,
  },
  {
    name: 'parse',
    args: '<file...>',
    summary: 'parse HL7 v2 files to staging JSON (NDJSON); --roundtrip, --stats, --strict',
    load: async () => (await import('./commands/parse')).parseCommand,
  },
  {
    name: 'query',
    args: '<sql>',
    summary: 'SQL over the lake (DuckDB, or Athena with --athena); --format table|csv|json',
    load: async () => (await import('./commands/query')).queryCommand,
  },
  {
    name: 'replay',
    args: '[messageId...]',
    summary: 're-run staging for error messages from their raw bytes; --errors, --since, --source, --json',
    load: async () => (await import('./commands/replay')).replayCommand,
  },
  {
    name: 'fhir',
    args: '<file...>',
    summary: 'print the FHIR R4 transaction Bundle of each HL7 v2 message; --source, --pretty, --notes',
    load: async () => ({ raw: (await import('./commands/fhir')).runFhir }),
  },
  {
    name: 'compact',
    summary: 'write staging to Parquet (partitioned by source/type/dt) for fast scans',
    load: async () => (await import('./commands/compact')).compactCommand,
  },
  {
    name: 'redrive',
    summary: "AWS: move a dead-letter queue's messages back to their queue (--queue, --status)",
    load: async () => (await import('./commands/redrive')).redriveCommand,
  },
  {
    name: 'mirror',
    summary: 'AWS: write the Athena catalog mirror of rows catalogued before it existed (mirror backfill)',
    load: async () => (await import('./commands/mirror')).mirrorCommand,
  },
  {
    name: 'completion',
    args: '[shell]',
    summary: 'print a bash or zsh completion script (eval "$(pnpm -s hcdl completion bash)")',
    load: async () => (await import('./commands/completion')).completionCommand,
  },
];
