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
import { isStageable, validateMessage, toStagingJsonText, toStagingJson } from '../../src/index';

const corpus = join(import.meta.dirname, '../../../../test/fixtures/corpus');

export const NOT_DETECTABLE: Readonly<Record<string, string>> = {
  'hl7apy/tests/test_parser.py.extracted/02_L48_invalid_rsp_k21_setUp.hl7':
    'PID-3 lacks the assigning authority an IHE PDQ profile requires; valid HL7 otherwise',
  'hl7apy/tests/test_parser.py.extracted/12_L208_m_test_parse_unknown_message_strict.hl7':
    'MSH-only ADT^A01: invalid only under strict structure validation; MSH-only fragments are valid corpus traffic',
  'hl7apy/tests/test_parser.py.extracted/15_L225_msg_test_parse_message_missing_structure.hl7':
    'empty MSH-9 with a PID: the same shape as valid corpus files (FHIR-Converter coverage-test)',
  'hl7apy/tests/test_parser.py.extracted/16_L235_test_parse_message_incomplete_structure.hl7':
    "MSH-9 'ADT^' without trigger event: valid files also send a code alone ('ADT', 'ORU', 'ACK^')",
  'hl7apy/tests/test_parser.py.extracted/17_L238_test_parse_message_missing_version.hl7':
    'no MSH-12: many valid corpus files have none (the 2.5.1 default applies with a warning)',
  'mllp/mllp_adapter/integration_test.go.extracted/02_L73_message_TestSendToMLLPAdapterInvalidMessage.hl7':
    'the same message with LF terminators, which our normalization accepts by design',
  'prime-reportstream/prime-router/src/test/resources/fhirengine/smoketest/valid_mars.hl7':
    'invalid only for the MARS OTC ELR profile',
  'prime-reportstream/prime-router/src/test/resources/validation/marsotcelr/fail_onboarding_pass_prod.hl7':
    'fails the MARS OTC onboarding profile only (passes production)',
  'ruby-hl7/test_data/realm/realm-bad-batch.hl7':
    'batch without FTS/BTS trailers (truncated file) and an OBX-3 without code: each message is valid HL7',
  'ruby-hl7/test_data/realm/realm-cj-badloinc.hl7': 'OBX-3.1 (LOINC code) empty: invalid for the ELR profile only',
  'ruby-hl7/test_data/realm/realm-err.hl7': 'MSH-4.1 empty: invalid for the ELR profile only',
};

interface Row {
  path: string;
  negative: boolean;
}

function rows(): Row[] {
  const lines = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1);
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'))
    .filter((c) => c[10] === 'message')
    .map((c) => ({ path: c[0] as string, negative: (c[9] ?? '').includes('NEGATIVE/INVALID') }));
}

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
      // Staging must work for every stageable message, text and object forms agreeing.
      expect(JSON.parse(toStagingJsonText(message))).toEqual(JSON.parse(JSON.stringify(toStagingJson(message))));
    } else {
      for (const d of diagnostics) if (d.severity === 'error') outcome.errors.push({ location: d.location, code: d.code });
    }
  }
  return outcome;
}

describe('corpus: staged vs error zone', () => {
  const all = rows();

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
