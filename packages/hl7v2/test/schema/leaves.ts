/**
 * Test helper: every leaf of a parsed message must be in its staging document (no value
 * dropped). Used by the corpus test and the property tests.
 */
import type { Message, StagingDocument } from '../../src/index';

const NULL = '""';

/** Every leaf of the tree: non-empty decoded strings, and '""' for each explicit null. */
export function treeLeaves(m: Message): string[] {
  const out: string[] = [];
  for (const seg of m.segments) {
    for (const f of seg.fields) {
      if (f === undefined) continue;
      for (const rep of f) {
        for (const c of rep) {
          for (const leaf of c === null || typeof c === 'string' ? [c] : c) {
            if (leaf === null) out.push(NULL);
            else if (leaf !== '') out.push(leaf);
          }
        }
      }
    }
  }
  return out;
}

/** Every string of the document outside _meta ('""' for null), in document order. */
function docStrings(doc: StagingDocument): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (v === null) out.push(NULL);
    else if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') for (const x of Object.values(v as object)) walk(x);
  };
  for (const [k, v] of Object.entries(doc)) if (k !== '_meta') walk(v);
  return out;
}

/** s split on any of the separator characters (which may be letters, digits or regex syntax). */
function splitOn(s: string, separators: readonly string[]): string[] {
  const out: string[] = [];
  let part = '';
  for (const ch of s) {
    if (separators.includes(ch)) {
      out.push(part);
      part = '';
    } else part += ch;
  }
  out.push(part);
  return out;
}

/**
 * Leaves of the tree not found in the document. A document string is one leaf, or several
 * leaves joined with the component/subcomponent separator (a primitive field sent with
 * components keeps them all that way): it offers itself and its parts. Counted: a value
 * present twice in the tree must be there twice.
 */
export function missingLeaves(m: Message, doc: StagingDocument): string[] {
  const offer = new Map<string, number>();
  const add = (s: string): void => {
    offer.set(s, (offer.get(s) ?? 0) + 1);
  };
  const { component, subcomponent } = m.delimiters;
  const strings = docStrings(doc);
  for (const s of strings) {
    add(s);
    const parts = splitOn(s, [component, subcomponent]);
    if (parts.length > 1) for (const p of parts) if (p !== '') add(p);
  }
  const holdsSeparator = (v: string): boolean => (component !== '' && v.includes(component)) || (subcomponent !== '' && v.includes(subcomponent));
  const missing: string[] = [];
  for (const leaf of treeLeaves(m)) {
    const n = offer.get(leaf) ?? 0;
    if (n > 0) offer.set(leaf, n - 1);
    // A decoded leaf holding a separator character was joined with others: find it inside one.
    else if (!(holdsSeparator(leaf) && strings.some((s) => s.includes(leaf)))) missing.push(leaf);
  }
  return missing;
}
