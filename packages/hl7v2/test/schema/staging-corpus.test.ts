/**
 * Staging JSON over the whole corpus:
 * - NO value is dropped: every non-empty leaf of the parsed tree (and every explicit null)
 *   is in the staging document, counted, so neither lost subcomponents of non-ST components
 *   nor lost repetitions of primitive fields (the two hl7apy failure modes) can pass;
 * - the shape is stable: for one dictionary version and structure, a segment key is always
 *   an array or always an object, and so is every dictionary-named field.
 */
import { describe, expect, it } from '@jest/globals';
import { parseMessage, toStagingJsonText, type Message, type StagingDocument } from '../../src/index';
import { corpusParsed } from '../core/support';
import { missingLeaves, treeLeaves } from './leaves';
import { getDictionary } from '../../src/dictionary/load';
import type { DictionaryVersion } from '../../src/dictionary/generated/versions';
import { segmentKey, segmentLayout } from '../../src/schema/layout';

const stagingDoc = (m: Message): StagingDocument => JSON.parse(toStagingJsonText(m)) as StagingDocument;

describe('corpus staging JSON', () => {
  const parsed = corpusParsed();

  it('covers the corpus', () => {
    expect(parsed.length).toBeGreaterThan(450);
  });

  it('drops no value: every leaf of every message is in its staging document', () => {
    const failures: { path: string; missing: number }[] = [];
    let leaves = 0;
    for (const { path, message } of parsed) {
      const doc = stagingDoc(message);
      leaves += treeLeaves(message).length;
      const missing = missingLeaves(message, doc);
      // Counts only: never print message values.
      if (missing.length > 0) failures.push({ path, missing: missing.length });
    }
    expect(failures).toEqual([]);
    expect(leaves).toBeGreaterThan(20_000);
  });

  it('the leaf check catches the hl7apy failure modes (a lost repetition, a lost subcomponent)', () => {
    const m = parseMessage('MSH|^~\\&|A|B|||20240101||ADT^A01^ADT_A01|1|P|2.5\rPID|1||7^^^X&1.2&ISO~7^^^Y||DOE^J\r');
    type Cx = { id_number: string; assigning_authority: Record<string, string> };
    const doc = stagingDoc(m);
    const ids = (doc['pid'] as unknown as { patient_identifier_list: Cx[] }).patient_identifier_list;
    expect(ids).toHaveLength(2);
    expect(missingLeaves(m, doc)).toEqual([]);
    const lostRepetition = structuredClone(doc);
    (lostRepetition['pid'] as unknown as { patient_identifier_list: Cx[] }).patient_identifier_list = ids.slice(1);
    expect(missingLeaves(m, lostRepetition).sort()).toEqual(['1.2', '7', 'ISO', 'X']);
    const lostSub = structuredClone(doc);
    delete (lostSub['pid'] as unknown as { patient_identifier_list: Cx[] }).patient_identifier_list[0]?.assigning_authority['universal_id'];
    expect(missingLeaves(m, lostSub)).toEqual(['1.2']);
  });

  it('keeps one shape per dictionary version and structure: segments and named fields', () => {
    // (version|structure) -> path -> 'array' | 'object' | 'value'
    const shapes = new Map<string, Map<string, string>>();
    const conflicts = new Set<string>();
    const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v !== null && typeof v === 'object' ? 'object' : 'value');
    let checked = 0;
    for (const { message } of parsed) {
      const doc = stagingDoc(message);
      if (doc._meta.structure === null) continue;
      const key = `${doc._meta.dictionaryVersion}|${doc._meta.structure}`;
      const seen = shapes.get(key) ?? new Map<string, string>();
      shapes.set(key, seen);
      const note = (path: string, k: string): void => {
        const before = seen.get(path);
        if (before === undefined) seen.set(path, k);
        else if (before !== k) conflicts.add(`${key} ${path}: ${before} / ${k}`);
      };
      for (const [seg, v] of Object.entries(doc)) {
        if (seg === '_meta') continue;
        note(seg, kind(v) === 'array' ? 'array' : 'object');
        for (const obj of Array.isArray(v) ? v : [v]) {
          for (const [field, fv] of Object.entries(obj as Record<string, unknown>)) {
            // Positional keys (field_<n>) have no dictionary entry to decide their shape.
            if (/^field_\d+$/.test(field)) continue;
            // A repeating field is always an array; a non-repeating one never is.
            note(`${seg}.${field}`, kind(fv) === 'array' ? 'array' : 'not-array');
            checked++;
          }
        }
      }
    }
    expect([...conflicts]).toEqual([]);
    expect(checked).toBeGreaterThan(5_000);
    // Several messages share a structure, so the check compared something.
    expect([...shapes.keys()].length).toBeLessThan(parsed.length);
  });

  it('shapes agree with the dictionary: a named field is an array exactly when it may repeat, a segment when the structure lets it', () => {
    let fields = 0;
    const wrong: string[] = [];
    for (const { message } of parsed) {
      const doc = stagingDoc(message);
      const dict = getDictionary(doc._meta.dictionaryVersion as DictionaryVersion);
      const layout = segmentLayout(dict, doc._meta.structure ?? undefined);
      for (const seg of new Set(message.segments.map((x) => x.id))) {
        const v = doc[segmentKey(seg)];
        if (Array.isArray(v) !== (layout.repeats.get(seg) ?? true)) wrong.push(`${doc._meta.structure} ${seg}`);
        const def = dict.segment(seg);
        if (def === undefined) continue;
        const byKey = new Map(def.fields.filter((f) => f !== undefined).map((f) => [f.key, f]));
        for (const obj of Array.isArray(v) ? v : [v]) {
          for (const [key, fv] of Object.entries(obj as Record<string, unknown>)) {
            const fd = byKey.get(key);
            if (fd === undefined) continue;
            fields++;
            if (Array.isArray(fv) !== fd.repeats) wrong.push(`${doc._meta.dictionaryVersion} ${seg}.${key}`);
          }
        }
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
    expect(fields).toBeGreaterThan(5_000);
  });
});
