import { describe, expect, it } from '@jest/globals';
import { parseMessage } from '@hcdl/hl7v2';
import { corpusMessageRows } from '../../../test/fixtures/corpus-manifest';
import { convertMessage } from '../src/index';
import { corpusFile } from './support/corpus';
import { authorityAliases, compareBundles } from './support/meaning';

interface Row {
  sample: string;
  equal: boolean;
  differences: string[];
}

/** Every FHIR-Converter sample with an expected bundle, our conversion, and the comparison. */
function compareAll(): Row[] {
  const rows: Row[] = [];
  for (const r of corpusMessageRows()) {
    if (!r.path.startsWith('FHIR-Converter/')) continue;
    const line = corpusFile('MANIFEST.tsv')
      .split('\n')
      .find((l) => l.startsWith(`${r.path}\t`));
    const expectedPath = line
      ?.split('\t')[11]
      ?.split(' ')
      .find((p) => p.endsWith('.json'));
    if (expectedPath === undefined) continue;
    const expected = JSON.parse(corpusFile(expectedPath).replace(/^\uFEFF/, '')) as { entry?: { resource: never }[] };
    const message = parseMessage(corpusFile(r.path));
    const ours = convertMessage(message, { messageId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2', source: 'corpus' });
    const c = compareBundles(
      (expected.entry ?? []).map((e) => e.resource),
      ours.resources,
      authorityAliases(message.segments),
    );
    rows.push({ sample: r.path.split('/').pop() as string, equal: c.equal, differences: c.differences });
  }
  return rows;
}

describe('equal in meaning to the FHIR-Converter expected bundles', () => {
  // The target is 90 %; this floor is the rate reached so far (docs/fhir.md), so a
  // mapping change that loses meaning fails here.
  it('compares every sample and keeps the rate reached so far (7 of 132)', () => {
    const rows = compareAll();
    expect(rows.length).toBeGreaterThan(120);
    const equal = rows.filter((r) => r.equal).length;
    const rate = equal / rows.length;
    if (process.env.FHIR_MEANING_TABLE === '1') {
      for (const r of rows) process.stdout.write(`| ${r.sample} | ${r.equal ? 'equal' : 'differs'} | ${r.differences.join('; ')} |\n`);
      process.stdout.write(`RATE ${equal}/${rows.length}\n`);
    }
    expect(equal).toBeGreaterThanOrEqual(7);
    expect(rate).toBeGreaterThan(0.05);
  }, 120_000);
});
