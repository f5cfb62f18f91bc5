/**
 * docs/hl7v2-parsing.md stays true to the code: its diagnostics table lists exactly the codes
 * the source raises, its tree API example gives the values it shows, and its charset table
 * names decode as it says.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { charsetOf, parseMessage } from '../../src/index';

const root = join(import.meta.dirname, '../../../..');
const doc = readFileSync(join(root, 'docs/hl7v2-parsing.md'), 'utf8');
const src = join(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'generated' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Codes (UPPER_SNAKE string literals) in the source, table 0357 keywords excluded. */
function sourceCodes(): Set<string> {
  const out = new Set<string>();
  for (const f of sourceFiles(src)) {
    if (f.endsWith('error-codes.ts')) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(/'([A-Z]+(?:_[A-Z]+)+)'/g)) out.add(m[1] as string);
  }
  return out;
}

describe('docs/hl7v2-parsing.md', () => {
  it('the diagnostics table lists every code the source raises, and only those', () => {
    const table = new Set([...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1] as string));
    const others = ['BAD_PATH', 'BAD_ACK_CODE'];
    const code = sourceCodes();
    expect([...code].filter((c) => !table.has(c) && !others.includes(c)).sort()).toEqual([]);
    expect([...table].filter((c) => !code.has(c)).sort()).toEqual([]);
    for (const c of [...others, 'STRICT']) expect(doc).toContain(`\`${c}\``);
    expect(table.size).toBeGreaterThan(25);
  });

  it('the tree API example gives the values the page shows', () => {
    const m = parseMessage(
      'MSH|^~\\&|LAB|HOSP|||20240101120000||ORU^R01^ORU_R01|MSG1|P|2.5.1\r' +
        'PID|1||111^^^HOSP^MR~222^^^STATE&2.16.840.1&ISO^SS||DOE^JANE\r' +
        'OBR|1|ORD1||CBC^Blood count^LN\r' +
        'OBX|1|NM|WBC^White cells^LN||7.2|10*3/uL\r' +
        'OBX|2|ST|CMT^Comment^LN||first~second\r',
    );
    const shown = [...doc.matchAll(/^m\.get\('([^']+)'\);\s+\/\/ '([^']*)'/gm)].map((x) => [x[1], x[2]]);
    expect(shown.length).toBe(4);
    for (const [path, value] of shown) expect(m.get(path as string)).toBe(value);
    expect(doc).toContain("m.getAll('PID-3');       // ['111', '222']");
    expect(m.getAll('PID-3')).toEqual(['111', '222']);
    expect(m.header).toMatchObject({ controlId: 'MSG1', messageType: 'ORU^R01', version: '2.5.1' });
  });

  it('every MSH-18 name of the charset table is known to the decoder', () => {
    const section = doc.slice(doc.indexOf('## Character sets'), doc.indexOf('## Batches'));
    const rows = section.split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| empty'));
    const names = rows.flatMap((r) => [...(r.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
    expect(names.length).toBeGreaterThan(15);
    for (const n of names) expect([n, charsetOf(n)]).not.toEqual([n, undefined]);
  });
});
