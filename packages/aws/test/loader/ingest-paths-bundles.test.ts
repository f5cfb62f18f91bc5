/**
 * The AWS ingest paths of issue 16 end to end through the Lambda bundles as deployed, with
 * real-shaped events: presigned uploads and file drops (S3 Object Created events as
 * EventBridge puts them on the landing queue, partial batch failure), batches posted to the
 * front door (the per-request cap, the batch report), bodies over the API's limit (413, the
 * upload path, the redirect of large reads), and the stranded-message sweep (its schedule's
 * input; the staging dead-letter queue; its metrics in embedded metric format).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchReportKey } from '@hcdl/core';
import { ingestedEvent, type MessageRecord, rawBatchKey } from '@hcdl/lake';
import { snsPublishOf } from './support/events';
import { type HttpResponse, type Pipeline, startPipeline } from './support/pipeline';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ADT_A01 = readFileSync(path.join(root, 'test/fixtures/corpus/hcls-data-lake/test_er7_msg.py.extracted/01_L25_msg_main.hl7'), 'latin1');

/** Distinct messages of distinct patients: `n` copies of the corpus ADT^A01 with their own control id and identifiers. */
const messages = (n: number, tag: string): string[] =>
  Array.from({ length: n }, (_, i) =>
    ADT_A01.replace('MSGID10001', `${tag}-${i + 1}`)
      .replace(/100001/g, `${tag.length}${String(i).padStart(5, '0')}1`)
      .replace(/900001/g, `${tag.length}${String(i).padStart(5, '0')}9`),
  );
const batchFile = (msgs: readonly string[]): Buffer =>
  Buffer.from(
    `FHS|^~\\&|LAB|FAC\rBHS|^~\\&|LAB|FAC\r${msgs.map((m) => m.replace(/\r?\n/g, '\r').replace(/\r+$/, '')).join('\r')}\rBTS|${msgs.length}\rFTS|1\r`,
    'latin1',
  );
const json = (r: HttpResponse): Record<string, unknown> =>
  JSON.parse(r.isBase64Encoded === true ? Buffer.from(r.body, 'base64').toString('utf8') : r.body) as Record<string, unknown>;

describe('AWS ingest paths through the Lambda bundles', () => {
  let p: Pipeline;
  beforeAll(async () => {
    // The front door's body limit on AWS (infra/src/stacks/front-door.ts): under API Gateway's.
    p = await startPipeline({ env: { HCDL_MAX_BODY_BYTES: String(4_000_000) } });
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  it('an upload: presigned POST, the file posted to S3, its event landed: every message ingested under the upload id, staged, reported', async () => {
    p.reset();
    const msgs = messages(5, 'UPL');
    const { uploadId, key } = await p.upload(batchFile(msgs));
    expect(key).toBe(`upload/source=clinic/${uploadId}.hl7`);
    expect(await p.land([key])).toEqual({ batchItemFailures: [] });
    expect(await p.h.objectStore.head(key)).toBeUndefined();
    expect(await p.h.objectStore.head(rawBatchKey('clinic', uploadId))).toBeDefined();
    const staged = await p.runStaging();
    expect(staged.map((r) => r.status)).toEqual(['staged', 'staged', 'staged', 'staged', 'staged']);
    for (const r of staged) expect(await p.h.catalog.getMessage(r.messageId)).toMatchObject({ batchId: uploadId, submittedBy: 'uploader-1', status: 'staged' });

    const report = await p.read(`/hl7v2/batches/${uploadId}`, 'clinic');
    expect(report.statusCode).toBe(200);
    const reported = json(report) as { messages: { messageId: string; status: string; controlId: string }[] };
    expect(reported).toMatchObject({ batchId: uploadId, status: 'ingested', landingKey: key });
    // The report is in file order; staging runs in whatever order the events came.
    expect(reported.messages.map((m) => [m.controlId, m.status])).toEqual(msgs.map((_, i) => [`UPL-${i + 1}`, 'ingested']));
    expect(reported.messages.map((m) => m.messageId).sort()).toEqual(staged.map((r) => r.messageId).sort());
    // The same event delivered again: the file is gone, nothing is ingested twice.
    expect(await p.land([key])).toEqual({ batchItemFailures: [] });
    expect(p.stagingDeliveries(p.h.publishes())).toHaveLength(5);
  });

  it('a file drop of an allowed source is ingested like a POST; another source is refused and its file left in place', async () => {
    p.reset();
    const drop = await p.drop(Buffer.from(messages(1, 'DRP')[0] as string, 'latin1'), 'drop', 'inbox/adt-0001.hl7');
    const stray = await p.drop(Buffer.from(messages(1, 'STR')[0] as string, 'latin1'), 'clinic', 'adt-0002.hl7');
    expect(await p.land([drop, stray])).toEqual({ batchItemFailures: [] });
    const [result] = await p.runStaging();
    const row = (await p.h.catalog.getMessage(result!.messageId)) as MessageRecord;
    expect(row).toMatchObject({ source: 'drop', status: 'staged', controlId: 'DRP-1', batchIndex: 1, submittedBy: '123456789012' });
    expect(await p.h.objectStore.head(drop)).toBeUndefined();
    expect(await p.h.objectStore.head(stray)).toBeDefined();
    const report = await p.h.objectStore.get(batchReportKey('drop', row.batchId as string));
    expect(JSON.parse(Buffer.from(report!.body).toString('utf8'))).toMatchObject({ status: 'ingested', landingKey: drop });
  });

  it('a file that fails is reported as a batch item failure, the others of the batch are ingested', async () => {
    p.reset();
    const ok = await p.drop(Buffer.from(messages(1, 'OKF')[0] as string, 'latin1'), 'drop', 'ok.hl7');
    const bad = await p.drop(Buffer.from(messages(1, 'BAD')[0] as string, 'latin1'), 'drop', 'bad.hl7');
    p.h.failS3GetOnce(bad);
    const out = await p.land([bad, ok]);
    expect(out.batchItemFailures).toHaveLength(1);
    expect(p.stagingDeliveries(p.h.publishes())).toHaveLength(1);
    expect(await p.h.objectStore.head(bad)).toBeDefined();
    // SQS delivers it again: now it goes through.
    expect(await p.land([bad])).toEqual({ batchItemFailures: [] });
    expect((await p.runStaging()).map((r) => r.status)).toEqual(['staged', 'staged']);
  });

  it('a batch posted to the front door: answered per message in file order, with a report; over the cap it is refused before anything is stored', async () => {
    p.reset();
    const msgs = messages(20, 'BAT');
    const res = await p.post(batchFile(msgs));
    expect(res.statusCode).toBe(201);
    const body = json(res) as { batchId: string; messages: { status: string; controlId: string; messageId: string }[] };
    expect(body.messages.map((m) => m.controlId)).toEqual(msgs.map((_, i) => `BAT-${i + 1}`));
    expect(json(await p.read(`/hl7v2/batches/${body.batchId}`, 'clinic'))).toMatchObject({ status: 'ingested', messages: body.messages });

    p.reset();
    const tooMany = await p.post(batchFile(messages(1001, 'CAP')));
    expect(tooMany.statusCode).toBe(413);
    expect(json(tooMany)).toMatchObject({ error: { code: 'BATCH_TOO_LARGE', details: { messages: 1001, limit: 1000, upload: '/hl7v2/uploads' } } });
    // Only the refusal's own audit record (docs/adr/0016): nothing of the batch.
    expect(p.h.calls().s3).toEqual({ PutObjectCommand: 1 });
    expect(p.h.publishes()).toHaveLength(0);
  }, 60_000);

  it('a body over the API limit is refused with 413 naming the upload path; uploaded instead, its raw bytes are read back through a presigned GET', async () => {
    p.reset();
    const big = Buffer.from(
      `${(messages(1, 'BIG')[0] as string).replace(/\r?\n$/, '')}\rOBX|2|ED|PDF^Report||^application^pdf^Base64^${'QUJD'.repeat(1_150_000)}||||||F\r`,
      'latin1',
    );
    expect(big.byteLength).toBeGreaterThan(4_500_000);
    const refused = await p.post(big);
    expect(refused.statusCode).toBe(413);
    expect(json(refused)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', details: { limit: 4_000_000, upload: '/hl7v2/uploads' } } });

    const { key } = await p.upload(big);
    await p.land([key]);
    const [result] = await p.runStaging();
    expect(result?.status).toBe('staged');
    const raw = await p.read(`/hl7v2/messages/${result!.messageId}/raw`, 'clinic');
    expect(raw.statusCode).toBe(307);
    const location = raw.headers?.location as string;
    expect(new URL(location).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const fetched = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(fetched.equals(big)).toBe(true);
  }, 60_000);

  it('the sweep: a message whose ingested publish failed is published again once old enough, dead letters with an outcome are cleared, the oldest age is a metric', async () => {
    p.reset();
    // A publish that failed after ingest: the row is durable and stays ingested.
    p.h.failNextPublishes(1);
    const posted = await p.post(Buffer.from(messages(1, 'SWP')[0] as string, 'latin1'));
    expect(posted.statusCode).toBe(201);
    expect(p.stagingDeliveries(p.h.publishes().slice(1))).toHaveLength(0);
    // Rows waiting since long before the bound (30 minutes): one whose publish failed two hours ago, one whose run is in the dead-letter queue.
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const stranded = await p.h.seedIngested(Buffer.from(messages(1, 'OLD')[0] as string, 'latin1'), {
      source: 'clinic',
      messageType: 'ADT^A01',
      at: twoHoursAgo,
    });
    const dead = await p.h.seedIngested(Buffer.from(messages(1, 'DLQ')[0] as string, 'latin1'), { source: 'clinic', messageType: 'ADT^A01', at: twoHoursAgo });
    // And a dead letter of a message that has its outcome since (its first run failed, a later one staged it).
    const done = (await p.h.catalog.listMessages({ status: 'staged', limit: 1 })).items[0] as MessageRecord;
    p.reset();
    p.h.deadLetter(snsPublishOf(ingestedEvent(dead)));
    p.h.deadLetter(snsPublishOf(ingestedEvent({ ...done, status: 'ingested', attempts: 0 })));

    const summary = (await p.sweep()) as { resume: { resumed: number; oldestAgeSeconds: number }; deadLetters: { cleared: number; stranded: number } };
    expect(summary.deadLetters).toMatchObject({ cleared: 1, stranded: 1 });
    expect(summary.resume.resumed).toBe(2);
    expect(summary.resume.oldestAgeSeconds).toBeGreaterThanOrEqual(7200);
    expect(p.h.deadLetters().map((l) => JSON.parse(l.body).messageId)).toEqual([dead.messageId]);
    expect((await p.runStaging()).map((r) => r.messageId).sort()).toEqual([stranded.messageId, dead.messageId].sort());
    // The recent message is not old enough yet: it waits for a later sweep.
    expect((await p.h.catalog.getMessage(json(posted).messageId as string))?.status).toBe('ingested');

    const emf = p.h.logs.entries().find((e) => '_aws' in e && (e.OldestIngestedAgeSeconds as number) >= 7200);
    expect(emf).toMatchObject({ service: 'sweeper', ResumedMessages: 2, DeadLettersCleared: 1, DeadLettersStranded: 1 });
    expect((emf?._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace).toBe('HCDL');
    // The next sweep, once the letter kept is visible again: its message has its outcome now.
    p.reset();
    p.h.expireDeadLetterVisibility();
    expect(((await p.sweep()) as { deadLetters: { cleared: number } }).deadLetters.cleared).toBe(1);
    expect(p.h.deadLetters()).toEqual([]);
  }, 60_000);

  it('logged nothing of a message on any of these paths: no name, no identifier, no body', () => {
    const text = p.h.logs.text();
    expect(text).toContain('landed file ingested');
    for (const secret of ['DOE^JOHN', 'JOHN', '111 THAT PL', '(206)555-5309', '999999999', 'QUJDQUJD']) expect(text).not.toContain(secret);
  });
});
