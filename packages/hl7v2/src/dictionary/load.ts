/**
 * Decodes one dictionary version from ./generated on first use and caches it.
 * Everything ships in the bundle as JSON text (~700 KB for the ten versions, shared pool);
 * only the versions actually used are parsed and turned into objects.
 */
import type { EncodedGroup, EncodedNodeRef, EncodedPool, EncodedVersion } from './format';
import { Element } from './element';
import { assignKeys } from './keys';
import type { DatatypeDef, Dictionary, ElementDef, MessageStructure, SegmentDef, StructureNode } from './types';
import { POOL } from './generated/pool';
import { DICTIONARY_DATA, type DictionaryVersion } from './generated/versions';

let pool: EncodedPool | undefined;
const cache = new Map<string, Dictionary>();

/** Dictionary versions, oldest first (`2.3` .. `2.8.2`). */
export const DICTIONARY_VERSIONS = Object.keys(DICTIONARY_DATA) as DictionaryVersion[];

export function isDictionaryVersion(version: string): version is DictionaryVersion {
  return Object.prototype.hasOwnProperty.call(DICTIONARY_DATA, version);
}

/** The dictionary of an exact version (`2.5.1`); see resolveVersion() for MSH-12 values. */
export function getDictionary(version: DictionaryVersion): Dictionary {
  let dict = cache.get(version);
  if (dict === undefined) {
    pool ??= JSON.parse(POOL) as EncodedPool;
    dict = decodeVersion(pool, JSON.parse(DICTIONARY_DATA[version]) as EncodedVersion);
    cache.set(version, dict);
  }
  return dict;
}

interface MutableDatatype {
  id: string;
  kind: DatatypeDef['kind'];
  components: (ElementDef | undefined)[];
}

function decodeElements(p: EncodedPool, listIndex: number, kind: 'field' | 'component', datatypes: Map<string, MutableDatatype>): ElementDef[] {
  const raw = (p.l[listIndex] ?? []).map((i) => {
    const e = p.e[i];
    if (e === undefined) throw new Error(`dictionary pool: element ${i} missing`);
    return e;
  });
  const keys = assignKeys(
    raw.map(([seq, name, , , max]) => ({ seq, name, max })),
    kind,
  );
  return raw.map(([seq, name, datatype, min, max, table], i) => {
    const type = datatype === '' ? undefined : datatypes.get(datatype);
    return new Element(seq, name, keys[i] ?? `${kind}_${seq}`, datatype, type, min, max, table === undefined || table === '' ? undefined : table);
  });
}

function decodeVersion(p: EncodedPool, v: EncodedVersion): Dictionary {
  const datatypes = new Map<string, MutableDatatype>();
  for (const [id, ref] of Object.entries(v.d)) {
    datatypes.set(id, { id, kind: ref === 'v' ? 'varies' : ref === 'p' ? 'primitive' : 'composite', components: [] });
  }
  for (const [id, ref] of Object.entries(v.d)) {
    if (typeof ref !== 'number') continue;
    const dt = datatypes.get(id);
    if (dt === undefined) continue;
    for (const c of decodeElements(p, ref, 'component', datatypes)) dt.components[c.seq - 1] = c;
  }
  const segments = new Map<string, SegmentDef>();
  for (const [id, ref] of Object.entries(v.s)) {
    const fields: (ElementDef | undefined)[] = [undefined];
    for (const f of decodeElements(p, ref, 'field', datatypes)) fields[f.seq] = f;
    segments.set(id, { id, fields });
  }
  const structures = new Map<string, MessageStructure>();
  const groupCache = new Map<number, StructureNode>();
  const node = (ref: EncodedNodeRef): StructureNode => {
    if (typeof ref === 'string') {
      const [id = '', min = '0', max = '1'] = ref.split(':');
      return { kind: 'segment', id, min: Number(min), max: Number(max) };
    }
    let g = groupCache.get(ref);
    if (g === undefined) {
      const [id, choice, min, max, children] = p.g[ref] as EncodedGroup;
      g = { kind: 'group', id, name: id.toLowerCase(), choice: choice === 1, min, max, children: children.map(node) };
      groupCache.set(ref, g);
    }
    return g;
  };
  const tables = new Map<string, ReadonlySet<string>>();
  return {
    version: v.version,
    segment: (id) => segments.get(id),
    datatype: (id) => datatypes.get(id),
    hasStructure: (id) => Object.prototype.hasOwnProperty.call(v.m, id),
    structure(id) {
      let s = structures.get(id);
      if (s === undefined) {
        const ref = Object.prototype.hasOwnProperty.call(v.m, id) ? v.m[id] : undefined;
        if (ref === undefined) return undefined;
        s = { id, children: (p.m[ref] ?? []).map(node) };
        structures.set(id, s);
      }
      return s;
    },
    table(id) {
      let t = tables.get(id);
      if (t === undefined) {
        const ref = Object.prototype.hasOwnProperty.call(v.t, id) ? v.t[id] : undefined;
        if (ref === undefined) return undefined;
        t = new Set(p.t[ref] ?? []);
        tables.set(id, t);
      }
      return t;
    },
    segmentIds: () => [...segments.keys()],
    datatypeIds: () => [...datatypes.keys()],
    structureIds: () => Object.keys(v.m),
  };
}
