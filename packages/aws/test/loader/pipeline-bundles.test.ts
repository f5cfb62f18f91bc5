/**
 * The cloud ingest path with the Lambda bundles as deployed (docs/adr/0006): front door
 * (API Gateway) -> SNS -> staging queue -> EventBridge pipe -> Step Functions Express
 * (stage task -> outcome task), then the read API. s3rver and dynalite stand in for S3 and
 * DynamoDB; the SNS publishes are routed to the queue by the filter policy declared in
 * @hcdl/core (as the subscription does), the pipe's input is the SQS batch as Pipes passes it,
 * and the state machine's two tasks are chained as Step Functions chains them (OutputPath
 * $.Payload: each task's result is the next one's input, through JSON).
 *
 * Every S3, DynamoDB and SNS request is counted: what one message costs on AWS is asserted
 * here and written in docs/aws-calls.md.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGING_SUBSCRIPTION } from '@hcdl/core/subscriptions';
import { matchesFilterPolicy, type FilterPolicy } from '@hcdl/lake';
import { buildFunctionBundle, type BuiltBundle } from './support/bundles';
import { apiGatewayV2Event, jwtClaims, lambdaContext, pipeInputOf, type SnsPublish } from './support/events';
import { startLambdaHarness, type LambdaHarness, type ServiceCalls } from './support/lambda-harness';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPUS = path.join(root, 'test', 'fixtures', 'corpus');
const ADT_A01 = readFileSync(path.join(CORPUS, 'hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'));

interface HttpResponse {
  statusCode: number;
  body: string;
  isBase64Encoded?: boolean;
}
type Http = (event: unknown, context: unknown) => Promise<HttpResponse>;
type Task = (input: unknown, context: unknown) => Promise<unknown>;

/** The per-message budget of the issue (issue 11): Lambda invocations, S3 PUT-class and GET-class requests. */
export const BUDGET = { invocations: 3, puts: 4, gets: 3 } as const;

/** S3 requests billed as PUT (PUT, COPY, POST, LIST) and as GET (GET, HEAD and the rest but DELETE, which is free). */
function s3Classes(calls: ServiceCalls['s3']): { puts: number; gets: number; deletes: number } {
  const n = (name: string): number => calls[name] ?? 0;
  return {
    puts: n('PutObjectCommand') + n('CopyObjectCommand') + n('ListObjectsV2Command'),
    gets: n('GetObjectCommand') + n('HeadObjectCommand') + n('GetObjectTaggingCommand'),
    deletes: n('DeleteObjectCommand'),
  };
}

describe('cloud pipeline with the Lambda bundles', () => {
  let h: LambdaHarness;
  const bundles: BuiltBundle[] = [];
  let frontDoor: Http;
  let queryApi: Http;
  let stage: Task;
  let outcome: Task;
  let invocations = 0;
  const counted = <T extends (...a: never[]) => Promise<unknown>>(fn: T): T =>
    ((...a: Parameters<T>) => {
      invocations++;
      return fn(...a);
    }) as T;

  beforeAll(async () => {
    // The catalog mirror for Athena is on, as infra sets it on the front door and core-writer.
    h = await startLambdaHarness({ idempotency: true, env: { HCDL_CATALOG_MIRROR: 'true' } });
    const [fd, cw, st, qa] = await Promise.all(['front-door', 'core-writer', 'staging-er7', 'query-api'].map((name) => buildFunctionBundle(name)));
    bundles.push(fd!, cw!, st!, qa!);
    frontDoor = counted((await fd!.load<{ handler: Http }>()).handler);
    outcome = counted((await cw!.load<{ handler: Task }>()).handler);
    stage = counted((await st!.load<{ stage: Task }>()).stage);
    queryApi = (await qa!.load<{ handler: Http }>()).handler;
  }, 120_000);
  afterAll(async () => {
    for (const b of bundles) b.remove();
    await h?.close();
  });

  /** The publishes that a subscription with `policy` receives. */
  function deliveries(policy: FilterPolicy, publishes: SnsPublish[]): SnsPublish[] {
    return publishes.filter((p) =>
      matchesFilterPolicy(policy, Object.fromEntries(Object.entries(p.MessageAttributes).map(([k, v]) => [k, v.StringValue ?? '']))),
    );
  }

  const post = (body: Uint8Array, source = 'clinic', sub = 'w'): Promise<HttpResponse> =>
    frontDoor(
      apiGatewayV2Event({
        method: 'POST',
        path: '/hl7v2/er7',
        headers: { 'content-type': 'application/hl7-v2' },
        query: { source },
        body,
        claims: jwtClaims({ sub, write: source }),
      }),
      lambdaContext('front-door'),
    );

  /** What the staging queue holds after the front door, run through the pipe and both tasks; returns the outcome task's results. */
  async function runStaging(): Promise<unknown[]> {
    const queued = deliveries(STAGING_SUBSCRIPTION.filterPolicy, h.publishes());
    const results: unknown[] = [];
    for (const record of pipeInputOf(queued)) {
      // Pipes: batch size 1; Step Functions hands each task's Payload on as JSON.
      const staged = JSON.parse(JSON.stringify(await stage([record], lambdaContext('staging-stage'))));
      results.push(await outcome(staged, lambdaContext('core-writer')));
    }
    return results;
  }

  it('a message posted to the front door ends staged, tagged, indexed and readable', async () => {
    h.resetCalls();
    const posted = await post(ADT_A01);
    expect(posted.statusCode).toBe(201);
    const { messageId } = JSON.parse(posted.body) as { messageId: string };
    expect(await h.catalog.getMessage(messageId)).toMatchObject({ status: 'ingested', controlId: 'MSGID10001' });
    expect(deliveries(STAGING_SUBSCRIPTION.filterPolicy, h.publishes())).toHaveLength(1);
    const results = await runStaging();
    expect(results).toEqual([{ messageId, status: 'staged', attempts: 1 }]);

    const row = await h.catalog.getMessage(messageId);
    expect(row).toMatchObject({ status: 'staged', structure: 'ADT_A01', patientId: expect.any(String) });
    expect(await h.getTags(row!.stagingKey!)).toEqual({ data_src: row!.rawKey });
    expect(await h.catalog.listIdentifiersOfPatient(row!.patientId!)).not.toHaveLength(0);
    // `staged` is published by the outcome task, after the zone and the catalog were written; staging's queue does not take it.
    const staged = h.published().filter((e) => e.attributes.event === 'staged');
    expect(staged.map((e) => e.body)).toEqual([expect.objectContaining({ messageId, stagingKey: row!.stagingKey })]);
    expect(deliveries(STAGING_SUBSCRIPTION.filterPolicy, h.publishes().slice(1))).toHaveLength(0);

    const read = await queryApi(
      apiGatewayV2Event({ method: 'GET', path: `/hl7v2/messages/${messageId}/staging`, claims: jwtClaims({ read: 'clinic' }) }),
      lambdaContext('query-api'),
    );
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.isBase64Encoded ? Buffer.from(read.body, 'base64').toString('utf8') : read.body)).toMatchObject({
      msh: { message_control_id: 'MSGID10001' },
    });
  });

  it(`costs at most ${BUDGET.invocations} Lambda invocations, ${BUDGET.puts} S3 PUTs and ${BUDGET.gets} S3 GETs per message (docs/aws-calls.md)`, async () => {
    // Distinct messages of new patients (the patient index records their identifiers, and their mirror): the costliest staged path.
    const messages = [1, 2, 3].map((i) =>
      Buffer.from(
        ADT_A01.toString('latin1')
          .replace('MSGID10001', `COST-${i}`)
          .replace(/100001/g, `70000${i}`)
          .replace(/900001/g, `80000${i}`),
        'latin1',
      ),
    );
    h.resetCalls();
    invocations = 0;
    for (const m of messages) expect((await post(m, 'cost')).statusCode).toBe(201);
    expect((await runStaging()).map((r) => (r as { status: string }).status)).toEqual(['staged', 'staged', 'staged']);
    const calls = h.calls();
    const s3 = s3Classes(calls.s3);
    const perMessage = { invocations: invocations / 3, puts: s3.puts / 3, gets: s3.gets / 3 };
    expect(perMessage.invocations).toBeLessThanOrEqual(BUDGET.invocations);
    expect(perMessage.puts).toBeLessThanOrEqual(BUDGET.puts);
    expect(perMessage.gets).toBeLessThanOrEqual(BUDGET.gets);
    // The figures of docs/aws-calls.md, exactly: a change that adds a request fails here.
    expect({ ...perMessage, deletes: s3.deletes / 3 }).toEqual({ invocations: 3, puts: 4, gets: 1, deletes: 0 });
    expect(calls.s3.GetObjectTaggingCommand ?? 0).toBe(0);
    expect((calls.sns.PublishCommand ?? 0) / 3).toBe(2);
  });

  it('a duplicate costs one invocation and no S3 request; a message staging refuses costs its error zone writes', async () => {
    h.resetCalls();
    invocations = 0;
    const again = await post(ADT_A01);
    expect(again.statusCode).toBe(409);
    expect({ invocations, ...s3Classes(h.calls().s3) }).toEqual({ invocations: 1, puts: 0, gets: 0, deletes: 0 });
    expect(h.publishes()).toHaveLength(0);

    h.resetCalls();
    invocations = 0;
    const refused = Buffer.from(`${ADT_A01.toString('latin1').replace('MSGID10001', 'COST-ERR')}\nfree text, not a segment\nmore free text\n`, 'latin1');
    expect((await post(refused, 'cost')).statusCode).toBe(201);
    expect((await runStaging()).map((r) => (r as { status: string }).status)).toEqual(['error']);
    // raw PUT; then the outcome: COPY raw -> error/, PUT the report, PUT the errors and message mirrors.
    expect({ invocations, ...s3Classes(h.calls().s3) }).toEqual({ invocations: 3, puts: 5, gets: 1, deletes: 0 });
    expect(h.calls().s3.CopyObjectCommand).toBe(1);
    expect(h.published().map((e) => e.attributes.event)).toEqual(['ingested', 'failed']);
  });
});
