/**
 * The dictionary's names of segments' fields and datatypes' components in a compact JSON form,
 * for tools that label ER7 text without the engine (the web console's hover names): one
 * version's names are ~60 KB of JSON instead of the engine's whole dictionary.
 */
import { DICTIONARY_VERSIONS, getDictionary, isDictionaryVersion } from './load';
import type { ElementDef } from './types';

/** One element as `[name, datatype]` (datatype `''` when the dictionary gives none); `null` for a position it skips. */
export type NamedElement = readonly [name: string, datatype: string] | null;

export interface DictionaryNames {
  version: string;
  /** Fields by segment id, position 1 first (`segments.PID[2]` is PID-3). */
  segments: Record<string, NamedElement[]>;
  /** Components of composite datatypes by id, position 1 first. */
  datatypes: Record<string, NamedElement[]>;
}

const named = (e: ElementDef | undefined): NamedElement => (e === undefined ? null : [e.name, e.datatype]);

/** Field and component names of one dictionary version (`2.3` .. `2.8.2`, see DICTIONARY_VERSIONS); undefined for another version. */
export function dictionaryNames(version: string): DictionaryNames | undefined {
  if (!isDictionaryVersion(version)) return undefined;
  const dict = getDictionary(version);
  const segments: Record<string, NamedElement[]> = {};
  for (const id of dict.segmentIds()) segments[id] = (dict.segment(id)?.fields ?? []).slice(1).map(named);
  const datatypes: Record<string, NamedElement[]> = {};
  for (const id of dict.datatypeIds()) {
    const dt = dict.datatype(id);
    if (dt?.kind === 'composite') datatypes[id] = Array.from(dt.components, named);
  }
  return { version, segments, datatypes };
}

export { DICTIONARY_VERSIONS };
