/**
 * MSH-12 -> dictionary version.
 *
 * - The first component of MSH-12 is used (`2.5.1^USA` -> `2.5.1`), trimmed, a leading `v`
 *   ignored.
 * - An exact dictionary version is used as is (`2.8.1`).
 * - Otherwise the newest dictionary version not newer than it (`2.6.1` -> `2.6`,
 *   `2.7.1` -> `2.7`, `2.9` -> `2.8.2`), and versions older than the oldest dictionary
 *   version map to it (`2.1`, `2.2` -> `2.3`).
 * - Missing, not `2.x`-shaped, or not HL7 v2: DEFAULT_DICTIONARY_VERSION (2.5.1, the version
 *   most traffic uses) with a warning (`VERSION_MISSING` / `VERSION_UNKNOWN`).
 */
import { DICTIONARY_VERSIONS, isDictionaryVersion } from '../dictionary/load';
import type { DictionaryVersion } from '../dictionary/generated/versions';

export const DEFAULT_DICTIONARY_VERSION: DictionaryVersion = '2.5.1';

export interface VersionResolution {
  /** MSH-12 as sent (first component), undefined when absent. */
  readonly sent: string | undefined;
  readonly dictionaryVersion: DictionaryVersion;
  readonly exact: boolean;
  /** Set when the default was used. */
  readonly warning?: 'VERSION_MISSING' | 'VERSION_UNKNOWN';
}

function parts(v: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(v);
  if (m === null) return undefined;
  return m
    .slice(1)
    .filter((x) => x !== undefined)
    .map(Number);
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const cache = new Map<string, VersionResolution>();

export function resolveVersion(msh12: string | undefined): VersionResolution {
  const key = msh12 ?? '';
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = compute(msh12);
  if (cache.size < 256) cache.set(key, result);
  return result;
}

function compute(msh12: string | undefined): VersionResolution {
  const sent = msh12?.split(/[\^&~]/)[0]?.trim();
  if (sent === undefined || sent === '') {
    return { sent: undefined, dictionaryVersion: DEFAULT_DICTIONARY_VERSION, exact: false, warning: 'VERSION_MISSING' };
  }
  const clean = sent.replace(/^v/i, '');
  if (isDictionaryVersion(clean)) return { sent, dictionaryVersion: clean, exact: true };
  const p = parts(clean);
  if (p === undefined || p[0] !== 2) {
    return { sent, dictionaryVersion: DEFAULT_DICTIONARY_VERSION, exact: false, warning: 'VERSION_UNKNOWN' };
  }
  let chosen: DictionaryVersion | undefined;
  for (const v of DICTIONARY_VERSIONS) {
    if (compare(parts(v) ?? [], p) <= 0) chosen = v;
  }
  return { sent, dictionaryVersion: chosen ?? (DICTIONARY_VERSIONS[0] as DictionaryVersion), exact: false };
}
