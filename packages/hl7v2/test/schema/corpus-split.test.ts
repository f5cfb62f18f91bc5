/**
 * The staged / error-zone split over the whole corpus, as the lake does it:
 * splitMessages(file bytes) -> parseMessage(chunk) -> validateMessage -> isStageable.
 * Fatal input (Hl7FatalError: no MSH, unusable delimiters) goes to the error zone.
 *
 * - every message of a file whose MANIFEST notes do not say NEGATIVE/INVALID must stage;
 * - every NEGATIVE/INVALID file must send at least one message (or the file) to the error
 *   zone with a located diagnostic, except the files listed in NOT_DETECTABLE, which are
 *   invalid only for a profile or a test's intent and cannot honestly be told apart from
 *   valid traffic by the HL7 dictionary.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hl7FatalError, parseMessage, splitMessages } from '../../src/index';
import { isStageable, validateMessage, toStagingJsonText } from '../../src/index';
import { referenceStagingText } from './reference';
import { CORPUS_DIR as corpus, corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';

/**
 * Deliberately invalid corpus files that are invalid only for a profile or a test's intent
 * and cannot honestly be told apart from valid traffic by the HL7 dictionary (shared with the
 * end-to-end corpus test), with the reason for each.
 */
export const NOT_DETECTABLE: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../../test/fixtures/corpus-not-detectable.json'), 'utf8'),
);

interface Outcome {
  staged: number;
  errors: { location: string; code: string }[];
  fatal: boolean;
}

function runLake(path: string): Outcome {
  const bytes = readFileSync(join(corpus, path));
  const outcome: Outcome = { staged: 0, errors: [], fatal: false };
  let split;
  try {
    split = splitMessages(bytes);
  } catch (e) {
    if (!(e instanceof Hl7FatalError)) throw e;
    outcome.fatal = true;
    return outcome;
  }
  // File-level errors (segments outside any message) send the whole file to the error zone.
  for (const d of split.diagnostics) if (d.severity === 'error') outcome.errors.push({ location: d.location, code: d.code });
  for (const chunk of split.messages) {
    let message;
    try {
      message = parseMessage(chunk.text);
    } catch (e) {
      if (!(e instanceof Hl7FatalError)) throw e;
      outcome.fatal = true;
      continue;
    }
    const diagnostics = validateMessage(message);
    if (isStageable(diagnostics)) {
      outcome.staged++;
      // Staging must work for every stageable message, byte for byte as the reference writer.
      expect(toStagingJsonText(message)).toBe(referenceStagingText(message));
    } else {
      for (const d of diagnostics) if (d.severity === 'error') outcome.errors.push({ location: d.location, code: d.code });
    }
  }
  return outcome;
}

describe('corpus: staged vs error zone', () => {
  const all = corpusMessageRows();

  it('reads the manifest', () => {
    expect(all.length).toBeGreaterThan(400);
    for (const p of Object.keys(NOT_DETECTABLE)) expect(all.some((r) => r.path === p && r.negative)).toBe(true);
  });

  it('stages every message of every valid file', () => {
    const failures: string[] = [];
    for (const r of all.filter((x) => !x.negative)) {
      const o = runLake(r.path);
      // An envelope-only file (ruby-hl7 empty-batch.hl7) is a valid batch of zero messages.
      const messages = splitMessages(readFileSync(join(corpus, r.path))).messages.length;
      if (o.fatal || o.errors.length > 0 || o.staged !== messages) failures.push(`${r.path}: ${JSON.stringify(o.errors)}${o.fatal ? ' fatal' : ''}`);
    }
    expect(failures).toEqual([]);
  });

  it('sends every deliberately invalid file to the error zone with a located diagnostic', () => {
    const missed: string[] = [];
    for (const r of all.filter((x) => x.negative && NOT_DETECTABLE[x.path] === undefined)) {
      const o = runLake(r.path);
      if (o.fatal) continue;
      if (o.errors.length === 0) missed.push(r.path);
      for (const e of o.errors) expect(e.location).toMatch(/^(line \d+|[A-Z0-9]{3}\[\d+\](-\d+.*)?)$/);
    }
    expect(missed).toEqual([]);
  });

  it('the not-detectable files do stage (so the list stays honest)', () => {
    for (const p of Object.keys(NOT_DETECTABLE)) {
      const o = runLake(p);
      expect(o.staged).toBeGreaterThan(0);
    }
  });
});
