/** Looks codes up in the IG's vocabulary maps (imported as data: concept-maps.data.ts). */
import { CONCEPT_MAPS } from './concept-maps.data';

export interface ConceptTarget {
  code: string;
  system: string;
  display?: string;
}

/** The IG concept map names this package reads (see tools/import-concept-maps.ts). */
export type ConceptMapName = keyof typeof CONCEPT_MAPS & string;

/** The FHIR target of a v2 code in the named IG map; case-insensitive fallback. */
export function mapCode(map: string, code: string | undefined): ConceptTarget | undefined {
  if (code === undefined) return undefined;
  const m = CONCEPT_MAPS[map];
  if (m === undefined) return undefined;
  return m[code] ?? m[code.toUpperCase()];
}
