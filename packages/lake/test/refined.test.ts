import { describe, expect, it } from '@jest/globals';
import { fhirChangedEvent, fhirPatientId, indexPatientId, parseEventId, parseHubEvent, rangeMatches, refinedKey, ValidationError } from '../src/index';
import { versionFixture } from '../src/testing/resource-store-contract';

describe('refined zone keys', () => {
  it('puts each version under refined/fhir/<Type>/<id>/<version>.json', () => {
    expect(refinedKey('Patient', 'pat-01J0000000000000000000000A', 2)).toBe('refined/fhir/Patient/pat-01J0000000000000000000000A/2.json');
  });

  it('refuses names that are not FHIR types or ids, and versions below 1', () => {
    for (const [type, id, v] of [
      ['patient', 'a', 1],
      ['Patient', '../x', 1],
      ['Patient', 'a/b', 1],
      ['Patient', 'a', 0],
      ['Patient', 'x'.repeat(65), 1],
    ] as const)
      expect(() => refinedKey(type, id, v)).toThrow(ValidationError);
  });

  it('names patient index patients as FHIR ids and back', () => {
    expect(fhirPatientId('pat_01J0000000000000000000000A')).toBe('pat-01J0000000000000000000000A');
    expect(indexPatientId('pat-01J0000000000000000000000A')).toBe('pat_01J0000000000000000000000A');
    expect(indexPatientId('3f2a-11')).toBeUndefined();
  });
});

describe('fhir-changed', () => {
  it('points at the version (claim check) and reads back through parseHubEvent', () => {
    const v = versionFixture('Patient', 'p1', 2, { source: 'clinic-a', messageId: '01JAB3CDEFGHJKMNPQRSTVWXYZ' });
    const event = fhirChangedEvent(v, 'ADT^A08');
    expect(event.body).toEqual({
      eventId: 'Patient/p1/_history/2',
      resourceType: 'Patient',
      resourceId: 'p1',
      versionId: '2',
      previousVersionId: '1',
      change: 'update',
      resourceKey: 'refined/fhir/Patient/p1/2.json',
      messageId: '01JAB3CDEFGHJKMNPQRSTVWXYZ',
      source: 'clinic-a',
      at: v.lastUpdated,
    });
    expect(JSON.stringify(event)).not.toContain('"note"');
    const wire = JSON.parse(JSON.stringify(event)) as { attributes: Record<string, string>; body: unknown };
    expect(parseHubEvent(wire.attributes, wire.body)).toEqual(event);
    expect(parseEventId(event.body.eventId)).toEqual({ resourceType: 'Patient', id: 'p1', versionId: 2 });
    expect(parseEventId('Patient/p1/2')).toBeUndefined();
  });
});

describe('date ranges (FHIR prefixes, both sides intervals)', () => {
  const may = { low: Date.parse('2024-05-01T00:00:00Z'), high: Date.parse('2024-06-01T00:00:00Z') };
  const day = (d: string) => ({ low: Date.parse(`${d}T00:00:00Z`), high: Date.parse(`${d}T00:00:00Z`) + 86_400_000 });
  it('eq: within the value; ge/gt: some of it at/after; le/lt: some of it at/before', () => {
    const target = day('2024-05-10');
    expect(rangeMatches('eq', target, may.low, may.high)).toBe(true);
    expect(rangeMatches('eq', may, target.low, target.high)).toBe(false);
    expect(rangeMatches('ge', target, may.low, may.high)).toBe(true);
    expect(rangeMatches('gt', target, may.low, may.high)).toBe(false);
    expect(rangeMatches('lt', target, may.low, may.high)).toBe(false);
    expect(rangeMatches('le', target, may.low, may.high)).toBe(true);
    expect(rangeMatches('lt', day('2024-04-30'), may.low, may.high)).toBe(true);
    expect(rangeMatches('gt', day('2024-06-01'), may.low, may.high)).toBe(true);
  });
});
