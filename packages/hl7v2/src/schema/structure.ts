/**
 * Message structure resolution (which dictionary message structure a message follows):
 * 1. MSH-9.3 (message structure) when present and a structure of the dictionary version;
 * 2. else `<MSH-9.1>_<MSH-9.2>` when it is one (`ADT_A01`);
 * 3. else the standard's event shares (event-map.ts: `ADT^A04` -> `ADT_A01`);
 * 4. else MSH-9.1 alone when it is one (`ACK`, `QRY`);
 * 5. else none: the generic layout (every segment but MSH repeatable), with a warning.
 * MSH-9.3 that is sent but unknown gives a `STRUCTURE_UNKNOWN` warning and steps 2-5 run.
 */
import { getDictionary } from '../dictionary/load';
import type { DictionaryVersion } from '../dictionary/generated/versions';
import { sharedStructures } from './event-map';
import { resolveVersion, type VersionResolution } from './version';

/** The MSH facts structure resolution needs (core's MessageHeader has them). */
export interface StructureHeader {
  readonly messageCode?: string | undefined;
  readonly triggerEvent?: string | undefined;
  readonly structureId?: string | undefined;
  readonly version?: string | undefined;
}

export type StructureSource = 'msh-9.3' | 'code-event' | 'event-share' | 'code' | 'generic';

export type ResolutionWarning = 'VERSION_MISSING' | 'VERSION_UNKNOWN' | 'MESSAGE_TYPE_MISSING' | 'STRUCTURE_UNKNOWN' | 'STRUCTURE_GENERIC';

export interface StructureResolution {
  readonly version: VersionResolution;
  readonly dictionaryVersion: DictionaryVersion;
  /** A message structure id of the dictionary version; undefined for the generic layout. */
  readonly structure: string | undefined;
  readonly source: StructureSource;
  readonly warnings: readonly ResolutionWarning[];
}

const cache = new Map<string, StructureResolution>();

function clean(v: string | undefined): string {
  return (v ?? '').trim().toUpperCase();
}

export function resolveStructure(header: StructureHeader): StructureResolution {
  const code = clean(header.messageCode);
  const event = clean(header.triggerEvent);
  const sent = (header.structureId ?? '').trim();
  const cacheKey = `${header.version ?? ''}|${code}|${event}|${sent}`;
  const hit = cache.get(cacheKey);
  if (hit !== undefined) return hit;

  const version = resolveVersion(header.version);
  const dict = getDictionary(version.dictionaryVersion);
  const warnings: ResolutionWarning[] = [];
  if (version.warning !== undefined) warnings.push(version.warning);
  if (code === '') warnings.push('MESSAGE_TYPE_MISSING');

  let structure: string | undefined;
  let source: StructureSource = 'generic';
  const pick = (id: string, from: StructureSource): boolean => {
    if (id === '' || !dict.hasStructure(id)) return false;
    structure = id;
    source = from;
    return true;
  };
  if (sent !== '' && !pick(sent, 'msh-9.3') && !pick(sent.toUpperCase(), 'msh-9.3')) {
    warnings.push('STRUCTURE_UNKNOWN');
  }
  if (structure === undefined && code !== '') {
    if (!(event !== '' && pick(`${code}_${event}`, 'code-event'))) {
      const shares = event === '' ? [] : sharedStructures(code, event);
      if (!shares.some((s) => pick(s, 'event-share'))) pick(code, 'code');
    }
  }
  if (structure === undefined) warnings.push('STRUCTURE_GENERIC');
  const result: StructureResolution = { version, dictionaryVersion: version.dictionaryVersion, structure, source, warnings };
  if (cache.size < 1024) cache.set(cacheKey, result);
  return result;
}
