/**
 * The refined zone (FHIR R4 resources, one object per version) and the `fhir-changed` event
 * that announces each version, see ARCHITECTURE.md:
 *   refined/fhir/<ResourceType>/<id>/<versionId>.json
 */
import { ValidationError } from './errors';
import { type FhirChangedEvent, HubEventName } from './events';
import type { ResourceVersion } from './ports/resource-store';

export const REFINED_FHIR_PREFIX = 'refined/fhir/';

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const RESOURCE_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** FHIR resource type names: letters, starting upper-case (`Patient`, `DiagnosticReport`). */
export const isResourceType = (type: string): boolean => RESOURCE_TYPE.test(type);
/** FHIR ids: `[A-Za-z0-9\-.]{1,64}`. */
export const isResourceId = (id: string): boolean => RESOURCE_ID.test(id);

/** The refined zone key of one version; type, id and version are checked (they become a path). */
export function refinedKey(resourceType: string, id: string, versionId: number): string {
  if (!isResourceType(resourceType)) throw new ValidationError('not a FHIR resource type');
  if (!isResourceId(id)) throw new ValidationError('not a FHIR resource id');
  if (!Number.isSafeInteger(versionId) || versionId < 1) throw new ValidationError('resource versions are whole numbers from 1');
  return `${REFINED_FHIR_PREFIX}${resourceType}/${id}/${versionId}.json`;
}

/** `<Type>/<id>/_history/<version>`: the id of the one change event of a version. */
export const resourceEventId = (resourceType: string, id: string, versionId: number): string => `${resourceType}/${id}/_history/${versionId}`;

export { fhirPatientId, indexPatientId } from './fhir-patient-id';

/**
 * `fhir-changed` for a committed version: a pointer to the version's object in the refined
 * zone (claim check), never the resource itself. `messageType` is MSH-9 of the message that
 * made the version, when known.
 */
export function fhirChangedEvent(version: ResourceVersion, messageType = 'UNKNOWN'): FhirChangedEvent {
  const body: FhirChangedEvent['body'] = {
    eventId: resourceEventId(version.resourceType, version.id, version.versionId),
    resourceType: version.resourceType,
    resourceId: version.id,
    versionId: String(version.versionId),
    change: version.change,
    resourceKey: version.key,
    messageId: version.messageId,
    source: version.source,
    at: version.lastUpdated,
  };
  if (version.previousVersionId !== undefined) body.previousVersionId = String(version.previousVersionId);
  return { attributes: { event: HubEventName.FhirChanged, protocol: 'fhir', format: 'r4', source: version.source, messageType }, body };
}
