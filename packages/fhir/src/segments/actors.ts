/**
 * The participants resources point at: Practitioner (XCN), Organization (XON, HD) and Location
 * (PL), each with an id derived from its identifier (or, lacking one, its name), so the same
 * clinician or ward in two messages is one resource.
 */
import { tableConcept } from '../datatypes/coded';
import { hdSystem } from '../datatypes/identifiers';
import { humanName } from '../datatypes/person';
import { nameKey } from '../keys';
import type { Mapping } from '../mapping';
import { clean, type Json, type Reference } from '../resource';
import { comp, sub } from '../values';
import type { V2Repetition } from '../v2';

/** XCN → Practitioner (IG XCN[Practitioner]). */
export function practitioner(m: Mapping, rep: V2Repetition | undefined): Reference | undefined {
  if (rep === undefined) return undefined;
  const value = comp(rep, 1);
  const name = humanName(rep, 2, 10, m.offset);
  if (value === undefined && name === undefined) return undefined;
  const system = hdSystem(sub(rep, 9, 1), sub(rep, 9, 2), sub(rep, 9, 3));
  const type = comp(rep, 13);
  const key = value !== undefined ? `Practitioner|id:${system ?? m.scope}#${value}` : `Practitioner|name:${nameKey(name)}`;
  const made = m.madeFor.get(key);
  if (made !== undefined) return made;
  const identifier = value !== undefined ? [clean({ type: tableConcept(type, '0203'), system, value } as Json)] : undefined;
  const ref = m.add(clean({ resourceType: 'Practitioner', id: m.id('Practitioner', key.slice(13), ''), identifier, name: name ? [name] : undefined }));
  m.madeFor.set(key, ref);
  return ref;
}

/** XON → Organization (IG XON[Organization]). */
export function organizationXon(m: Mapping, rep: V2Repetition | undefined): Reference | undefined {
  if (rep === undefined) return undefined;
  const name = comp(rep, 1);
  const value = comp(rep, 10) ?? comp(rep, 3);
  if (name === undefined && value === undefined) return undefined;
  const system = hdSystem(sub(rep, 6, 1), sub(rep, 6, 2), sub(rep, 6, 3));
  const identifier = value !== undefined ? [clean({ type: tableConcept(comp(rep, 7), '0203'), system, value } as Json)] : undefined;
  const key = value !== undefined ? `id:${system ?? m.scope}#${value}` : `name:${name}`;
  return m.add(clean({ resourceType: 'Organization', id: m.id('Organization', key, ''), identifier, name }));
}

/** HD (MSH-4 and the like) → Organization identified by the HD. */
export function organizationHd(m: Mapping, rep: V2Repetition | undefined): Reference | undefined {
  if (rep === undefined) return undefined;
  const ns = comp(rep, 1);
  const uid = comp(rep, 2);
  if (ns === undefined && uid === undefined) return undefined;
  const identifier: Json[] = [];
  if (ns !== undefined) identifier.push({ system: hdSystem(ns, undefined, undefined), value: ns });
  if (uid !== undefined) identifier.push({ system: 'urn:ietf:rfc:3986', value: hdSystem(undefined, uid, comp(rep, 3)) });
  return m.add(clean({ resourceType: 'Organization', id: m.id('Organization', `hd:${ns ?? ''}&${uid ?? ''}`, ''), identifier, name: ns }));
}

/** PL component → physical type (location-physical-type) in containment order, outermost first. */
const PL_LEVELS = [
  [4, 'si', 'Site'],
  [7, 'bu', 'Building'],
  [8, 'lvl', 'Level'],
  [1, 'wa', 'Ward'],
  [2, 'ro', 'Room'],
  [3, 'bd', 'Bed'],
] as const;

/**
 * PL → a Location per level sent (facility, building, floor, point of care, room, bed), each
 * `partOf` the one above it (IG PL[Location]); returns the innermost.
 */
export function location(m: Mapping, rep: V2Repetition | undefined): Reference | undefined {
  if (rep === undefined) return undefined;
  let parent: Reference | undefined;
  let path = '';
  for (const [component, code, display] of PL_LEVELS) {
    const name = comp(rep, component);
    if (name === undefined) continue;
    path += `/${code}:${name}`;
    const made = m.madeFor.get(`Location|${path}`);
    if (made !== undefined) {
      parent = made;
      continue;
    }
    const identifier =
      component === 1 && sub(rep, 1, 2) !== undefined
        ? [{ system: 'urn:ietf:rfc:3986', value: hdSystem(undefined, sub(rep, 1, 2), sub(rep, 1, 3)) }]
        : undefined;
    const description = comp(rep, 9);
    parent = m.add(
      clean({
        resourceType: 'Location',
        id: m.id('Location', `pl:${m.scope}${path}`, ''),
        identifier,
        name,
        description: component === 3 || (component === 2 && comp(rep, 3) === undefined) ? description : undefined,
        mode: 'instance',
        physicalType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code, display }] },
        partOf: parent,
      }),
    );
    m.madeFor.set(`Location|${path}`, parent);
  }
  return parent;
}
