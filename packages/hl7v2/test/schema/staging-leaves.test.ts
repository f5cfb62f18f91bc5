/**
 * visitStagingLeaves gives every value of a staging document with its HL7 position. Checked
 * against the parser on the whole corpus: each leaf is the parser's value at that place
 * (repetitions counted among the non-empty ones, as staging JSON keeps them), and every
 * value the parser has is given once.
 */
import { describe, expect, it } from '@jest/globals';
import { parseMessage, toStagingJsonText, visitStagingLeaves, type Message, type StagingDocument } from '../../src/index';
import { corpusParsed } from '../core/support';

interface Leaf {
  segment: string;
  seq: number;
  field: number | null;
  rep: number;
  component: number | null;
  sub: number | null;
  value: string | null;
  name: string;
}

function leavesOf(m: Message): Leaf[] {
  const out: Leaf[] = [];
  visitStagingLeaves(JSON.parse(toStagingJsonText(m)) as StagingDocument, (segment, seq, field, rep, component, sub, value, name) =>
    out.push({ segment, seq, field, rep, component, sub, value, name }),
  );
  return out;
}

const isEmptyRep = (rep: readonly (string | null | readonly (string | null)[])[]): boolean =>
  rep.every((c) => (c === null ? false : typeof c === 'string' ? c === '' : c.every((s) => s === '')));

/** Parser leaves by `SEG|seq|field|rep|c|s`, rep counted among non-empty repetitions. */
function parserLeaves(m: Message): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const seen = new Map<string, number>();
  for (const seg of m.segments) {
    const seq = (seen.get(seg.id) ?? 0) + 1;
    seen.set(seg.id, seq);
    seg.fields.forEach((f, n) => {
      if (f === undefined) return;
      let rep = 0;
      for (const r of f) {
        if (isEmptyRep(r)) continue;
        rep++;
        r.forEach((c, ci) => {
          const subs = c === null || typeof c === 'string' ? [c] : c;
          subs.forEach((s, si) => {
            if (s !== '') out.set(`${seg.id}|${seq}|${n}|${rep}|${ci + 1}|${si + 1}`, s);
          });
        });
      }
    });
  }
  return out;
}

describe('visitStagingLeaves', () => {
  it('places PID values of 2.3 and 2.5.1 messages at the same positions whatever their names', () => {
    const v23 = leavesOf(parseMessage('MSH|^~\\&|A|B|||20240101||ADT^A01|1|P|2.3\rPID|1||7^^^H^MR~8^^^H^PI||DOE^JANE||19800101|F\r'));
    const v251 = leavesOf(parseMessage('MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5.1\rPID|1||7^^^H^MR~8^^^H^PI||DOE^JANE||19800101|F\r'));
    const v27 = leavesOf(parseMessage('MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.7\rPID|1||7^^^H^MR~8^^^H^PI||DOE^JANE||19800101|F\r'));
    const at = (ls: Leaf[], field: number, rep: number, c: number, s: number) =>
      ls.find((l) => l.segment === 'PID' && l.field === field && l.rep === rep && l.component === c && l.sub === s);
    for (const ls of [v23, v251, v27]) {
      expect(at(ls, 3, 2, 1, 1)?.value).toBe('8');
      expect(at(ls, 3, 2, 5, 1)?.value).toBe('PI');
      expect(at(ls, 5, 1, 1, 1)?.value).toBe('DOE');
      expect(at(ls, 8, 1, 1, 1)?.value).toBe('F');
    }
    // The names differ (2.3: family_name is a string, 2.5.1: FN with a surname).
    expect(at(v23, 5, 1, 1, 1)?.name).toBe('patient_name.family_name');
    expect(at(v251, 5, 1, 1, 1)?.name).toBe('patient_name.family_name.surname');
    expect(at(v27, 8, 1, 1, 1)?.name).toBe('administrative_sex.identifier');
    expect(at(v251, 8, 1, 1, 1)?.name).toBe('administrative_sex');
  });

  it('numbers extra segments and repetitions after the first, and Z-segments by position', () => {
    const ls = leavesOf(parseMessage('MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5\rPID|1||7||DOE||19800101|F~M\rPID|2||9\rZPI|a|b^c&d\r'));
    expect(ls.filter((l) => l.segment === 'PID' && l.field === 3).map((l) => [l.seq, l.value])).toEqual([
      [1, '7'],
      [2, '9'],
    ]);
    expect(ls.filter((l) => l.segment === 'PID' && l.field === 8).map((l) => [l.rep, l.value, l.name])).toEqual([
      [1, 'F', 'administrative_sex'],
      [2, 'M', 'administrative_sex'],
    ]);
    expect(ls.filter((l) => l.segment === 'ZPI').map((l) => [l.field, l.component, l.sub, l.value])).toEqual([
      [1, 1, 1, 'a'],
      [2, 1, 1, 'b'],
      [2, 2, 1, 'c'],
      [2, 2, 2, 'd'],
    ]);
  });

  it('types OBX-5 by OBX-2 and keeps explicit nulls', () => {
    const ls = leavesOf(parseMessage('MSH|^~\\&|A|B|||20240101||ORU^R01^ORU_R01|1|P|2.5.1\rPID|1||7\rOBR|1\rOBX|1|CWE|X^Y||C1^Coded^L|""\r'));
    const obx = ls.filter((l) => l.segment === 'OBX');
    expect(obx.filter((l) => l.field === 5).map((l) => [l.component, l.value, l.name])).toEqual([
      [1, 'C1', 'observation_value.identifier'],
      [2, 'Coded', 'observation_value.text'],
      [3, 'L', 'observation_value.name_of_coding_system'],
    ]);
    expect(obx.find((l) => l.field === 6)).toMatchObject({ component: 1, sub: 1, value: null });
  });

  it('agrees with the parser on every corpus message', () => {
    const parsed = corpusParsed();
    let checked = 0;
    const failures: string[] = [];
    for (const { path, message } of parsed) {
      const expected = parserLeaves(message);
      const seps = [message.delimiters.component, message.delimiters.subcomponent].filter((s) => s !== '');
      const covered = new Set<string>();
      for (const l of leavesOf(message)) {
        checked++;
        if (l.field === null || l.component === null || l.sub === null) {
          failures.push(`${path}: no position for ${l.segment}.${l.name}`);
          continue;
        }
        const key = `${l.segment}|${l.seq}|${l.field}|${l.rep}|${l.component}|${l.sub}`;
        covered.add(key);
        if (expected.get(key) === l.value) continue;
        // A primitive sent with components (or a primitive component sent with subcomponents)
        // keeps them joined with the separators: it stands for every part of its place.
        const joined = l.value !== null && seps.some((s) => l.value!.includes(s));
        if (joined && l.sub === 1) {
          const prefix = l.component === 1 ? `${l.segment}|${l.seq}|${l.field}|${l.rep}|` : `${key.slice(0, -2)}|`;
          for (const k of expected.keys()) if (k.startsWith(prefix)) covered.add(k);
          continue;
        }
        // Values are not printed: a test log must not carry message content.
        failures.push(`${path}: ${key} differs`);
      }
      for (const k of expected.keys()) if (!covered.has(k)) failures.push(`${path}: ${k} not given`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
  }, 120_000);
});
