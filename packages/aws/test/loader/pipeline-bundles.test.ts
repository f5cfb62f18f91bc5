/**
 * The cloud ingest path with the four Lambda bundles as deployed: front door -> (synchronous
 * invoke) core-writer's ingest -> SNS ->
 * staging trigger -> Step Functions (normalize -> parse) -> SNS -> core-writer, then the
 * read API. s3rver and dynalite stand in for S3 and DynamoDB; SNS deliveries are routed
 * with the filter policies declared beside each function (as the SNS subscriptions are),
 * and the state machine's two Lambda tasks are chained as Step Functions chains them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchesFilterPolicy, type FilterPolicy } from '@hcdl/lake';
import { CORE_WRITER_SUBSCRIPTION } from '../../../../functions/core-writer/src/subscription';
import { STAGING_SUBSCRIPTION } from '../../../../functions/staging-er7/src/subscription';
import { buildFunctionBundle, type BuiltBundle } from './support/bundles';
import { apiGatewayV2Event, jwtClaims, lambdaContext, snsEvent, type SnsPublish } from './support/events';
import { startLambdaHarness, TEST_CORE_INGEST_FUNCTION, type LambdaHarness } from './support/lambda-harness';
import { forwardLambdaInvokes, type InvokedHandler, type LambdaInvokes } from './support/lambda-invoke';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPUS = path.join(root, 'test', 'fixtures', 'corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

interface HttpResponse {
  statusCode: number;
  body: string;
  isBase64Encoded?: boolean;
}
type Http = (event: unknown, context: unknown) => Promise<HttpResponse>;
type Sns = (event: unknown, context: unknown) => Promise<void>;
type Task = (state: unknown, context: unknown) => Promise<unknown>;

describe('cloud pipeline with the Lambda bundles', () => {
  let h: LambdaHarness;
  const bundles: BuiltBundle[] = [];
  let frontDoor: Http;
  let queryApi: Http;
  let coreWriter: Sns;
  let staging: { handler: Sns; normalize: Task; parse: Task };
  let invokes: LambdaInvokes;

  beforeAll(async () => {
    h = await startLambdaHarness({ idempotency: true });
    const [fd, cw, st, qa] = await Promise.all(['front-door', 'core-writer', 'staging-er7', 'query-api'].map((name) => buildFunctionBundle(name)));
    bundles.push(fd!, cw!, st!, qa!);
    frontDoor = (await fd!.load<{ handler: Http }>()).handler;
    const writer = await cw!.load<{ handler: Sns; ingest: InvokedHandler }>();
    coreWriter = writer.handler;
    invokes = forwardLambdaInvokes({ [TEST_CORE_INGEST_FUNCTION]: writer.ingest });
    staging = await st!.load<{ handler: Sns; normalize: Task; parse: Task }>();
    queryApi = (await qa!.load<{ handler: Http }>()).handler;
  }, 120_000);
  afterAll(async () => {
    invokes?.restore();
    for (const b of bundles) b.remove();
    await h?.close();
  });

  /** The publishes since the last call that a subscription with `policy` receives. */
  function deliveries(policy: FilterPolicy, publishes: SnsPublish[]): SnsPublish[] {
    return publishes.filter((p) =>
      matchesFilterPolicy(policy, Object.fromEntries(Object.entries(p.MessageAttributes).map(([k, v]) => [k, v.StringValue ?? '']))),
    );
  }

  it('a message posted to the front door ends staged, tagged, indexed and readable', async () => {
    const posted = await frontDoor(
      apiGatewayV2Event({
        method: 'POST',
        path: '/hl7v2/er7',
        headers: { 'content-type': 'application/hl7-v2' },
        query: { source: 'clinic' },
        body: ADT_A01,
        claims: jwtClaims({ sub: 'w', write: 'clinic' }),
      }),
      lambdaContext('front-door'),
    );
    expect(posted.statusCode).toBe(201);
    const { messageId } = JSON.parse(posted.body) as { messageId: string };

    // SNS -> staging trigger (its filter policy takes `ingested`; core-writer's does not).
    const ingested = h.publishes();
    expect(deliveries(CORE_WRITER_SUBSCRIPTION.filterPolicy, ingested)).toHaveLength(0);
    const toStaging = deliveries(STAGING_SUBSCRIPTION.filterPolicy, ingested);
    expect(toStaging).toHaveLength(1);
    h.resetCalls();
    await staging.handler(snsEvent(toStaging), lambdaContext('staging-trigger'));

    // Step Functions Express: normalize then parse, each task's output the next one's input.
    const [execution] = h.executions();
    expect(execution!.name).toBe(`${messageId}-1`);
    const parsed = await staging.parse(await staging.normalize(execution!.input, lambdaContext('normalize')), lambdaContext('parse'));
    expect(parsed).toMatchObject({ messageId, outcome: 'staged' });

    // SNS -> core-writer (`staged`; staging's own policy does not take it back).
    const outcomes = h.publishes();
    expect(deliveries(STAGING_SUBSCRIPTION.filterPolicy, outcomes)).toHaveLength(0);
    const toCore = deliveries(CORE_WRITER_SUBSCRIPTION.filterPolicy, outcomes);
    expect(toCore).toHaveLength(1);
    h.resetCalls();
    await coreWriter(snsEvent(toCore), lambdaContext('core-writer'));

    const row = await h.catalog.getMessage(messageId);
    expect(row).toMatchObject({ status: 'staged', structure: 'ADT_A01', patientId: expect.any(String) });
    expect(await h.getTags(row!.stagingKey!)).toEqual({ data_src: row!.rawKey });
    expect(await h.catalog.listIdentifiersOfPatient(row!.patientId!)).not.toHaveLength(0);

    // The read API serves the staging JSON to a reader of the source.
    const read = await queryApi(
      apiGatewayV2Event({ method: 'GET', path: `/hl7v2/messages/${messageId}/staging`, claims: jwtClaims({ read: 'clinic' }) }),
      lambdaContext('query-api'),
    );
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.isBase64Encoded ? Buffer.from(read.body, 'base64').toString('utf8') : read.body)).toMatchObject({
      msh: { message_control_id: 'MSGID10001' },
    });
  });
});
