/**
 * LineIndex (src/schema/columns.ts) finds where a field, repetition, component or subcomponent
 * starts from per-line tables, so a finding costs no more than its own part of the line. It
 * must give exactly what the plain algorithm it replaced gives (kept here as the reference:
 * count separators again from the start of the line for every finding), on random lines with
 * random separators, including separators left undeclared ('') and places that were not sent.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Delimiters } from '../../src/delimiters';
import { LineIndex } from '../../src/schema/columns';
import { delimitersArb } from '../property/arbitraries';

const isHeader = (id: string): boolean => id === 'MSH' || id === 'FHS' || id === 'BHS';

function after(text: string, sep: string, n: number, from: number, to: number): number {
  let at = from;
  for (let k = 0; k < n; k++) {
    const i = sep === '' ? -1 : text.indexOf(sep, at);
    if (i < 0 || i >= to) return -1;
    at = i + 1;
  }
  return at;
}

function cut(text: string, sep: string, from: number, end: number): number {
  if (sep === '') return end;
  const i = text.indexOf(sep, from);
  return i >= 0 && i < end ? i : end;
}

/** The reference: every level counted again from where the previous one starts. */
function offsetOf(text: string, id: string, d: Delimiters, field: number, repetition?: number, component?: number, subcomponent?: number): number {
  if (isHeader(id) && field <= 2) return field === 1 ? 3 : 4;
  let at = after(text, d.field, isHeader(id) ? field - 1 : field, 0, text.length);
  if (at < 0) return text.length;
  let end = cut(text, d.field, at, text.length);
  if (repetition !== undefined && repetition > 1) {
    const next = after(text, d.repetition, repetition - 1, at, end);
    if (next < 0) return end;
    at = next;
  }
  end = cut(text, d.repetition, at, end);
  if (component !== undefined && component > 1) {
    const next = after(text, d.component, component - 1, at, end);
    if (next < 0) return end;
    at = next;
  }
  end = cut(text, d.component, at, cut(text, d.repetition, at, end));
  if (subcomponent !== undefined && subcomponent > 1) {
    const next = after(text, d.subcomponent, subcomponent - 1, at, end);
    if (next < 0) return end;
    at = next;
  }
  return at;
}

/** Delimiters with some separators left undeclared, as short MSH-2 values give. */
const delimiters = fc.tuple(delimitersArb, fc.boolean(), fc.boolean()).map(([d, noRep, noSub]) => ({
  ...d,
  repetition: noRep ? '' : d.repetition,
  subcomponent: noSub ? '' : d.subcomponent,
}));

const place = fc.record(
  {
    field: fc.integer({ min: 1, max: 12 }),
    repetition: fc.integer({ min: 1, max: 5 }),
    component: fc.integer({ min: 1, max: 5 }),
    subcomponent: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: ['field'] },
);

describe('LineIndex', () => {
  it('gives the offset the plain recount gives, for every place asked in any order', () => {
    fc.assert(
      fc.property(
        delimiters,
        fc.constantFrom('MSH', 'PID', 'OBX', 'ZZ1'),
        fc.array(fc.constantFrom('a', 'bc', ' ', 'F', 'S', 'T', 'R', 'E'), { maxLength: 12 }),
        fc.array(fc.nat(5), { maxLength: 60 }),
        fc.array(place, { minLength: 1, maxLength: 12 }),
        (d, id, words, kinds, places) => {
          // The line: words and separators (the escape character is data for this purpose).
          const seps = [d.field, d.repetition, d.component, d.subcomponent, d.escape, ''];
          let text = isHeader(id) ? `${id}${d.field}${d.encodingCharacters}` : id;
          kinds.forEach((k, i) => {
            text += (seps[k] ?? '') + (words[i % Math.max(1, words.length)] ?? '');
          });
          const index = new LineIndex(text, id, d);
          for (const p of places) {
            expect(index.offset(p.field, p.repetition, p.component, p.subcomponent)).toBe(
              offsetOf(text, id, d, p.field, p.repetition, p.component, p.subcomponent),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
