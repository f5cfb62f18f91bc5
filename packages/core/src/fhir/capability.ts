import { FHIR_RESOURCE_TYPES } from '@hcdl/lake';
import { CODE_ELEMENTS, DATE_ELEMENTS } from '../refine/search-fields';

/** The resource types the mapping makes (@hcdl/fhir), which the read API serves. */
export const SERVED_TYPES = FHIR_RESOURCE_TYPES;

const param = (name: string, type: string, documentation: string) => ({ name, type, documentation });

/** The CapabilityStatement of `GET /fhir/metadata`: read-only FHIR R4 server over the refined zone. */
export function capabilityStatement(baseUrl: string, date: string): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'HCDL',
    kind: 'instance',
    implementation: { description: 'HCDL refined zone: FHIR R4 resources converted from HL7 v2 messages (read-only)', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'Reads are allowed when the caller may read (custom:read) a source of at least one message that made the resource; otherwise 404. Searches and $everything answer searchset Bundles paged with `cursor`.',
        security: { description: 'Bearer JWT (OIDC); ABAC on the custom:read claim' },
        resource: SERVED_TYPES.map((type) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'vread' }, { code: 'history-instance' }, { code: 'search-type' }],
          versioning: 'versioned',
          readHistory: true,
          updateCreate: false,
          searchParam: [
            param('_id', 'token', 'Resource id'),
            param('_lastUpdated', 'date', 'When the current version was made'),
            param('identifier', 'token', 'Any identifier (system|value, |value or value)'),
            param('patient', 'reference', 'The patient the resource is about (Patient/<id>)'),
            ...(CODE_ELEMENTS[type] !== undefined ? [param('code', 'token', `${(CODE_ELEMENTS[type] ?? []).join(', ')} (system|code or code)`)] : []),
            ...(DATE_ELEMENTS[type] !== undefined ? [param('date', 'date', (DATE_ELEMENTS[type] ?? []).join(', '))] : []),
          ],
          ...(type === 'Patient' ? { operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] } : {}),
        })),
      },
    ],
  };
}
