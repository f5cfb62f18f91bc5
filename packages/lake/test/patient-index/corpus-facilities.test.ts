import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseMessage } from '@hcdl/hl7v2';
import { CORPUS_DIR } from '../../../../test/fixtures/corpus-manifest';
import { createPatientIndex } from '../../src/patient-index/index-message';
import { DEFAULT_PLACEHOLDERS, IdentityPolicy } from '../../src/patient-index/identity-policy';
import { MemoryCatalog } from '../../src/testing/memory/memory-catalog';

/**
 * The corpus reproduction of issue 13: two unrelated senders write PID-3 `00000-0000000`
 * with no assigning authority (an IHE lab case manager and a paediatric practice). Matched
 * across senders, `##00000-0000000` made them one patient.
 */
const LAB = 'FHIR-Converter/data/SampleData/Hl7v2/OUL-R22-01.hl7';
const PRACTICE = 'simple-hl7/test/inspects/8.hl7';
const message = (file: string) => parseMessage(readFileSync(path.join(CORPUS_DIR, file), 'latin1'));

describe('corpus: the same unqualified PID-3 from two facilities', () => {
  const at = (n: number, source: string) => ({ messageId: `MSG${n}`, source, at: `2024-01-01T00:00:0${n}.000Z` });

  it('the two corpus messages name the same value without an authority, from different facilities', () => {
    const [lab, practice] = [message(LAB), message(PRACTICE)];
    expect(lab.segmentsById('PID')[0]?.leaf(3)).toBe('00000-0000000');
    expect(practice.segmentsById('PID')[0]?.leaf(3)).toBe('00000-0000000');
    expect(lab.header.sendingFacility).not.toBe(practice.header.sendingFacility);
  });

  it('never links them: the value is a placeholder under the shipped policy', async () => {
    const catalog = new MemoryCatalog();
    const index = createPatientIndex(catalog);
    for (const [n, file] of [LAB, PRACTICE].entries()) {
      expect(await index.indexMessage(message(file), at(n + 1, 'corpus'))).toMatchObject({ patients: [], ignored: 2 });
    }
    expect(catalog.identifiers.size).toBe(0);
  });

  it('keeps them apart by facility even when placeholders are allowed, from one source or two', async () => {
    const policy = new IdentityPolicy({ defaults: { placeholders: [] } });
    for (const sources of [
      ['corpus', 'corpus'],
      ['lab', 'practice'],
    ]) {
      const catalog = new MemoryCatalog();
      const index = createPatientIndex(catalog, { policy });
      const lab = await index.indexMessage(message(LAB), at(1, sources[0] as string));
      const practice = await index.indexMessage(message(PRACTICE), at(2, sources[1] as string));
      expect(lab.patientId).toBeDefined();
      expect(practice.patientId).toBeDefined();
      expect(practice.patientId).not.toBe(lab.patientId);
      expect(practice.links).toEqual([]);
      expect(await catalog.getPatientIdByIdentifier('##00000-0000000')).toBeUndefined();
    }
    expect(DEFAULT_PLACEHOLDERS.length).toBeGreaterThan(0);
  });
});
