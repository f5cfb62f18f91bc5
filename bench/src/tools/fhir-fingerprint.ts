/**
 * Behaviour fingerprint of the FHIR conversion for performance work: converts every generated
 * bench message and every message of every corpus file, under two contexts (the bare one and
 * one with every optional field set), and hashes the Bundle JSON, the notes, the links and the
 * stubs. An optimisation must leave the hash as it was:
 * `npx tsx bench/src/tools/fhir-fingerprint.ts [--list file]` (`--list` writes one line per
 * message, `name hash`, to diff two runs and find the message that changed).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ConvertContext, convertMessage } from '@hcdl/fhir';
import { iterateMessages, parseMessage } from '@hcdl/hl7v2';
import type { Message } from '@hcdl/hl7v2';
import { generateMessages } from '../generator';

const corpus = fileURLToPath(new URL('../../../test/fixtures/corpus/', import.meta.url));
const inputs: { name: string; message: Message }[] = generateMessages(500, 20240601).map((text, i) => ({
  name: `generated#${i}`,
  message: parseMessage(text),
}));
for (const entry of readdirSync(corpus, { recursive: true, withFileTypes: true }).sort((a, b) =>
  `${a.parentPath}/${a.name}`.localeCompare(`${b.parentPath}/${b.name}`),
)) {
  if (!entry.isFile() || entry.name.endsWith('.tsv') || entry.name.endsWith('.md') || entry.name.endsWith('.json') || entry.name.startsWith('LICENSE'))
    continue;
  const path = `${entry.parentPath}/${entry.name}`.slice(corpus.length);
  let n = 0;
  try {
    for (const m of iterateMessages(new Uint8Array(readFileSync(`${corpus}${path}`)))) {
      n++;
      if (!(m instanceof Error)) inputs.push({ name: `${path}#${n}`, message: m });
    }
  } catch {
    // A file with no MSH holds no message to convert.
  }
}

const contexts: ConvertContext[] = [
  { messageId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2', source: 'corpus' },
  {
    messageId: '01J0000000000000000000000Z',
    source: 'other',
    rawKey: 'raw/x/1.hl7',
    receivedAt: '2024-06-01T10:00:00Z',
    patientId: 'p-1',
    defaultOffset: '+02:00',
  },
];
const all = createHash('sha256');
const lines: string[] = [];
let converted = 0;
let failed = 0;
for (const { name, message } of inputs) {
  const one = createHash('sha256');
  for (const ctx of contexts) {
    try {
      const r = convertMessage(message, ctx);
      one.update(JSON.stringify(r.bundle)).update(JSON.stringify(r.notes)).update(JSON.stringify(r.links)).update(JSON.stringify(r.stubs));
      // The resources are the bundle's, in its order: check it rather than hash them twice.
      if (r.resources.length !== (r.bundle.entry as unknown[]).length) one.update('resources differ from the bundle');
      converted++;
    } catch (error) {
      one.update(`${(error as Error).name}:${(error as Error).message}`);
      failed++;
    }
  }
  const h = one.digest('hex').slice(0, 16);
  all.update(h);
  lines.push(`${name} ${h}`);
}
const listAt = process.argv.indexOf('--list');
if (listAt >= 0) writeFileSync(process.argv[listAt + 1] as string, `${lines.join('\n')}\n`);
process.stdout.write(`messages ${inputs.length} conversions ${converted} failed ${failed} all ${all.digest('hex').slice(0, 16)}\n`);
