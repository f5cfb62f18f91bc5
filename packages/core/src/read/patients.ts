import { isPatientId, survivorOf, type Claims, type MessageQuery, type PatientLinkRecord, type PatientMergeRecord } from '@hcdl/lake';
import { canRead, readableSources } from './access';
import { decodeCursor, encodeCursor, fingerprint } from './cursor';
import { familyOf, pageMessages } from './family';
import { json, notFound, type HttpResult } from '../http/result';
import { messageView } from './messages';
import { identifierOf, limitOf, onlyParams, textOf, type QueryParams } from './params';
import { recordedPatientOf, visibleConflicts, visibleIdentifiers } from './patient-identity';
import type { QueryApiPorts } from './ports';

export const GET_PATIENT_PARAMS = ['limit', 'cursor'] as const;
export const FIND_PATIENT_PARAMS = ['identifier'] as const;

export type { IdentifierView } from './patient-identity';

/**
 * Patient reads. What a caller sees of a patient is cut to the sources it may read: the
 * identifiers recorded from those sources (with the demographics each sent), the links and
 * merges those sources' messages made, the demographic conflicts between readable sources,
 * and those sources' messages. A patient with nothing readable answers 404, as an unknown one.
 */
export function createPatientRoutes(ports: QueryApiPorts) {
  const { catalog } = ports;

  function messageQuery(claims: Claims): Omit<MessageQuery, 'patientId' | 'cursor' | 'limit'> | undefined {
    const sources = readableSources(claims);
    if (sources !== undefined && sources.length === 0) return undefined;
    return sources === undefined ? {} : { source: sources };
  }

  /** Whether the caller may read at least one message of any patient of the family. */
  async function hasReadableMessage(claims: Claims, family: readonly string[]): Promise<boolean> {
    const q = messageQuery(claims);
    if (q === undefined) return false;
    for (const patientId of family) {
      const page = await catalog.listMessages({ ...q, patientId, limit: 1 });
      if (page.items.length > 0) return true;
    }
    return false;
  }

  async function visibleLinksAndMerges(claims: Claims, family: readonly string[]): Promise<{ links: PatientLinkRecord[]; merges: PatientMergeRecord[] }> {
    const links = new Map<string, PatientLinkRecord>();
    const merges = new Map<string, PatientMergeRecord>();
    for (const p of family) {
      for (const l of await catalog.listPatientLinks(p)) if (canRead(claims, l.source)) links.set(`${l.patientId}|${l.linkedPatientId}`, l);
      for (const m of await catalog.listPatientMerges(p)) if (canRead(claims, m.source)) merges.set(m.mergedPatientId, m);
    }
    const byAt = <T extends { at: string }>(a: T, b: T): number => a.at.localeCompare(b.at);
    return { links: [...links.values()].sort(byAt), merges: [...merges.values()].sort(byAt) };
  }

  /**
   * GET /patients/{id}?limit=&cursor=: identifiers, links, merges and a page of messages of
   * the patient and of every patient merged into it. A patient merged into another says so
   * in `mergedInto` (the survivor now answering for it).
   */
  async function getPatient(claims: Claims, patientId: string, query: QueryParams): Promise<HttpResult> {
    onlyParams(query, GET_PATIENT_PARAMS);
    const limit = limitOf(query);
    const fp = fingerprint({ patient: patientId });
    const at = decodeCursor(fp, textOf(query, 'cursor'));
    if (!isPatientId(patientId)) return notFound('patient');
    const family = await familyOf(catalog, patientId);
    const identifiers = await visibleIdentifiers(catalog, claims, family);
    if (identifiers.length === 0 && !(await hasReadableMessage(claims, family))) return notFound('patient');
    const { links, merges } = await visibleLinksAndMerges(claims, family);
    const q = messageQuery(claims);
    const page = q === undefined ? { items: [] } : await pageMessages(catalog, q, family, limit, at);
    const view: Record<string, unknown> = { patientId };
    const ownMerge = await catalog.getPatientMerge(patientId);
    if (ownMerge !== undefined && canRead(claims, ownMerge.source)) view.mergedInto = await survivorOf(catalog, patientId);
    Object.assign(view, {
      identifiers,
      links,
      merges,
      conflicts: await visibleConflicts(catalog, claims, family),
      messages: page.next === undefined ? { items: page.items.map(messageView) } : { items: page.items.map(messageView), cursor: encodeCursor(fp, page.next) },
    });
    return json(200, view);
  }

  /**
   * GET /patients?identifier=authority#type#value: the surviving patient the identifier
   * belongs to (merges followed), as a list of at most one. Empty when the identifier is
   * unknown or nothing about it is readable.
   */
  async function findPatients(claims: Claims, query: QueryParams): Promise<HttpResult> {
    onlyParams(query, FIND_PATIENT_PARAMS);
    const identifier = identifierOf(query);
    const sources = readableSources(claims);
    if (sources !== undefined && sources.length === 0) return json(200, { items: [] });
    const recordedFor = await recordedPatientOf(catalog, claims, identifier, sources);
    if (recordedFor === undefined) return json(200, { items: [] });
    const patientId = await survivorOf(catalog, recordedFor);
    const item: Record<string, unknown> = { patientId, identifier, href: `/patients/${patientId}` };
    if (recordedFor !== patientId) item.recordedFor = recordedFor;
    return json(200, { items: [item] });
  }

  return { getPatient, findPatients };
}
