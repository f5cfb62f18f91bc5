/**
 * At most MAX_DIAGNOSTICS findings per message: the first ones kept in order, the others
 * counted in one closing DIAGNOSTICS_TRUNCATED whose severity is 'error' when one of them is,
 * so a message stages or not exactly as if every finding were kept. Each stage counts into a
 * copy of the summary: the lists a caller holds never change.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_DIAGNOSTICS, TRUNCATED } from '../../src/diagnostic-list';
import {
  isStageable,
  parseMessage,
  splitMessages,
  structureOf,
  toStaging,
  toStagingJsonText,
  validateMessage,
  type Diagnostic,
  type StagingDocument,
} from '../../src/index';

const MSH = 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240101120000||ADT^A01^ADT_A01|C1|P|2.5.1\rEVN|A01\rPID|1||123^^^HOSP^MR||DOE^JANE\r';
const summaryOf = (ds: readonly Diagnostic[]): Diagnostic | undefined => ds.find((d) => d.code === TRUNCATED);

describe('the diagnostics cap', () => {
  it('is above every real message of the corpus (262 at most) and documented as 1,000', () => {
    expect(MAX_DIAGNOSTICS).toBe(1000);
  });

  it('keeps the first findings and counts the others (the issue: MSH|^~\\&| 20,000 times in one line)', () => {
    const m = parseMessage(`${MSH}ZZZ|${'MSH|^~\\&|'.repeat(20_000)}\r`);
    // The parser: one BAD_ESCAPE per `^~\&` field (an escape character with no closing one).
    expect(m.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(m.diagnostics.slice(0, MAX_DIAGNOSTICS).every((d) => d.code === 'BAD_ESCAPE')).toBe(true);
    expect(m.diagnostics[0]?.location).toBe('ZZZ[1]-2[2].1.1');
    expect(summaryOf(m.diagnostics)).toMatchObject({
      code: TRUNCATED,
      severity: 'warning',
      message: `${20_000 - MAX_DIAGNOSTICS} more diagnostic(s) not listed (0 of them error(s)); the first ${MAX_DIAGNOSTICS} are`,
      line: 4,
      location: 'line 4',
    });
    const validated = validateMessage(m);
    expect(validated).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(validated[MAX_DIAGNOSTICS]?.code).toBe(TRUNCATED);
    // The parser's list keeps its own count: validation counted into a copy.
    expect(summaryOf(m.diagnostics)?.message).toMatch(/^19000 more/);
    expect(Number(/^(\d+) more/.exec(validated[MAX_DIAGNOSTICS]?.message ?? '')?.[1])).toBeGreaterThan(19_000);
  });

  it('the summary is an error when a finding it counts is one: the message does not stage', () => {
    // 1,500 lines that are not segments: 1,500 NON_SEGMENT_LINE warnings from the parser,
    // then validation's NON_SEGMENT_LINES error, past the cap.
    const m = parseMessage(`${MSH}${'free text\r'.repeat(1500)}`);
    const ds = validateMessage(m);
    expect(ds).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(ds.slice(0, MAX_DIAGNOSTICS).some((d) => d.severity === 'error')).toBe(false);
    expect(summaryOf(ds)).toMatchObject({ severity: 'error' });
    expect(summaryOf(ds)?.message).toMatch(/ \(1 of them error\(s\)\)/);
    expect(isStageable(ds)).toBe(false);
  });

  it('envelope findings come first, before the parser findings, as before the cap', () => {
    const m = parseMessage(`${MSH}${'free text\r'.repeat(3)}MSH\rMSH\r`);
    const ds = validateMessage(m);
    expect(ds.slice(0, 5).map((d) => d.code)).toEqual([
      'ENVELOPE_SEGMENT_IN_MESSAGE',
      'ENVELOPE_SEGMENT_IN_MESSAGE',
      'NON_SEGMENT_LINE',
      'NON_SEGMENT_LINE',
      'NON_SEGMENT_LINE',
    ]);
  });

  it('staging JSON carries the capped list, and the caller diagnostics stay as they were', () => {
    const m = parseMessage(`${MSH}${'PV1|1|I\r'.repeat(3000)}`);
    const resolution = structureOf(m);
    const diagnostics = validateMessage(m, resolution);
    const before = JSON.stringify(diagnostics);
    const out = toStaging(m, { resolution, diagnostics });
    expect(JSON.stringify(diagnostics)).toBe(before);
    // 2,999 SEGMENT_REPEATED from the writer, past the validation's findings.
    expect(out.warnings).toHaveLength(MAX_DIAGNOSTICS + 1);
    const doc = JSON.parse(out.text) as StagingDocument;
    expect(doc._meta.warnings).toEqual(out.warnings);
    expect((doc['pv1_extra'] as unknown[]).length).toBe(2999);
    expect(summaryOf(doc._meta.warnings)?.message).toMatch(/^\d+ more diagnostic\(s\) not listed \(0 of them error\(s\)\)/);
    expect(toStagingJsonText(m, { resolution, diagnostics })).toBe(out.text);
  });

  it('a summary read back from JSON is counted on from its text', () => {
    const m = parseMessage(`${MSH}${'free text\r'.repeat(1200)}`);
    const resolution = structureOf(m);
    const stored = JSON.parse(JSON.stringify(validateMessage(m, resolution))) as Diagnostic[];
    const warnings = toStaging(m, { resolution, diagnostics: stored }).warnings;
    expect(summaryOf(warnings)?.message).toBe(summaryOf(stored)?.message);
  });

  it('splitMessages caps the file-level findings too', () => {
    const r = splitMessages(`${'PID|1\r'.repeat(1500)}${MSH}`);
    expect(r.messages).toHaveLength(1);
    expect(r.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(summaryOf(r.diagnostics)).toMatchObject({ severity: 'error', message: expect.stringMatching(/^500 more/) });
  });
});
