import { convertMessage, type FhirResource, messageEventTime } from '@hcdl/fhir';
import { normalize, parseMessage } from '@hcdl/hl7v2';
import {
  type Catalog,
  fhirPatientId,
  type LogPort,
  type MessageRecord,
  MessageStatus,
  type ObjectStore,
  ResourceChange,
  ResourceConflictError,
  type ResourceStore,
  type ResourceVersion,
  refinedKey,
} from '@hcdl/lake';
import { CoreError, MissingLakeObjectError } from '../errors';
import { contentHashOf, mergePatient, renameReferences, withVersionMeta } from './content';
import { deletedTypesOf } from './deletions';
import { KeyedLanes } from './lanes';
import type { Relay } from './relay';
import { searchFieldsOf } from './search-fields';

export interface RefineDeps {
  objectStore: Pick<ObjectStore, 'get'>;
  catalog: Pick<Catalog, 'getMessage' | 'getPatientIdByIdentifier'>;
  resources: ResourceStore;
  relay: Relay;
  logger: LogPort;
  now: () => string;
  /** Fault injection for crash tests: awaited at named points (`refine.committed`: versions committed, nothing published yet). */
  failpoint?: (name: string) => Promise<void>;
}

/** What refining one message did. */
export interface RefineResult {
  messageId: string;
  /** Versions this run committed (they are published by the relay before refine resolves). */
  versions: ResourceVersion[];
  /** Resources whose content the message restated as stored: no version, the source recorded. */
  unchanged: number;
  /** Resources left as they are because a newer message (by EVN-2/MSH-7) already wrote them. */
  stale: number;
  /** Why nothing was done: the message is not staged (yet), or is over the refined stage's size (REFINE_MAX_ELEMENTS). */
  skipped?: 'not-staged' | 'too-many-elements';
}

/**
 * Most HL7 elements (fields, repetitions, components, subcomponents, segments: the delimiters
 * of the raw bytes) a message may hold to be converted to FHIR. Parsing and mapping hold every
 * element in memory: the 10 MB message of `^` runs of issue 12 is ten million empty
 * components, which took the refined stage past a gigabyte for nothing a reader could use. A
 * large legitimate message (a document in one ED or TX field) has few elements; a lab report
 * of thousands of results is far below this.
 */
export const REFINE_MAX_ELEMENTS = 1_000_000;

/**
 * The elements of raw ER7 bytes: its separators and segment ends (MSH-1/MSH-2 when the bytes
 * start with an MSH segment, else `|^~&`), counted in one pass that stops past `limit`.
 */
export function countElements(raw: string | Uint8Array, limit = REFINE_MAX_ELEMENTS): number {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const marks = new Uint8Array(256);
  const msh = bytes[0] === 0x4d && bytes[1] === 0x53 && bytes[2] === 0x48 && bytes.length > 7;
  // Field, component, repetition and subcomponent separators (MSH-1, MSH-2 but its escape character).
  const separators = msh ? [bytes[3], bytes[4], bytes[5], bytes[7]] : [0x7c, 0x5e, 0x7e, 0x26];
  for (const c of separators) marks[c as number] = 1;
  marks[0x0d] = 1;
  marks[0x0a] = 1;
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (marks[bytes[i] as number] === 1 && ++n > limit) return n;
  return n;
}

/** A resource's version race lost this many times in a row is an error (retried by the hub). */
const MAX_CONFLICTS = 8;

export class RefineConflictError extends CoreError {
  constructor(resource: string, options?: { cause?: unknown }) {
    super(`${resource}: lost ${MAX_CONFLICTS} version races in a row`, options);
    this.name = 'RefineConflictError';
  }
}

/**
 * The refine use-case (refined FHIR zone): for a staged message, parse its raw bytes, convert
 * them to FHIR R4 (@hcdl/fhir, the patient index's patient id as the Patient's id) and upsert
 * every resource as a new version when its content changed: committed in the resource store
 * with its search values and an outbox entry, then published by the relay (object in the
 * refined zone, `fhir-changed`). Identical content makes no version and no event. A message
 * older than the one that wrote a resource (EVN-2, else MSH-7) never overwrites it. Safe to run
 * again for the same message (a redelivery finds its content stored and makes nothing).
 */
export function createRefine(deps: RefineDeps) {
  const lanes = new KeyedLanes();
  async function bodyOf(v: ResourceVersion): Promise<FhirResource> {
    const text = v.body ?? (await deps.objectStore.get(v.key))?.body;
    if (text === undefined) throw new MissingLakeObjectError('refined object', v.messageId);
    return JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8')) as FhirResource;
  }

  /** The patient index's id for a merge's retired patient (its MRG identifiers as recorded), renamed in the conversion. */
  async function nameRetiredPatients(
    resources: FhirResource[],
    links: { replacedPatientId: string; replacedIdentifiers: string[]; survivingPatientId: string }[],
  ) {
    const retired = new Set<string>();
    for (const link of links) {
      let id = link.replacedPatientId;
      for (const identifier of link.replacedIdentifiers) {
        const recorded = await deps.catalog.getPatientIdByIdentifier(identifier);
        if (recorded === undefined) continue;
        const named = fhirPatientId(recorded);
        if (named !== link.survivingPatientId && named !== id) {
          for (const r of resources) if (r.resourceType === 'Patient' && r.id === id) r.id = named;
          renameReferences(resources, `Patient/${id}`, `Patient/${named}`);
          id = named;
        }
        break;
      }
      retired.add(id);
    }
    return retired;
  }

  return async function refine(target: { messageId: string }): Promise<RefineResult> {
    const result: RefineResult = { messageId: target.messageId, versions: [], unchanged: 0, stale: 0 };
    const record: MessageRecord | undefined = await deps.catalog.getMessage(target.messageId);
    if (record === undefined) throw new MissingLakeObjectError('catalog row', target.messageId);
    if (record.status !== MessageStatus.Staged) return { ...result, skipped: 'not-staged' };
    const raw = await deps.objectStore.get(record.rawKey);
    if (raw === undefined) throw new MissingLakeObjectError('raw object', record.messageId);
    const elements = countElements(raw.body);
    if (elements > REFINE_MAX_ELEMENTS) {
      // Staged, not refined: the message stays readable as HL7 (raw and staging); counts only in the log.
      deps.logger.warn('message not refined: too many elements', {
        messageId: record.messageId,
        elements: `>${REFINE_MAX_ELEMENTS}`,
        limit: REFINE_MAX_ELEMENTS,
      });
      return { ...result, skipped: 'too-many-elements' };
    }
    const message = parseMessage(normalize(raw.body));
    const eventTime = messageEventTime(message)?.epochMs;
    const conversion = convertMessage(message, {
      messageId: record.messageId,
      source: record.source,
      rawKey: record.rawKey,
      receivedAt: record.receivedAt,
      ...(record.patientId !== undefined ? { patientId: fhirPatientId(record.patientId) } : {}),
    });
    const retired = await nameRetiredPatients(conversion.resources, conversion.links);
    const merged = new Set<string>([...retired, ...conversion.links.map((l) => l.survivingPatientId)].map((id) => `Patient/${id}`));
    const { source, messageId } = record;
    const stubs = new Set(conversion.stubs);
    const deleted = new Set(deletedTypesOf(record.messageType));

    async function upsert(resource: FhirResource): Promise<void> {
      const ref = `${resource.resourceType}/${resource.id}`;
      for (let round = 0; round < MAX_CONFLICTS; round++) {
        // The lane is held from the read of the current version to the commit's issue, not
        // through its durability wait: the next upsert of this resource reads the new version.
        const free = await lanes.acquire(ref);
        let written: Promise<void> | undefined;
        let version: ResourceVersion | undefined;
        try {
          const current = await deps.resources.current(resource.resourceType, resource.id);
          const live = current !== undefined && current.change !== ResourceChange.Delete ? current : undefined;
          if (current?.eventTime !== undefined && eventTime !== undefined && eventTime < current.eventTime) {
            result.stale++;
            return;
          }
          if (live !== undefined && stubs.has(ref)) return;
          const deleting = deleted.has(resource.resourceType);
          // Deleting what is already deleted changes nothing. A delete that comes before the
          // resource was ever made (staging reorders messages) is still recorded, with its event
          // time, so the older message that makes it, arriving later, is stale.
          if (deleting && live === undefined && current !== undefined) return;
          let content = resource;
          if (resource.resourceType === 'Patient' && !deleting) {
            content = mergePatient(resource, live === undefined ? undefined : await bodyOf(live), retired.has(resource.id));
          }
          const contentHash = deleting ? 'deleted' : contentHashOf(content);
          if (live !== undefined && !deleting && live.contentHash === contentHash) {
            written = deps.resources.addSource(resource.resourceType, resource.id, { source, messageId });
          } else {
            const versionId = (current?.versionId ?? 0) + 1;
            const lastUpdated = deps.now();
            const change = deleting
              ? ResourceChange.Delete
              : merged.has(ref)
                ? ResourceChange.Merge
                : live === undefined
                  ? ResourceChange.Create
                  : ResourceChange.Update;
            const stored = withVersionMeta(content, versionId, lastUpdated);
            version = {
              resourceType: resource.resourceType,
              id: resource.id,
              versionId,
              change,
              lastUpdated,
              messageId,
              source,
              key: refinedKey(resource.resourceType, resource.id, versionId),
              contentHash,
            };
            if (current !== undefined) version.previousVersionId = current.versionId;
            const time = eventTime ?? current?.eventTime;
            if (time !== undefined) version.eventTime = time;
            if (!deleting) version.body = JSON.stringify(stored);
            written = deps.resources.commit({ version, search: deleting ? {} : searchFieldsOf(stored, lastUpdated) });
          }
        } finally {
          free();
        }
        try {
          await written;
        } catch (err) {
          if (err instanceof ResourceConflictError) continue;
          throw err;
        }
        if (version === undefined) result.unchanged++;
        else result.versions.push(version);
        return;
      }
      throw new RefineConflictError(ref);
    }

    // Resources are independent: committed together (a store may group them in one transaction).
    await Promise.all(conversion.resources.map(upsert));
    if (result.versions.length > 0) {
      await deps.failpoint?.('refine.committed');
      await deps.relay.drain();
    }
    deps.logger.debug('message refined', { messageId: record.messageId, versions: result.versions.length, unchanged: result.unchanged, stale: result.stale });
    return result;
  };
}

export type Refine = ReturnType<typeof createRefine>;
