/** The PutEvents requests of the refined zone's change events, asserted exactly against a mocked EventBridge client. */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { ResourceChange } from '@hcdl/lake';
import { versionFixture } from '@hcdl/lake/testing';
import { FHIR_EVENT_SOURCE, FhirChangePublisher, fhirChangeEntry } from '../src/refined/fhir-change-events';

const eventBridge = mockClient(EventBridgeClient);
const client = (): EventBridgeClient => new EventBridgeClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const BUS = 'hcdl-dev-refined';

beforeEach(() => {
  eventBridge.reset();
});

describe('FhirChangePublisher', () => {
  it('sends one entry per version on the bus: source hcdl.fhir, detail-type by change, the version, its messages and the resource', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }, { EventId: 'e2' }] });
    const v1 = versionFixture('Patient', 'pat-1', 1, { source: 'north', messageId: 'M1' });
    const v2 = versionFixture('Patient', 'pat-1', 2, { source: 'north', messageId: 'M2' });
    await new FhirChangePublisher(client(), { eventBusName: BUS }).publish([v1, v2]);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entries = calls[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => ({ ...e, Detail: JSON.parse(e.Detail ?? 'null') }))).toEqual([
      {
        EventBusName: BUS,
        Source: 'hcdl.fhir',
        DetailType: 'FHIR Resource Created',
        Time: new Date(v1.lastUpdated),
        Detail: {
          eventId: 'Patient/pat-1/_history/1',
          resourceType: 'Patient',
          resourceId: 'pat-1',
          versionId: '1',
          change: 'create',
          resourceKey: 'refined/fhir/Patient/pat-1/1.json',
          messageId: 'M1',
          messageIds: ['M1'],
          source: 'north',
          at: v1.lastUpdated,
          resource: JSON.parse(v1.body as string),
        },
      },
      {
        EventBusName: BUS,
        Source: 'hcdl.fhir',
        DetailType: 'FHIR Resource Updated',
        Time: new Date(v2.lastUpdated),
        Detail: {
          eventId: 'Patient/pat-1/_history/2',
          resourceType: 'Patient',
          resourceId: 'pat-1',
          versionId: '2',
          previousVersionId: '1',
          change: 'update',
          resourceKey: 'refined/fhir/Patient/pat-1/2.json',
          messageId: 'M2',
          messageIds: ['M2'],
          source: 'north',
          at: v2.lastUpdated,
          resource: JSON.parse(v2.body as string),
        },
      },
    ]);
  });

  it('names deletes and merges by their detail-type; a delete and a resource above the threshold carry only resourceKey', () => {
    const gone = fhirChangeEntry(versionFixture('Encounter', 'e-1', 2, { change: ResourceChange.Delete }), { eventBusName: BUS });
    expect(gone.DetailType).toBe('FHIR Resource Deleted');
    expect(JSON.parse(gone.Detail ?? '{}')).not.toHaveProperty('resource');
    const merged = versionFixture('Patient', 'pat-2', 3, { change: ResourceChange.Merge, content: 'x'.repeat(200) });
    const big = fhirChangeEntry(merged, { eventBusName: BUS, inlineResourceBytes: 100 });
    expect(big.DetailType).toBe('FHIR Resource Merged');
    expect(big.Source).toBe(FHIR_EVENT_SOURCE);
    expect(JSON.parse(big.Detail ?? '{}')).toMatchObject({ resourceKey: 'refined/fhir/Patient/pat-2/3.json', change: 'merge' });
    expect(JSON.parse(big.Detail ?? '{}')).not.toHaveProperty('resource');
    expect(JSON.parse(fhirChangeEntry(merged, { eventBusName: BUS }).Detail ?? '{}').resource).toEqual(JSON.parse(merged.body as string));
  });

  it('sends at most 10 entries per call, in commit order', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const versions = Array.from({ length: 23 }, (_, i) => versionFixture('Observation', `o-${String(i)}`, 1));
    await new FhirChangePublisher(client(), { eventBusName: BUS }).publish(versions);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const ids = calls.flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.Detail ?? '{}').resourceId as string));
    expect(ids).toEqual(versions.map((v) => v.id));
  });

  it('rejects when EventBridge refuses an entry (the relay then leaves the versions pending), without naming resources', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'e1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] });
    const publishing = new FhirChangePublisher(client(), { eventBusName: BUS }).publish([
      versionFixture('Patient', 'pat-9', 1),
      versionFixture('Patient', 'pat-8', 1),
    ]);
    await expect(publishing).rejects.toMatchObject({ name: 'AwsAdapterError', message: 'EventBridge refused 1 of 2 change events (ThrottlingException)' });
    await expect(publishing).rejects.not.toMatchObject({ message: expect.stringContaining('pat-') });
  });
});
