/**
 * Behaviour fingerprint for performance work: parses every generated bench message and every
 * corpus file and hashes everything the parser and the staging writer produce (tree, header,
 * diagnostics, serialization, staging JSON). The hash must not change when an optimisation
 * lands: `npx tsx bench/src/tools/fingerprint.ts`.
 *
 * The staging JSON went into the hash twice when the package had two writers (the text, and
 * `JSON.stringify` of the object form). It keeps that layout with one writer: the second
 * copy is `JSON.stringify(JSON.parse(text))`, which is the text again exactly when the text
 * is canonical JSON (no whitespace, keys in writing order), as `JSON.stringify` of the
 * object always was; so the hashes from before are still the comparison.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hl7Error, parseMessage, serialize, splitMessages, structureOf, toStagingJsonText, validateMessage } from '@hcdl/hl7v2';
import { generateMessages } from '../generator';

const corpus = fileURLToPath(new URL('../../../test/fixtures/corpus/', import.meta.url));
const inputs: (string | Uint8Array)[] = generateMessages(500, 20240601);
for (const entry of readdirSync(corpus, { recursive: true, withFileTypes: true }).sort((a, b) =>
  `${a.parentPath}/${a.name}`.localeCompare(`${b.parentPath}/${b.name}`),
)) {
  if (!entry.isFile() || entry.name.endsWith('.tsv') || entry.name.endsWith('.md')) continue;
  inputs.push(readFileSync(`${entry.parentPath}/${entry.name}`));
}
const hash = createHash('sha256');
const parts = { parse: createHash('sha256'), staging: createHash('sha256'), split: createHash('sha256') };
for (const input of inputs) {
  try {
    const m = parseMessage(input);
    const tree = JSON.stringify({ s: m.segments.map((s) => [s.id, s.line, s.fields, s.originals]), h: m.header, x: m.extraLines, d: m.diagnostics });
    const ser = serialize(m);
    parts.parse.update(tree).update(ser);
    const text = toStagingJsonText(m);
    // Given an earlier validation, the same text, and the caller's diagnostics left as they were.
    const resolution = structureOf(m);
    const diagnostics = validateMessage(m, resolution);
    const before = JSON.stringify(diagnostics);
    if (toStagingJsonText(m, { resolution, diagnostics }) !== text || JSON.stringify(diagnostics) !== before) {
      throw new Error('toStagingJsonText with a prior validation differs from without');
    }
    const obj = JSON.stringify(JSON.parse(text));
    parts.staging
      .update(text)
      .update(obj)
      .update(JSON.stringify(validateMessage(m)));
    hash.update(tree).update(ser).update(text).update(obj);
  } catch (error) {
    const s = error instanceof Hl7Error ? `${error.name}:${error.message}` : `UNEXPECTED ${String(error)}`;
    parts.parse.update(s);
    hash.update(s);
  }
  try {
    const r = splitMessages(input);
    parts.split.update(JSON.stringify(r));
  } catch (error) {
    parts.split.update(error instanceof Hl7Error ? error.message : `UNEXPECTED ${String(error)}`);
  }
}
const hex = (h: ReturnType<typeof createHash>): string => h.digest('hex').slice(0, 16);
process.stdout.write(`inputs ${inputs.length} parse ${hex(parts.parse)} staging ${hex(parts.staging)} split ${hex(parts.split)} all ${hex(hash)}\n`);
