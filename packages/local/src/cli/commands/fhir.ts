/**
 * `hcdl fhir <file...>`: converts HL7 v2 files message by message to FHIR R4 and prints the
 * transaction Bundle of each (one JSON document per line; `--pretty` indents them, separated
 * by a blank line). The messages get fresh lake message ids (what `meta.source` names) and the
 * source given with `--source`. `--notes` lists on stderr what the mapping did not carry (codes
 * and locations only). Exit codes: 0 ok, 1 an input was unusable, 2 usage error. stderr carries
 * file names, codes and locations, never message content.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { convertMessage, FhirMappingError } from '@hcdl/fhir';
import { Hl7Error, streamMessages } from '@hcdl/hl7v2';
import { newMessageId } from '@hcdl/lake';
import type { CliIo } from './io';

export const FHIR_USAGE = `Usage: hcdl fhir [--source <id>] [--pretty] [--notes] <file...>
  Prints the FHIR R4 transaction Bundle of each HL7 v2 message (one per line).
  --source  the source id the resources name (default: cli)
  --pretty  indented JSON, one blank line between Bundles
  --notes   list on stderr what the mapping did not carry (location and code)
  -h, --help  show this help
Exit code 1 when an input is unusable (no MSH segment, unreadable file).`;

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** A reason safe for stderr (our errors never quote values; file errors by their code). */
function reasonOf(error: unknown): string {
  if (error instanceof Hl7Error || error instanceof FhirMappingError) return error.message;
  const sys = error as { code?: unknown };
  if (typeof sys?.code === 'string') return `cannot read the file (${sys.code})`;
  return error instanceof Error ? error.name : 'unknown error';
}

/** Runs `hcdl fhir`; resolves to the process exit code. */
export async function runFhir(args: string[], io: CliIo): Promise<number> {
  let values;
  let files: string[];
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { source: { type: 'string' }, pretty: { type: 'boolean' }, notes: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    values = parsed.values;
    files = parsed.positionals;
  } catch (err) {
    await write(io.stderr, `hcdl fhir: ${(err as Error).message}\n${FHIR_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    await write(io.stdout, `${FHIR_USAGE}\n`);
    return 0;
  }
  const source = values.source ?? 'cli';
  if (!SOURCE.test(source)) {
    await write(io.stderr, `hcdl fhir: --source must be a source id (letters, digits, ".", "_", "-")\n`);
    return 2;
  }
  if (files.length === 0) {
    await write(io.stderr, `hcdl fhir: no input file\n${FHIR_USAGE}\n`);
    return 2;
  }
  let failures = 0;
  let printed = 0;
  for (const file of files) {
    let index = 0;
    try {
      for await (const message of streamMessages(createReadStream(file))) {
        index++;
        if (message instanceof Hl7Error) {
          failures++;
          await write(io.stderr, `hcdl fhir: ${file} message ${index}: fatal: ${reasonOf(message)}\n`);
          continue;
        }
        let conversion;
        try {
          conversion = convertMessage(message, { messageId: newMessageId(), source });
        } catch (err) {
          failures++;
          await write(io.stderr, `hcdl fhir: ${file} message ${index}: not converted: ${reasonOf(err)}\n`);
          continue;
        }
        const text = values.pretty ? `${printed > 0 ? '\n' : ''}${JSON.stringify(conversion.bundle, null, 2)}\n` : `${JSON.stringify(conversion.bundle)}\n`;
        await write(io.stdout, text);
        printed++;
        if (values.notes) for (const n of conversion.notes) await write(io.stderr, `hcdl fhir: ${file} message ${index}: ${n.location} ${n.code}\n`);
      }
    } catch (error) {
      failures++;
      await write(io.stderr, `hcdl fhir: ${file}${index > 0 ? ` after message ${index}` : ''}: fatal: ${reasonOf(error)}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}
