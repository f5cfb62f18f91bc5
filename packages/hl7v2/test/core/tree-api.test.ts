/**
 * The tree API for code: 1-based HL7 paths (get / getAll), segmentsById, walking segments
 * and fields, and structure grouping (OBX under their OBR) from the dictionary.
 */
import { describe, expect, it } from '@jest/globals';
import { groupMessage, Hl7Error, parseMessage, parsePath, serialize, type MatchedNode, type Message } from '../../src/index';
import { corpusBytes } from './support';

const ORU = [
  'MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240101120000||ORU^R01^ORU_R01|MSG1|P|2.5.1',
  'PID|1||111^^^HOSP^MR~222^^^STATE&2.16.840.1&ISO^SS||DOE^JANE^Q~SMITH^JANE^^^^^M||19800101|F',
  'PV1|1|O',
  'ORC|RE|ORD1',
  'OBR|1|ORD1||CBC^Blood count^LN',
  'OBX|1|NM|WBC^White cells^LN||7.2|10*3/uL',
  'NTE|1||note on wbc',
  'OBX|2|NM|RBC^Red cells^LN||4.8|10*6/uL',
  'OBR|2|ORD2||BMP^Basic panel^LN',
  'OBX|1|NM|NA^Sodium^LN||140|mmol/L',
  'OBX|2|ST|CMT^Comment^LN||first~second',
  'ZDS|custom|data',
].join('\r');

describe('paths', () => {
  const m = parseMessage(ORU);

  it('get: segment, field, repetition, component, subcomponent (1-based)', () => {
    expect(m.get('PID-3')).toBe('111');
    expect(m.get('PID-3[2]')).toBe('222');
    expect(m.get('PID-3[2].4')).toBe('STATE');
    expect(m.get('PID-3[2].4.2')).toBe('2.16.840.1');
    expect(m.get('PID-3[2].4.3')).toBe('ISO');
    expect(m.get('PID-5[2].1')).toBe('SMITH');
    expect(m.get('PID-5[2].7')).toBe('M');
    expect(m.get('MSH-9.1')).toBe('ORU');
  });

  it('segment repetitions: OBX[n] counts OBX in the whole message', () => {
    expect(m.get('OBX-5')).toBe('7.2');
    expect(m.get('OBX[1]-5')).toBe('7.2');
    expect(m.get('OBX[3]-3.2')).toBe('Sodium');
    expect(m.get('OBX[4]-5[2]')).toBe('second');
    expect(m.get('OBR[2]-4.1')).toBe('BMP');
    expect(m.get('OBX[5]-5')).toBeUndefined();
  });

  it('the dot notation PID.3 is accepted too', () => {
    expect(m.get('PID.3')).toBe('111');
    expect(m.get('OBX[2].3.1')).toBe('RBC');
  });

  it('absent places are undefined, never an error', () => {
    expect(m.get('PID-30')).toBeUndefined();
    expect(m.get('PID-3[9]')).toBeUndefined();
    expect(m.get('PID-3.9')).toBeUndefined();
    expect(m.get('AL1-1')).toBeUndefined();
  });

  it('getAll lists every repetition', () => {
    expect(m.getAll('PID-3')).toEqual(['111', '222']);
    expect(m.getAll('PID-3.5')).toEqual(['MR', 'SS']);
    expect(m.getAll('PID-5.1')).toEqual(['DOE', 'SMITH']);
    expect(m.getAll('OBX[4]-5')).toEqual(['first', 'second']);
  });

  it('parsePath reads the notation and rejects malformed or 0-based paths with Hl7Error BAD_PATH', () => {
    expect(parsePath('PID[1]-3[2].4.2')).toEqual({ segment: 'PID', segmentRepetition: 1, field: 3, repetition: 2, component: 4, subcomponent: 2 });
    expect(parsePath('ZX1-12')).toEqual({ segment: 'ZX1', segmentRepetition: 1, field: 12 });
    for (const bad of ['PID', 'pid-3', 'PID-0', 'PID-3[0]', 'PID-3.0', 'OBX[0]-5', 'PID-3.1.1.1', 'PID-x']) {
      expect(() => m.get(bad)).toThrow(Hl7Error);
      try {
        parsePath(bad);
      } catch (e) {
        expect((e as Hl7Error).code).toBe('BAD_PATH');
      }
    }
  });
});

describe('segments and walking', () => {
  const m = parseMessage(ORU);

  it('segmentsById returns the segments in order with their repetition data', () => {
    const obx = m.segmentsById('OBX');
    expect(obx.map((s) => s.leaf(3, 1, 1))).toEqual(['WBC', 'RBC', 'NA', 'CMT']);
    expect(obx.map((s) => s.line)).toEqual([6, 8, 10, 11]);
    expect(m.segmentsById('AL1')).toEqual([]);
  });

  it('every leaf can be walked: segments -> fields -> repetitions -> components -> subcomponents', () => {
    const leaves: string[] = [];
    for (const seg of m.segments) {
      for (let f = 1; f <= seg.fieldCount; f++) {
        const field = seg.field(f);
        if (field === undefined) continue;
        for (const rep of field) for (const comp of rep) for (const leaf of Array.isArray(comp) ? comp : [comp]) if (leaf) leaves.push(leaf);
      }
    }
    expect(leaves).toContain('2.16.840.1');
    expect(leaves).toContain('second');
    expect(leaves).toContain('custom');
  });

  it('setField changes a value and serialize writes it', () => {
    const copy = parseMessage(ORU);
    copy.segmentsById('PID')[0]!.setField(8, 'M');
    copy.segmentsById('ZDS')[0]!.setField(4, [['a', ['b', 'c']], ['d']]);
    const out = serialize(copy);
    expect(out).toContain('\rPID|1||111^^^HOSP^MR~222^^^STATE&2.16.840.1&ISO^SS||DOE^JANE^Q~SMITH^JANE^^^^^M||19800101|M\r');
    expect(out).toContain('\rZDS|custom|data||a^b&c~d\r');
    expect(parseMessage(out).get('ZDS-4.2.2')).toBe('c');
  });
});

function outline(nodes: readonly MatchedNode[], m: Message): unknown[] {
  return nodes.map((n) => (n.kind === 'segment' ? `${m.segments[n.index]!.id}${n.unexpected ? '!' : ''}` : { [n.name]: outline(n.children, m) }));
}

function groupsNamed(nodes: readonly MatchedNode[], name: string): MatchedNode[][] {
  const out: MatchedNode[][] = [];
  for (const n of nodes) {
    if (n.kind !== 'group') continue;
    if (n.name === name) out.push(n.children);
    out.push(...groupsNamed(n.children, name));
  }
  return out;
}

function segmentIndexes(nodes: readonly MatchedNode[]): number[] {
  return nodes.flatMap((n) => (n.kind === 'segment' ? [n.index] : segmentIndexes(n.children)));
}

describe('structure grouping (groupMessage)', () => {
  it('puts each OBX (and its NTE) under its OBR; Z-segments kept, marked unexpected', () => {
    const m = parseMessage(ORU);
    const groups = groupMessage(m);
    expect(outline(groups, m)).toEqual([
      'MSH',
      {
        oru_r01_patient_result: [
          { oru_r01_patient: ['PID', { oru_r01_visit: ['PV1'] }] },
          { oru_r01_order_observation: ['ORC', 'OBR', { oru_r01_observation: ['OBX', 'NTE'] }, { oru_r01_observation: ['OBX'] }] },
          { oru_r01_order_observation: ['OBR', { oru_r01_observation: ['OBX'] }, { oru_r01_observation: ['OBX', 'ZDS!'] }] },
        ],
      },
    ]);
    expect(segmentIndexes(groups)).toEqual(m.segments.map((_, i) => i));
  });

  it('the OBX of each order group can be read through their segment index', () => {
    const m = parseMessage(ORU);
    const orders = groupsNamed(groupMessage(m), 'oru_r01_order_observation');
    const codes = orders.map((o) =>
      segmentIndexes(o)
        .map((i) => m.segments[i]!)
        .filter((s) => s.id === 'OBX')
        .map((s) => s.leaf(3)),
    );
    expect(codes).toEqual([
      ['WBC', 'RBC'],
      ['NA', 'CMT'],
    ]);
  });

  it('a message with no known structure keeps every segment at the top level', () => {
    const m = parseMessage('MSH|^~\\&|A|B|C|D|2024||ZZZ^Z99|1|P|2.5\rPID|1\rZZ1|x\r');
    expect(groupMessage(m)).toEqual([
      { kind: 'segment', id: 'MSH', index: 0, unexpected: false },
      { kind: 'segment', id: 'PID', index: 1, unexpected: false },
      { kind: 'segment', id: 'ZZ1', index: 2, unexpected: false },
    ]);
  });

  it('corpus: prime-reportstream sample ORU with 20 OBR - every OBX lands under the OBR before it', () => {
    const m = parseMessage(corpusBytes('prime-reportstream/prime-router/src/testIntegration/resources/datatests/HL7_to_FHIR/sample_oru_20241015-001.hl7'));
    const groups = groupMessage(m);
    expect(segmentIndexes(groups).sort((a, b) => a - b)).toEqual(m.segments.map((_, i) => i));
    const orders = groupsNamed(groups, 'oru_r01_order_observation');
    expect(orders).toHaveLength(m.segmentsById('OBR').length);
    for (const order of orders) {
      const idx = segmentIndexes(order);
      const obr = idx.find((i) => m.segments[i]!.id === 'OBR')!;
      const nextObr = m.segments.findIndex((s, i) => i > obr && s.id === 'OBR');
      for (const i of idx.filter((j) => m.segments[j]!.id === 'OBX')) {
        expect(i).toBeGreaterThan(obr);
        if (nextObr >= 0) expect(i).toBeLessThan(nextObr);
      }
    }
  });
});
