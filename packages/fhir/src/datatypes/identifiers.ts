/** CX, EI and HD → Identifier and system URIs (IG data type maps CX[Identifier], EI, HD). */
import type { Identifier } from '../resource';
import { comp, sub } from '../values';
import type { V2Repetition } from '../v2';
import { tableConcept } from './coded';
import { toDateTime } from './dtm';

/** Well-known assigning authority namespaces whose FHIR system is fixed. */
const KNOWN_NAMESPACES: Readonly<Record<string, string>> = {
  USSSA: 'http://hl7.org/fhir/sid/us-ssn',
  SSA: 'http://hl7.org/fhir/sid/us-ssn',
  SSN: 'http://hl7.org/fhir/sid/us-ssn',
  NPI: 'http://hl7.org/fhir/sid/us-npi',
  CMS: 'http://hl7.org/fhir/sid/us-npi',
};

/** A local namespace as a URN; spaces become `-` as in FHIR-Converter's local systems. */
export const localNamespace = (name: string): string => `urn:hcdl:ns:${encodeURIComponent(name.replace(/ /g, '-'))}`;

/**
 * An HD (namespace id, universal id, universal id type) as a system URI: an ISO OID becomes
 * `urn:oid:`, a UUID `urn:uuid:`, a URI stays as sent; a namespace alone becomes
 * `urn:hcdl:ns:<namespace>` (the IG leaves namespace → URI to a local look-up table).
 */
export function hdSystem(namespace: string | undefined, universalId: string | undefined, universalType: string | undefined): string | undefined {
  if (universalId !== undefined) {
    const t = universalType?.toUpperCase();
    const oid = universalId.replace(/^urn:oid:/, '');
    if (/^[0-2](\.\d+)+$/.test(oid) && (t === 'ISO' || t === 'CLIA' || t === 'CLIP' || t === undefined)) return `urn:oid:${oid}`;
    if ((t === 'UUID' || t === 'GUID') && /^[0-9a-f-]{36}$/i.test(universalId.replace(/^urn:uuid:/, '')))
      return `urn:uuid:${universalId.replace(/^urn:uuid:/, '').toLowerCase()}`;
    if (/^(https?:|urn:)\S+$/.test(universalId)) return universalId;
  }
  if (namespace !== undefined) return KNOWN_NAMESPACES[namespace.toUpperCase()] ?? localNamespace(namespace);
  if (universalId !== undefined) return localNamespace(universalId);
  return undefined;
}

/** The assigning authority of a CX (component 4, an HD in subcomponents) as a key string. */
export function cxAuthority(rep: V2Repetition): string | undefined {
  const ns = sub(rep, 4, 1);
  const uid = sub(rep, 4, 2);
  return uid !== undefined ? `${ns ?? ''}&${uid}` : ns;
}

/** CX → Identifier. */
export function cxIdentifier(rep: V2Repetition, defaultOffset: string): Identifier | undefined {
  const value = comp(rep, 1);
  if (value === undefined) return undefined;
  const id: Identifier = {};
  const type = comp(rep, 5);
  if (type !== undefined) id.type = tableConcept(type, '0203');
  const system = hdSystem(sub(rep, 4, 1), sub(rep, 4, 2), sub(rep, 4, 3)) ?? (type === 'SS' ? 'http://hl7.org/fhir/sid/us-ssn' : undefined);
  if (system !== undefined) id.system = system;
  id.value = value;
  const start = toDateTime(comp(rep, 7), defaultOffset);
  const end = toDateTime(comp(rep, 8), defaultOffset);
  if (start !== undefined || end !== undefined) id.period = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  const ns = sub(rep, 4, 1);
  if (ns !== undefined) id.assigner = { display: ns };
  return id;
}

/** EI (entity id, namespace, universal id, type) → Identifier, with an optional type code (v2-0203). */
export function eiIdentifier(rep: V2Repetition | undefined, typeCode?: string): Identifier | undefined {
  if (rep === undefined) return undefined;
  const value = comp(rep, 1);
  if (value === undefined) return undefined;
  const id: Identifier = {};
  if (typeCode !== undefined) id.type = tableConcept(typeCode, '0203');
  const system = hdSystem(comp(rep, 2), comp(rep, 3), comp(rep, 4));
  if (system !== undefined) id.system = system;
  id.value = value;
  return id;
}

/** A stable key for an EI (value qualified by its namespace or universal id). */
export function eiKey(rep: V2Repetition | undefined): string | undefined {
  const value = comp(rep, 1);
  if (value === undefined) return undefined;
  return `${comp(rep, 2) ?? ''}&${comp(rep, 3) ?? ''}#${value}`;
}

/**
 * An EIP (placer & filler, each an EI in subcomponents) as identifiers: the value alone, typed
 * PGN / FGN (IG EIP[PlacerAssignedIdentifier], EIP[FillerAssignedIdentifier]).
 */
export function eipIdentifiers(eip: V2Repetition | undefined): Identifier[] {
  const out: Identifier[] = [];
  const placer = sub(eip, 1, 1);
  const filler = sub(eip, 2, 1);
  if (placer !== undefined) out.push({ type: tableConcept('PGN', '0203'), value: placer });
  if (filler !== undefined) out.push({ type: tableConcept('FGN', '0203'), value: filler });
  return out;
}
