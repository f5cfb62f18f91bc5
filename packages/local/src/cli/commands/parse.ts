/**
 * `hcdl parse <file...>`: parses HL7 v2 files (bytes, so MSH-18 character sets apply) message
 * by message as a stream, and prints one staging JSON document per message (NDJSON, the
 * diagnostics in `_meta.warnings`). `--roundtrip` prints the serialized ER7 instead,
 * `--stats` only the totals, `--strict` treats any diagnostic as an error.
 * Exit codes: 0 ok, 1 fatal input (or a strict violation), 2 usage error. stderr carries
 * file names, codes and locations, never message content.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { Hl7Error, serialize, streamMessages, toStaging, type Diagnostic, type Message } from '@hcdl/hl7v2';
import type { CliContext, CommandSpec } from '../kit';
import { runNamed } from '../main';
import type { CliIo } from './io';

type Mode = 'json' | 'roundtrip' | 'stats';

interface ParseArgs {
  mode: Mode;
  strict: boolean;
  files: string[];
}

const DETAILS = `
By default one staging JSON document per message (NDJSON), diagnostics in _meta.warnings.
Exit code 1 when an input is fatal (no MSH segment, unusable delimiters, unreadable file)
or, with --strict, when a message carries diagnostics.`;

export const parseCommand: CommandSpec = {
  declare: (cmd: Command) =>
    cmd
      .addOption(
        new Option('--roundtrip', 'the serialized ER7 of each message instead (segments ended by CR, one newline after each message)').conflicts('stats'),
      )
      .addOption(new Option('--stats', 'parse and fully materialize every message (staging JSON included), print only the totals as one JSON line'))
      .option('--strict', 'any diagnostic (warning or error) makes the message fail')
      .addHelpText('after', DETAILS),
  run: (ctx: CliContext, args, opts) =>
    parseFiles(
      { mode: opts.roundtrip === true ? 'roundtrip' : opts.stats === true ? 'stats' : 'json', strict: opts.strict === true, files: args[0] as string[] },
      ctx.io,
    ),
};

/** `hcdl parse <args>` in this process (tests, other tools). */
export const runParse = (args: string[], io: CliIo): Promise<number> => runNamed('parse', args, io);

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** A reason safe for stderr: error name, code and message (our errors never quote values). */
function reasonOf(error: unknown): string {
  if (error instanceof Hl7Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  const sys = error as { code?: unknown };
  if (typeof sys?.code === 'string') return `cannot read the file (${sys.code})`;
  return error instanceof Error ? `${error.name}` : 'unknown error';
}

function describe(diagnostics: readonly Diagnostic[]): string {
  const shown = diagnostics.slice(0, 5).map((d) => `${d.code} at ${d.location}`);
  if (diagnostics.length > 5) shown.push(`${diagnostics.length - 5} more`);
  return shown.join(', ');
}

let flattened = 0;

interface Totals {
  files: number;
  messages: number;
  warnings: number;
  errors: number;
  fatal: number;
  strictFailures: number;
}

/** Parses the files as asked; resolves to the process exit code. */
async function parseFiles(options: ParseArgs, io: CliIo): Promise<number> {
  const totals: Totals = { files: 0, messages: 0, warnings: 0, errors: 0, fatal: 0, strictFailures: 0 };
  const started = performance.now();
  for (const file of options.files) {
    totals.files++;
    let index = 0;
    try {
      for await (const message of streamMessages(createReadStream(file))) {
        index++;
        if (message instanceof Hl7Error) {
          // One unusable message in a batch is reported; the rest of the file goes on.
          totals.fatal++;
          await write(io.stderr, `hcdl parse: ${file} message ${index}: fatal: ${reasonOf(message)}\n`);
          continue;
        }
        await handleMessage(message, file, index, options, io, totals);
      }
    } catch (error) {
      totals.fatal++;
      const where = index > 0 ? ` after message ${index}` : '';
      await write(io.stderr, `hcdl parse: ${file}${where}: fatal: ${reasonOf(error)}\n`);
    }
  }
  if (options.mode === 'stats') {
    const elapsedMs = performance.now() - started;
    const stats = { ...totals, elapsedMs: Math.round(elapsedMs), msgsPerSec: Math.round(totals.messages / Math.max(elapsedMs / 1000, 1e-9)) };
    await write(io.stdout, `${JSON.stringify(stats)}\n`);
  }
  return totals.fatal > 0 || totals.strictFailures > 0 ? 1 : 0;
}

async function handleMessage(message: Message, file: string, index: number, options: ParseArgs, io: CliIo, totals: Totals): Promise<void> {
  totals.messages++;
  if (options.mode === 'roundtrip') {
    const diagnostics = message.diagnostics;
    count(diagnostics, totals);
    if (options.strict && diagnostics.length > 0) return strictFailure(file, index, diagnostics, io, totals);
    await write(io.stdout, `${serialize(message)}\n`);
    return;
  }
  const staging = toStaging(message);
  const diagnostics = staging.warnings;
  count(diagnostics, totals);
  if (options.strict && diagnostics.length > 0) return strictFailure(file, index, diagnostics, io, totals);
  if (options.mode === 'json') await write(io.stdout, `${staging.text}\n`);
  // --stats materializes the text as writing it would: it is built as a rope, and reading a
  // character makes V8 flatten it (kept in `flattened` so the read is not optimized away).
  else flattened ^= staging.text.charCodeAt(staging.text.length >> 1);
}

function count(diagnostics: readonly Diagnostic[], totals: Totals): void {
  for (const d of diagnostics) {
    if (d.severity === 'error') totals.errors++;
    else totals.warnings++;
  }
}

async function strictFailure(file: string, index: number, diagnostics: readonly Diagnostic[], io: CliIo, totals: Totals): Promise<void> {
  totals.strictFailures++;
  await write(io.stderr, `hcdl parse: ${file} message ${index}: strict: ${diagnostics.length} diagnostic(s): ${describe(diagnostics)}\n`);
}
