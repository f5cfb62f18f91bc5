/**
 * The cloud data path with the Lambda bundles as deployed, for the end-to-end and cost tests:
 * front door and query-api (API Gateway events), the landing function (S3 Object Created
 * events as EventBridge puts them on the landing queue), the staging workflow (the SNS
 * publishes the staging subscription's filter policy admits, as the pipe hands them on:
 * Stage then Outcome, JSON between them), and the sweep (its schedule's input). Every
 * invocation is counted, beside the harness's S3, DynamoDB and SNS requests.
 */
import { STAGING_SUBSCRIPTION } from '@hcdl/core/subscriptions';
import { type FilterPolicy, matchesFilterPolicy } from '@hcdl/lake';
import { buildFunctionBundle, type BuiltBundle } from './bundles';
import { apiGatewayV2Event, jwtClaims, lambdaContext, pipeInputOf, s3ObjectCreatedEvent, schedulerInput, type SnsPublish, sqsEventOf } from './events';
import { type LambdaHarness, startLambdaHarness, TEST_BUCKET } from './lambda-harness';

export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}
type Http = (event: unknown, context: unknown) => Promise<HttpResponse>;
type Task = (input: unknown, context: unknown) => Promise<unknown>;

export const FUNCTIONS = ['front-door', 'core-writer', 'staging-er7', 'query-api', 'landing', 'sweeper'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export interface Pipeline {
  h: LambdaHarness;
  bundles: Record<FunctionName, BuiltBundle>;
  /** Invocations per function since the last reset. */
  invocations(): Record<FunctionName, number>;
  totalInvocations(): number;
  reset(): void;
  post(body: Uint8Array, options?: { source?: string; sub?: string; headers?: Record<string, string> }): Promise<HttpResponse>;
  frontDoor(path: string, options?: { source?: string; sub?: string; method?: 'GET' | 'POST' }): Promise<HttpResponse>;
  read(path: string, source: string, query?: Record<string, string>): Promise<HttpResponse>;
  /** POST /hl7v2/uploads, then the form upload of `file` to the bucket (the client's request: not an SDK call, not counted). */
  upload(file: Uint8Array, source?: string): Promise<{ uploadId: string; key: string }>;
  /** A file put under landing/source=<src>/ by a file-drop principal (the sender's request; counted as the harness's own PUT: reset after it). */
  drop(file: Uint8Array, source: string, name: string): Promise<string>;
  /** The landing function's run on the S3 events of `keys` (one SQS batch). */
  land(keys: readonly string[]): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  /** Runs the staging workflow on what the staging queue received since the last call; the outcome task's results. */
  runStaging(): Promise<{ messageId: string; status: string }[]>;
  /** Publishes the staging subscription admits among `publishes`. */
  stagingDeliveries(publishes: readonly SnsPublish[]): SnsPublish[];
  sweep(): Promise<unknown>;
  close(): Promise<void>;
}

export async function startPipeline(options: { env?: Record<string, string>; resources?: boolean } = {}): Promise<Pipeline> {
  // The settings infra puts on the functions (infra/src/stacks/*.ts); the catalog mirror is on
  // for the catalog's writers (front door, landing, core-writer).
  const h = await startLambdaHarness({
    idempotency: true,
    ...(options.resources === true ? { resources: true } : {}),
    env: {
      HCDL_CATALOG_MIRROR: 'true',
      HCDL_MAX_BATCH_MESSAGES: '1000',
      HCDL_SUBMIT_CONCURRENCY: '8',
      HCDL_FILE_DROP_SOURCES: 'drop',
      HCDL_LARGE_OBJECT_BYTES: String(4 * 1024 * 1024),
      ...options.env,
    },
  });
  const built = await Promise.all(FUNCTIONS.map((name) => buildFunctionBundle(name)));
  const bundles = Object.fromEntries(FUNCTIONS.map((n, i) => [n, built[i] as BuiltBundle])) as Record<FunctionName, BuiltBundle>;
  const counts = Object.fromEntries(FUNCTIONS.map((n) => [n, 0])) as Record<FunctionName, number>;
  const counted = <T extends (...a: never[]) => Promise<unknown>>(name: FunctionName, fn: T): T =>
    ((...a: Parameters<T>) => {
      counts[name]++;
      return fn(...a);
    }) as T;
  const fd = counted('front-door', (await bundles['front-door'].load<{ handler: Http }>()).handler);
  const qa = counted('query-api', (await bundles['query-api'].load<{ handler: Http }>()).handler);
  const stage = counted('staging-er7', (await bundles['staging-er7'].load<{ stage: Task }>()).stage);
  const outcome = counted('core-writer', (await bundles['core-writer'].load<{ handler: Task }>()).handler);
  const landing = counted('landing', (await bundles.landing.load<{ handler: Task }>()).handler);
  const sweeper = counted('sweeper', (await bundles.sweeper.load<{ handler: Task }>()).handler);
  let delivered = 0;
  // Sizes of what the client put (the S3 event carries the size: the landing function never asks).
  const sizes = new Map<string, number>();

  const stagingDeliveries = (publishes: readonly SnsPublish[]): SnsPublish[] =>
    publishes.filter((p) =>
      matchesFilterPolicy(
        STAGING_SUBSCRIPTION.filterPolicy as FilterPolicy,
        Object.fromEntries(Object.entries(p.MessageAttributes).map(([k, v]) => [k, v.StringValue ?? ''])),
      ),
    );

  const frontDoor = (path: string, o: { source?: string; sub?: string; method?: 'GET' | 'POST' } = {}) =>
    fd(
      apiGatewayV2Event({
        method: o.method ?? 'POST',
        path,
        query: { source: o.source ?? 'clinic' },
        claims: jwtClaims({ sub: o.sub ?? 'w', write: o.source ?? 'clinic' }),
      }),
      lambdaContext('hcdl-dev-front-door'),
    );

  return {
    h,
    bundles,
    invocations: () => ({ ...counts }),
    totalInvocations: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset() {
      h.resetCalls();
      delivered = 0;
      for (const n of FUNCTIONS) counts[n] = 0;
    },
    post: (body, o = {}) =>
      fd(
        apiGatewayV2Event({
          method: 'POST',
          path: '/hl7v2/er7',
          headers: { 'content-type': 'application/hl7-v2', ...o.headers },
          query: { source: o.source ?? 'clinic' },
          body,
          claims: jwtClaims({ sub: o.sub ?? 'w', write: o.source ?? 'clinic' }),
        }),
        lambdaContext('hcdl-dev-front-door'),
      ),
    frontDoor,
    read: (path, source, query = {}) =>
      qa(apiGatewayV2Event({ method: 'GET', path, query, claims: jwtClaims({ read: source }) }), lambdaContext('hcdl-dev-query-api')),
    async upload(file, source = 'clinic') {
      const res = await frontDoor('/hl7v2/uploads', { source, sub: 'uploader-1' });
      if (res.statusCode !== 201) throw new Error(`upload refused: ${res.statusCode} ${res.body}`);
      const answer = JSON.parse(res.body) as { uploadId: string; url: string; fields: Record<string, string> };
      const form = new FormData();
      for (const [k, v] of Object.entries(answer.fields)) form.append(k, v);
      form.append('file', new Blob([Buffer.from(file)]), 'batch.hl7');
      // The client's POST goes to S3 (s3rver here): the form the front door signed, unchanged.
      const posted = await fetch(answer.url, { method: 'POST', body: form });
      if (posted.status >= 300) throw new Error(`form upload failed: ${posted.status} ${await posted.text()}`);
      sizes.set(answer.fields.key ?? '', file.byteLength);
      return { uploadId: answer.uploadId, key: answer.fields.key ?? '' };
    },
    async drop(file, source, name) {
      const key = `landing/source=${source}/${name}`;
      await h.objectStore.put({ key, body: file, contentType: 'application/octet-stream' });
      sizes.set(key, file.byteLength);
      return key;
    },
    async land(keys) {
      const events = keys.map((key) => s3ObjectCreatedEvent({ bucket: TEST_BUCKET, key, size: sizes.get(key) ?? 0, versionId: `v-${key.length}` }));
      return (await landing(sqsEventOf(events), lambdaContext('hcdl-dev-landing'))) as { batchItemFailures: { itemIdentifier: string }[] };
    },
    async runStaging() {
      const publishes = h.publishes();
      const queued = stagingDeliveries(publishes.slice(delivered));
      delivered = publishes.length;
      const results: { messageId: string; status: string }[] = [];
      for (const record of pipeInputOf(queued)) {
        // Pipes: batch size 1; Step Functions hands each task's Payload on as JSON.
        const staged = JSON.parse(JSON.stringify(await stage([record], lambdaContext('hcdl-dev-staging-stage'))));
        results.push((await outcome(staged, lambdaContext('hcdl-dev-core-writer'))) as { messageId: string; status: string });
      }
      delivered = h.publishes().length;
      return results;
    },
    stagingDeliveries,
    sweep: () => sweeper(schedulerInput(), lambdaContext('hcdl-dev-sweeper')),
    async close() {
      for (const b of built) b.remove();
      await h.close();
    },
  };
}
