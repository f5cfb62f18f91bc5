/**
 * The refined zone on AWS end to end with the Lambda bundles as deployed (issue 14): a message
 * posted to the front door and staged by the staging workflow reaches the refined bundle as the
 * SQS records the refined queue delivers (the hub's `staged` publish, admitted by
 * REFINED_SUBSCRIPTION's filter policy, SNS raw delivery), which commits versions to the resource
 * table, writes their objects under refined/ and publishes one change event per version to the
 * refined bus (a loopback PutEvents stand-in). Then the query-api bundle serves them through the
 * FHIR read routes, with the same ABAC as the other reads. s3rver and dynalite stand in for S3
 * and DynamoDB.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFINED_SUBSCRIPTION } from '@hcdl/core/subscriptions';
import { type FilterPolicy, matchesFilterPolicy } from '@hcdl/lake';
import { DynamoResourceStore } from '../../src/refined/dynamo-resource-store';
import { FHIR_EVENT_SOURCE, FhirDetailType } from '../../src/refined/fhir-change-events';
import { buildFunctionBundle, type BuiltBundle } from './support/bundles';
import { type BusEvent, type EventBridgeServer, startEventBridgeServer } from './support/eventbridge-server';
import { apiGatewayV2Event, jwtClaims, lambdaContext, pipeInputOf, type SnsPublish } from './support/events';
import { TEST_RESOURCE_TABLE } from './support/lambda-harness';
import { type HttpResponse, type Pipeline, startPipeline } from './support/pipeline';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ADT_A01 = readFileSync(path.join(root, 'test/fixtures/corpus/hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'), 'latin1');
const BUS = 'hcdl-test-refined';
const REFINED_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:hcdl-dev-refined';

type SqsHandler = (event: unknown, context: unknown) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
type Http = (event: unknown, context: unknown) => Promise<HttpResponse>;

interface Bundle {
  resourceType: string;
  type?: string;
  total?: number;
  entry?: { fullUrl?: string; resource: { resourceType: string; id: string; meta?: { versionId?: string } } }[];
}

describe('refined and query-api bundles: staged message to FHIR reads', () => {
  let p: Pipeline;
  let bus: EventBridgeServer;
  let refinedBundle: BuiltBundle;
  let refined: SqsHandler;
  let queryApi: Http;
  let delivered: SnsPublish[];
  let published: BusEvent[];
  let patientId: string;
  /** `system|value` of the Patient's MRN (PID-3 of the corpus message). */
  let mrnToken: string;

  const refinedQueueDeliveries = (publishes: readonly SnsPublish[]): SnsPublish[] =>
    publishes.filter((x) =>
      matchesFilterPolicy(
        REFINED_SUBSCRIPTION.filterPolicy as FilterPolicy,
        Object.fromEntries(Object.entries(x.MessageAttributes).map(([k, v]) => [k, v.StringValue ?? ''])),
      ),
    );
  const fhir = (rawPath: string, read: string | undefined, query?: Record<string, string>): Promise<HttpResponse> =>
    queryApi(
      apiGatewayV2Event({
        method: 'GET',
        path: rawPath,
        ...(query !== undefined ? { query } : {}),
        ...(read !== undefined ? { claims: jwtClaims({ read }) } : {}),
      }),
      lambdaContext('hcdl-dev-query-api'),
    );
  const bodyOf = <T>(r: HttpResponse): T => JSON.parse(r.isBase64Encoded === true ? Buffer.from(r.body, 'base64').toString('utf8') : r.body) as T;

  beforeAll(async () => {
    bus = await startEventBridgeServer();
    p = await startPipeline({ resources: true, env: { HCDL_REFINED_BUS_NAME: BUS, HCDL_AWS_ENDPOINT_EVENTBRIDGE: bus.endpoint } });
    refinedBundle = await buildFunctionBundle('refined');
    refined = (await refinedBundle.load<{ handler: SqsHandler }>()).handler;
    queryApi = (await p.bundles['query-api'].load<{ handler: Http }>()).handler;
  }, 240_000);
  afterAll(async () => {
    refinedBundle?.remove();
    await p?.close();
    await bus?.close();
  });

  it('the refined bundle takes the staged event from its queue: versions in the table, objects under refined/, one bus event per version', async () => {
    const posted = await p.post(Buffer.from(ADT_A01, 'latin1'));
    expect(posted.statusCode).toBe(201);
    const { messageId } = JSON.parse(posted.body) as { messageId: string };
    expect(await p.runStaging()).toEqual([{ messageId, status: 'staged', attempts: 1 }]);
    // Of everything the hub published (ingested, staged), the refined queue's subscription takes `staged` only.
    delivered = refinedQueueDeliveries(p.h.publishes());
    expect(delivered.map((d) => JSON.parse(d.Message).messageId)).toEqual([messageId]);
    expect(delivered[0]?.MessageAttributes.event?.StringValue).toBe('staged');

    const out = await refined({ Records: pipeInputOf(delivered, REFINED_QUEUE_ARN) }, lambdaContext('hcdl-dev-refined'));
    expect(out).toEqual({ batchItemFailures: [] });

    published = bus.events();
    const store = new DynamoResourceStore(p.h.clients.dynamo, TEST_RESOURCE_TABLE);
    const heads = (await store.search({ criteria: [], limit: 1000 })).items;
    expect(heads.map((v) => v.resourceType)).toEqual(expect.arrayContaining(['Patient', 'Encounter']));
    // A first message: every resource at version 1, so one event per head, each naming its version.
    expect(heads.every((v) => v.versionId === 1 && v.change === 'create' && v.messageId === messageId && v.source === 'clinic')).toBe(true);
    expect(published.map((e) => e.detail.eventId).sort()).toEqual(heads.map((v) => `${v.resourceType}/${v.id}/_history/1`).sort());
    for (const e of published) {
      expect(e).toMatchObject({ eventBusName: BUS, source: FHIR_EVENT_SOURCE, detailType: FhirDetailType.create });
      expect(e.detail).toMatchObject({ change: 'create', versionId: '1', messageId, messageIds: [messageId], source: 'clinic' });
      expect(e.detail.eventId).toBe(`${String(e.detail.resourceType)}/${String(e.detail.resourceId)}/_history/${String(e.detail.versionId)}`);
      // The object under refined/ holds the version the event announced.
      const object = await p.h.getObject(String(e.detail.resourceKey));
      expect(String(e.detail.resourceKey)).toMatch(/^refined\/fhir\/[A-Za-z]+\/[^/]+\/1\.json$/);
      expect(JSON.parse(Buffer.from(object.body).toString('utf8'))).toMatchObject({
        resourceType: e.detail.resourceType,
        id: e.detail.resourceId,
        meta: { versionId: '1' },
      });
    }
    expect(FHIR_EVENT_SOURCE).toBe('hcdl.fhir');
    // Published: the outbox is empty.
    expect(await store.pending(1000)).toEqual([]);
    patientId = (heads.find((v) => v.resourceType === 'Patient') as { id: string }).id;
  }, 120_000);

  it('an identical redelivery of the staged event makes no version and no event', async () => {
    const requests = bus.requests();
    p.h.resetCalls();
    const out = await refined({ Records: pipeInputOf(delivered, REFINED_QUEUE_ARN) }, lambdaContext('hcdl-dev-refined'));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(bus.events()).toHaveLength(published.length);
    expect(bus.requests()).toBe(requests);
    expect(p.h.calls().s3WritesByPrefix.refined ?? 0).toBe(0);
    const store = new DynamoResourceStore(p.h.clients.dynamo, TEST_RESOURCE_TABLE);
    const history = await store.history('Patient', patientId);
    expect(history.items.map((v) => v.versionId)).toEqual([1]);
  }, 120_000);

  it('the query-api bundle reads the Patient, its history, a search by its identifier and $everything; 404 to a caller without the source', async () => {
    const read = await fhir(`/fhir/Patient/${patientId}`, 'clinic');
    expect(read.statusCode).toBe(200);
    expect(read.headers?.['content-type']).toMatch(/^application\/fhir\+json/);
    expect(read.headers?.etag).toBe('W/"1"');
    const patient = bodyOf<{ resourceType: string; id: string; identifier?: { system?: string; value?: string }[]; name?: { family?: string }[] }>(read);
    expect(patient).toMatchObject({ resourceType: 'Patient', id: patientId, name: [expect.objectContaining({ family: 'DOE' })] });

    const history = await fhir(`/fhir/Patient/${patientId}/_history`, 'clinic');
    expect(history.statusCode).toBe(200);
    const h = bodyOf<Bundle>(history);
    expect(h).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(h.entry?.map((e) => e.resource.meta?.versionId)).toEqual(['1']);
    expect((await fhir(`/fhir/Patient/${patientId}/_history/1`, 'clinic')).statusCode).toBe(200);

    const mrn = patient.identifier?.find((i) => i.value === '100001');
    expect(mrn).toBeDefined();
    mrnToken = `${mrn?.system ?? ''}|100001`;
    const search = await fhir('/fhir/Patient', 'clinic', { identifier: mrnToken });
    expect(search.statusCode).toBe(200);
    const found = bodyOf<Bundle>(search);
    expect(found).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(found.entry?.map((e) => [e.resource.resourceType, e.resource.id])).toEqual([['Patient', patientId]]);
    // Links and fullUrls name the API's own host, as API Gateway forwards it.
    expect(found.entry?.[0]?.fullUrl).toBe(`https://abc123.execute-api.us-east-1.amazonaws.com/fhir/Patient/${patientId}`);
    expect(bodyOf<Bundle>(await fhir('/fhir/Patient', 'clinic', { identifier: mrnToken.replace('100001', '999999') })).entry ?? []).toEqual([]);

    const everything = bodyOf<Bundle>(await fhir(`/fhir/Patient/${patientId}/$everything`, 'clinic'));
    expect(everything.entry?.map((e) => e.resource.resourceType)).toEqual(expect.arrayContaining(['Patient', 'Encounter']));

    // ABAC: a caller who may not read the source sees nothing, exactly as for an unknown id.
    const denied = await fhir(`/fhir/Patient/${patientId}`, 'north');
    expect(denied.statusCode).toBe(404);
    expect(bodyOf<{ resourceType: string }>(denied).resourceType).toBe('OperationOutcome');
    expect((await fhir(`/fhir/Patient/${patientId}/_history`, 'north')).statusCode).toBe(404);
    expect((await fhir(`/fhir/Patient/${patientId}/$everything`, 'north')).statusCode).toBe(404);
    expect(bodyOf<Bundle>(await fhir('/fhir/Patient', 'north', { identifier: mrnToken })).entry ?? []).toEqual([]);
    expect((await fhir(`/fhir/Patient/${patientId}`, undefined)).statusCode).toBe(401);
  }, 120_000);

  it('serves the CapabilityStatement without a token; the change feed is the bus on AWS (404 naming it)', async () => {
    const metadata = await fhir('/fhir/metadata', undefined);
    expect(metadata.statusCode).toBe(200);
    expect(bodyOf<{ resourceType: string }>(metadata).resourceType).toBe('CapabilityStatement');
    const changes = await fhir('/fhir/_changes', 'clinic');
    expect(changes.statusCode).toBe(404);
    expect(changes.body).toContain('EventBridge');
  }, 60_000);

  it('what each FHIR read costs (docs/aws-calls.md): DynamoDB reads of the resource table, no S3 GET, one PUT (its audit record)', async () => {
    const cost = async (rawPath: string, read: string | undefined, query?: Record<string, string>) => {
      p.h.resetCalls();
      const r = await fhir(rawPath, read, query);
      const calls = p.h.calls();
      const entries = r.statusCode === 200 ? bodyOf<Bundle>(r).entry?.length : undefined;
      return { status: r.statusCode, dynamodb: calls.dynamodb, s3: calls.s3, ...(entries !== undefined ? { entries } : {}) };
    };
    const audited = { PutObjectCommand: 1 };
    // read: the head (GetItem), then its sources for the caller's ABAC (Query); the body is in the head item
    expect(await cost(`/fhir/Patient/${patientId}`, 'clinic')).toEqual({ status: 200, dynamodb: { GetCommand: 1, QueryCommand: 1 }, s3: audited });
    // a caller who may read every source: no sources query
    expect(await cost(`/fhir/Patient/${patientId}`, '*')).toEqual({ status: 200, dynamodb: { GetCommand: 1 }, s3: audited });
    // vread: + the version item; history: + one Query of the version items (a page)
    expect(await cost(`/fhir/Patient/${patientId}/_history/1`, 'clinic')).toEqual({ status: 200, dynamodb: { GetCommand: 2, QueryCommand: 1 }, s3: audited });
    expect(await cost(`/fhir/Patient/${patientId}/_history`, 'clinic')).toEqual({
      status: 200,
      dynamodb: { GetCommand: 1, QueryCommand: 2 },
      s3: audited,
      entries: 1,
    });
    // search: the type's heads through by-current (one page here), then the sources of each match
    expect(await cost('/fhir/Patient', 'clinic', { identifier: mrnToken })).toEqual({ status: 200, dynamodb: { QueryCommand: 2 }, s3: audited, entries: 1 });
    // the CapabilityStatement reads nothing and is not audited
    expect(await cost('/fhir/metadata', undefined)).toEqual({ status: 200, dynamodb: {}, s3: {} });
  }, 60_000);

  it('logs nothing of the message or the patient', () => {
    const text = p.h.logs.text();
    for (const secret of ['DOE', 'JOHN', '100001', '900001', '111 THAT PL', 'PID|']) expect(text).not.toContain(secret);
  });
});
