import { describe, expect, it } from '@jest/globals';
import { getDictionary } from '../../src/dictionary/load';
import { matchStructure, type MatchedNode } from '../../src/schema/group-match';

function outline(nodes: readonly MatchedNode[]): unknown[] {
  return nodes.map((n) => (n.kind === 'segment' ? `${n.id}${n.unexpected ? '!' : ''}` : { [n.name]: outline(n.children) }));
}

function indexes(nodes: readonly MatchedNode[]): number[] {
  return nodes.flatMap((n) => (n.kind === 'segment' ? [n.index] : indexes(n.children)));
}

describe('matchStructure', () => {
  const oru = getDictionary('2.5.1').structure('ORU_R01');
  if (oru === undefined) throw new Error('ORU_R01 missing');

  it('puts each OBX (and its NTE) under its OBR', () => {
    const ids = 'MSH PID PV1 ORC OBR NTE OBX NTE OBX OBR OBX'.split(' ');
    expect(outline(matchStructure(oru.children, ids))).toEqual([
      'MSH',
      {
        oru_r01_patient_result: [
          { oru_r01_patient: ['PID', { oru_r01_visit: ['PV1'] }] },
          { oru_r01_order_observation: ['ORC', 'OBR', 'NTE', { oru_r01_observation: ['OBX', 'NTE'] }, { oru_r01_observation: ['OBX'] }] },
          { oru_r01_order_observation: ['OBR', { oru_r01_observation: ['OBX'] }] },
        ],
      },
    ]);
  });

  it('keeps unexpected segments where they are and never drops one', () => {
    const ids = 'MSH ZXX PID OBR OBX ZOB OBX MSA'.split(' ');
    const nodes = matchStructure(oru.children, ids);
    expect(indexes(nodes)).toEqual(ids.map((_, i) => i));
    expect(outline(nodes)).toEqual([
      'MSH',
      'ZXX!',
      {
        oru_r01_patient_result: [
          { oru_r01_patient: ['PID'] },
          { oru_r01_order_observation: ['OBR', { oru_r01_observation: ['OBX', 'ZOB!'] }, { oru_r01_observation: ['OBX', 'MSA!'] }] },
        ],
      },
    ]);
  });

  it('groups ADT_A01 procedures and insurance', () => {
    const adt = getDictionary('2.5').structure('ADT_A01');
    if (adt === undefined) throw new Error('ADT_A01 missing');
    const ids = 'MSH EVN PID NK1 NK1 PV1 AL1 PR1 ROL PR1 IN1 IN2 IN1'.split(' ');
    expect(outline(matchStructure(adt.children, ids))).toEqual([
      'MSH',
      'EVN',
      'PID',
      'NK1',
      'NK1',
      'PV1',
      'AL1',
      { adt_a01_procedure: ['PR1', 'ROL'] },
      { adt_a01_procedure: ['PR1'] },
      { adt_a01_insurance: ['IN1', 'IN2'] },
      { adt_a01_insurance: ['IN1'] },
    ]);
  });
});
