#!/usr/bin/env node
// What one million messages cost on AWS, by component, at list prices, built from the request
// counts packages/aws/test/loader/pipeline-bundles.test.ts measures path by path (the test fails
// when a measured count differs from PATHS below: a change that adds a request shows here).
//
//   node scripts/cost-model.mjs            prints the tables of docs/cost.md (a test keeps them equal)
//
// Prices: US East (N. Virginia), on-demand, without free tiers, as published on the services'
// pricing pages (checked 2026-12). Lambda durations are assumptions (see ASSUMPTIONS): the tests
// run on a loaded 2-core machine, so they cannot measure them.

/** List prices in dollars per unit. */
export const PRICES = {
  lambdaRequest: 0.2 / 1e6,
  /** arm64, first 7.5 billion GB-s a month. */
  lambdaGbSecond: 0.0000133334,
  /** HTTP API, first 300 million a month; a request is counted per started 512 KB. */
  apiRequest: 1.0 / 1e6,
  /** S3 Standard: PUT, COPY, POST, LIST per request; GET, HEAD per request. DELETE is free. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  /** DynamoDB on-demand (Standard table class): per write request unit, per read request unit. */
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  /** SNS standard topic: per publish (64 KB chunk); deliveries to SQS are free. */
  snsPublish: 0.5 / 1e6,
  /** SQS standard queue, per request (64 KB chunk). */
  sqsRequest: 0.4 / 1e6,
  /** EventBridge Pipes, per request (64 KB chunk of a batch). */
  pipeRequest: 0.4 / 1e6,
  /** Step Functions Express: per execution, and per GB-s of its duration (billed in 64 MB steps, 100 ms minimum). */
  sfnRequest: 1.0 / 1e6,
  sfnGbSecond: 0.00001667,
  /** KMS, per request (with S3 bucket keys and the services' data-key caching, a few per thousand messages). */
  kmsRequest: 0.03 / 10000,
  /** CloudTrail data events delivered by a trail, per event. */
  cloudTrailDataEvent: 0.1 / 100000,
};

/** What the counts cannot measure, stated once. */
export const ASSUMPTIONS = {
  /** Memory of each function (infra: LakeFunction defaults and the landing function's setting), MB. */
  memoryMb: { frontDoor: 512, landing: 1024, stage: 512, outcome: 512 },
  /** Billed duration per invocation, ms (warm, in-region). For the batch paths, per message of the file. */
  durationMs: { frontDoor: 60, frontDoorPerBatchMessage: 12, landingPerFile: 80, landingPerMessage: 12, stage: 50, outcome: 90 },
  /** A staging run's duration (two tasks, 64 MB billed). */
  sfnRunMs: 250,
  /** KMS requests per message (S3 bucket keys; DynamoDB, SNS, SQS and Lambda cache their data keys for minutes). */
  kmsPerMessage: 0.002,
};

/**
 * Request counts per message of each path, as the pipeline test measures them (exactly: a
 * change to the code that moves one fails the test until this table and docs/cost.md follow).
 * `files`: messages per file (1 for a single post, 100 for a 100-message batch file);
 * `s3.mirrorPut`: the PUTs of the catalog mirror for Athena, among `s3.put`; `landingFiles`:
 * files through the landing queue; `senderPuts`: the sender's own PUT of a dropped or uploaded
 * file (billed to the bucket's owner). `s3.put` includes one audit record per API call
 * (`audit/`, docs/adr/0016): +1 per single post, +0.01 per message of a 100-message request.
 */
export const PATHS = {
  'post-new-patient': {
    label: 'POST one message, new patient, staged',
    files: 1,
    invocations: { frontDoor: 1, landing: 0, stage: 1, outcome: 1 },
    api: 1,
    s3: { put: 5, get: 1, mirrorPut: 2 },
    dynamo: { requests: 23, write: 15, read: 11 },
    sns: 2,
    landingFiles: 0,
    senderPuts: 0,
  },
  'post-known-patient': {
    label: 'POST one message, known patient, staged',
    files: 1,
    invocations: { frontDoor: 1, landing: 0, stage: 1, outcome: 1 },
    api: 1,
    s3: { put: 4, get: 1, mirrorPut: 1 },
    dynamo: { requests: 10, write: 7, read: 6 },
    sns: 2,
    landingFiles: 0,
    senderPuts: 0,
  },
  'post-duplicate': {
    label: 'POST a duplicate (409)',
    files: 1,
    invocations: { frontDoor: 1, landing: 0, stage: 0, outcome: 0 },
    api: 1,
    s3: { put: 1, get: 0, mirrorPut: 0 },
    dynamo: { requests: 1, write: 1, read: 0 },
    sns: 0,
    landingFiles: 0,
    senderPuts: 0,
  },
  'post-refused': {
    label: 'POST one message staging refuses (error zone)',
    files: 1,
    invocations: { frontDoor: 1, landing: 0, stage: 1, outcome: 1 },
    api: 1,
    s3: { put: 6, get: 1, mirrorPut: 2 },
    dynamo: { requests: 10, write: 15, read: 4 },
    sns: 2,
    landingFiles: 0,
    senderPuts: 0,
  },
  'post-batch-100': {
    label: 'POST a batch file of 100 messages',
    files: 100,
    invocations: { frontDoor: 0.01, landing: 0, stage: 1, outcome: 1 },
    api: 0.01,
    s3: { put: 4.03, get: 1, mirrorPut: 2 },
    dynamo: { requests: 23, write: 15, read: 11 },
    sns: 2,
    landingFiles: 0,
    senderPuts: 0,
  },
  'upload-100': {
    label: 'upload of a 100-message file',
    files: 100,
    invocations: { frontDoor: 0.01, landing: 0.01, stage: 1, outcome: 1 },
    api: 0.01,
    s3: { put: 4.03, get: 1.01, mirrorPut: 2 },
    dynamo: { requests: 23, write: 15, read: 11 },
    sns: 2,
    landingFiles: 0.01,
    senderPuts: 0.01,
  },
  'drop-100': {
    label: 'file drop of a 100-message file',
    files: 100,
    invocations: { frontDoor: 0, landing: 0.01, stage: 1, outcome: 1 },
    api: 0,
    s3: { put: 4.02, get: 1.01, mirrorPut: 2 },
    dynamo: { requests: 23, write: 15, read: 11 },
    sns: 2,
    landingFiles: 0.01,
    senderPuts: 0.01,
  },
  'drop-1': {
    label: 'file drop of one message',
    files: 1,
    invocations: { frontDoor: 0, landing: 1, stage: 1, outcome: 1 },
    api: 0,
    s3: { put: 5, get: 2, mirrorPut: 2 },
    dynamo: { requests: 23, write: 15, read: 11 },
    sns: 2,
    landingFiles: 1,
    senderPuts: 1,
  },
};

const round = (n, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** Dollars per million messages of one path, by component. */
export function costOf(path) {
  const p = PRICES;
  const a = ASSUMPTIONS;
  const inv = path.invocations;
  const gbs =
    (inv.frontDoor * (path.files === 1 ? a.durationMs.frontDoor : a.durationMs.frontDoorPerBatchMessage * path.files) * a.memoryMb.frontDoor +
      inv.landing * (a.durationMs.landingPerFile + a.durationMs.landingPerMessage * path.files) * a.memoryMb.landing +
      inv.stage * a.durationMs.stage * a.memoryMb.stage +
      inv.outcome * a.durationMs.outcome * a.memoryMb.outcome) /
    1000 /
    1024;
  const invocations = inv.frontDoor + inv.landing + inv.stage + inv.outcome;
  // SQS: the staging queue takes each staged message (SNS sends, the pipe receives and deletes);
  // the landing queue each landed file (EventBridge sends, the function's poller receives and deletes).
  const sqs = 3 * inv.stage + 3 * path.landingFiles;
  const s3Requests = path.s3.put + path.s3.get + path.senderPuts;
  const perMessage = {
    'Lambda requests': invocations * p.lambdaRequest,
    'Lambda GB-s': gbs * p.lambdaGbSecond,
    'API Gateway': path.api * p.apiRequest,
    'S3 PUT': (path.s3.put + path.senderPuts) * p.s3Put,
    'S3 GET': path.s3.get * p.s3Get,
    'DynamoDB writes': path.dynamo.write * p.dynamoWrite,
    'DynamoDB reads': path.dynamo.read * p.dynamoRead,
    SNS: path.sns * p.snsPublish,
    SQS: sqs * p.sqsRequest,
    Pipes: inv.stage * p.pipeRequest,
    'Step Functions': inv.stage * (p.sfnRequest + (Math.max(100, a.sfnRunMs) / 1000) * (64 / 1024) * p.sfnGbSecond),
    KMS: a.kmsPerMessage * p.kmsRequest,
  };
  const data = Object.fromEntries(Object.entries(perMessage).map(([k, v]) => [k, v * 1e6]));
  const dataTotal = Object.values(data).reduce((s, v) => s + v, 0);
  // Every S3 object request and DynamoDB item request is a CloudTrail data event (issue 17's trail).
  const cloudTrail = (s3Requests + path.dynamo.requests) * p.cloudTrailDataEvent * 1e6;
  return { components: data, dataTotal, cloudTrail, total: dataTotal + cloudTrail };
}

/**
 * What would bring the data path down, priced with the same model (not built: each changes a
 * design decision, see docs/cost.md). `mirror-by-export`: the Athena catalog views read from
 * DynamoDB incremental exports merged on a schedule, instead of one mirror object per message
 * (~2 KB exported per message at $0.10/GB, plus the merge's scan); `provisioned`: the catalog
 * and idempotency tables in provisioned capacity with auto scaling, 70% utilised on average
 * ($0.00065 per WCU-hour, $0.00013 per RCU-hour).
 */
export const VARIANTS = {
  'as built': { mirrorByExport: false, provisioned: false },
  'catalog views from DynamoDB exports': { mirrorByExport: true, provisioned: false },
  'DynamoDB provisioned, 70% utilised': { mirrorByExport: false, provisioned: true },
  both: { mirrorByExport: true, provisioned: true },
};

/** The data path's dollars per million messages of a path under a variant. */
export function variantCost(path, variant) {
  const v = VARIANTS[variant];
  const adjusted = v.mirrorByExport ? { ...path, s3: { ...path.s3, put: path.s3.put - path.s3.mirrorPut, mirrorPut: 0 } } : path;
  const base = costOf(adjusted);
  let total = base.dataTotal;
  if (v.mirrorByExport) total += (2 / 1024 / 1024) * 0.1 * 1e6 + 0.05;
  if (v.provisioned) {
    const wru = 0.00065 / 3600 / 0.7;
    const rru = 0.00013 / 3600 / 0.7;
    total += path.dynamo.write * (wru - PRICES.dynamoWrite) * 1e6 + path.dynamo.read * (rru - PRICES.dynamoRead) * 1e6;
  }
  return total;
}

/** Google Cloud Healthcare API, HL7v2 store: $0.39 per 100,000 ingest requests (one message per request). */
export const GOOGLE_HL7V2_INGEST_PER_MILLION = 3.9;

const money = (n) => `$${round(n).toFixed(2)}`;

/** Short column names of the dollars table. */
const SHORT = {
  'post-new-patient': 'POST, new patient',
  'post-known-patient': 'POST, known patient',
  'post-duplicate': 'duplicate',
  'post-refused': 'refused',
  'post-batch-100': 'batch file of 100',
  'upload-100': 'upload of 100',
  'drop-100': 'file drop of 100',
  'drop-1': 'file drop of 1',
};

/** The tables of docs/cost.md, in Markdown. */
export function renderTables() {
  const names = Object.keys(PATHS);
  const costs = names.map((n) => costOf(PATHS[n]));
  const components = Object.keys(costs[0].components);
  const counts = [
    '| path | invocations | API requests | S3 PUT | S3 GET | DynamoDB requests | DynamoDB WRU | DynamoDB RRU | SNS publishes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...names.map((n) => {
      const p = PATHS[n];
      const inv = p.invocations.frontDoor + p.invocations.landing + p.invocations.stage + p.invocations.outcome;
      return `| ${p.label} | ${round(inv)} | ${round(p.api)} | ${round(p.s3.put + p.senderPuts)} | ${round(p.s3.get)} | ${round(p.dynamo.requests)} | ${round(p.dynamo.write)} | ${round(p.dynamo.read)} | ${round(p.sns)} |`;
    }),
  ];
  const dollars = [
    `| $ per million messages | ${names.map((n) => SHORT[n] ?? n).join(' | ')} |`,
    `|---|${names.map(() => '---:').join('|')}|`,
    ...components.map((c) => `| ${c} | ${costs.map((k) => money(k.components[c])).join(' | ')} |`),
    `| **data path** | ${costs.map((k) => `**${money(k.dataTotal)}**`).join(' | ')} |`,
    `| CloudTrail data events | ${costs.map((k) => money(k.cloudTrail)).join(' | ')} |`,
    `| **with the audit trail** | ${costs.map((k) => `**${money(k.total)}**`).join(' | ')} |`,
  ];
  const shown = ['post-new-patient', 'post-batch-100', 'upload-100', 'drop-100'];
  const variants = [
    `| data path, $ per million messages | ${shown.map((n) => SHORT[n]).join(' | ')} |`,
    `|---|${shown.map(() => '---:').join('|')}|`,
    ...Object.keys(VARIANTS).map((v) => `| ${v} | ${shown.map((n) => money(variantCost(PATHS[n], v))).join(' | ')} |`),
    `| Google HL7v2 store, ingest requests only | ${shown.map(() => money(GOOGLE_HL7V2_INGEST_PER_MILLION)).join(' | ')} |`,
  ];
  return `${counts.join('\n')}\n\n${dollars.join('\n')}\n\n${variants.join('\n')}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.stdout.write(renderTables());
}
