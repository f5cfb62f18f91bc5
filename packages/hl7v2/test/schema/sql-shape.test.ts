/**
 * segmentSqlShape: one SQL shape per segment over every dictionary version, and every corpus
 * staging document fits it (each named element is declared, objects only where a struct or
 * text is declared, arrays only where a list is). Not declared on purpose: positional keys
 * (`field_<n>`) and `<field>_extra`; the `fields` view of the query side has them.
 */
import { describe, expect, it } from '@jest/globals';
import { segmentSqlShape, shapeLeaves, toStagingJsonText, type SqlShape } from '../../src/index';
import { corpusParsed } from '../core/support';

const field = (shape: SqlShape | undefined, name: string): SqlShape | undefined =>
  shape?.kind === 'struct' ? shape.fields.find((f) => f.name === name)?.shape : undefined;

/** Places where a value does not fit the shape (paths only, never values). */
function misfits(value: unknown, shape: SqlShape, path: string, out: string[]): void {
  if (value === null) return;
  if (shape.kind === 'list') {
    for (const v of Array.isArray(value) ? value : [value]) misfits(v, shape.element, `${path}[]`, out);
    return;
  }
  if (Array.isArray(value)) {
    out.push(`${path}: array where ${shape.kind} is declared`);
    return;
  }
  if (shape.kind === 'text' || shape.kind === 'integer') return; // a string, or an object read as its JSON text
  if (typeof value !== 'object') {
    out.push(`${path}: text where a struct is declared`);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const s = field(shape, k);
    if (s === undefined) {
      // Positional keys and extra repetitions of a non-repeating field are left out on purpose.
      if (!/^(field|component|subcomponent)_\d+$/.test(k) && !k.endsWith('_extra')) out.push(`${path}.${k}: not declared`);
    } else misfits(v, s, `${path}.${k}`, out);
  }
}

describe('segmentSqlShape', () => {
  const msh = segmentSqlShape('MSH');

  it('declares MSH as a struct with text leaves, lists for fields that repeat in any version', () => {
    expect(field(msh, 'message_control_id')).toEqual({ kind: 'text' });
    expect(field(field(msh, 'message_type'), 'message_code')).toEqual({ kind: 'text' });
    expect(field(field(msh, 'sending_facility'), 'namespace_id')).toEqual({ kind: 'text' });
    // MSH-18 does not repeat in 2.3, does from 2.3.1 on.
    expect(field(msh, 'character_set')).toEqual({ kind: 'list', element: { kind: 'text' } });
    // MSH-7 is TS (composite) up to 2.5.1 and DTM (primitive) from 2.6: text.
    expect(field(msh, 'date_time_of_message')).toEqual({ kind: 'text' });
    expect(shapeLeaves(msh!)).toBeGreaterThan(50);
    expect(segmentSqlShape('ZZZ')).toBeUndefined();
  });

  it('fits every MSH and PID of the corpus', () => {
    const out: string[] = [];
    let n = 0;
    for (const { path, message } of corpusParsed()) {
      const doc = JSON.parse(toStagingJsonText(message)) as Record<string, unknown>;
      for (const id of ['MSH', 'PID']) {
        const v = doc[id.toLowerCase()];
        if (v === undefined) continue;
        n++;
        for (const seg of Array.isArray(v) ? v : [v]) misfits(seg, segmentSqlShape(id)!, `${path} ${id}`, out);
      }
    }
    expect(out).toEqual([]);
    expect(n).toBeGreaterThan(700);
  }, 120_000);
});
