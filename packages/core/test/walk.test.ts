/**
 * One message's walk through the application on in-memory ports: submit → ingest → stage →
 * outcome, with the work each step does counted (one parse, one hash, the object store calls)
 * and the events the hub carries.
 */
import { describe, expect, it } from '@jest/globals';
import { contentHash, dedupKeyOf, MessageStatus } from '@hcdl/lake';
import { defaultStager, type StageResult } from '../src/index';
import { adt, testApp } from './support';

describe('one message, end to end on the application core', () => {
  it('is durable before submit resolves, then staged: staging zone tagged with its raw key, patient indexed, events in order', async () => {
    const t = testApp();
    const outcome = await t.submit(adt('CTL-1'));
    expect(outcome).toMatchObject({ kind: 'accepted', messages: [{ status: 'ingested', controlId: 'CTL-1', messageType: 'ADT^A01' }] });
    const messageId = outcome.kind === 'accepted' ? (outcome.messages[0]?.messageId as string) : '';
    const row = await t.catalog.getMessage(messageId);
    expect(row).toMatchObject({ status: MessageStatus.Ingested, source: 'lab', controlId: 'CTL-1', submittedBy: 'writer-1' });
    expect(t.objectStore.objects.has(row?.rawKey as string)).toBe(true);
    await t.settle();
    const staged = await t.catalog.getMessage(messageId);
    expect(staged).toMatchObject({ status: MessageStatus.Staged, structure: 'ADT_A01', attempts: 1 });
    expect(staged?.patientId).toMatch(/^pat_/);
    expect(await t.objectStore.getTags(staged?.stagingKey as string)).toEqual({ data_src: row?.rawKey });
    const doc = JSON.parse(Buffer.from((await t.objectStore.get(staged?.stagingKey as string))?.body ?? []).toString('utf8'));
    expect(doc.msh.message_control_id).toBe('CTL-1');
    expect(t.hub.names()).toEqual([`ingested:${messageId}`, `staged:${messageId}`]);
    expect(t.hub.published[1]?.body).toMatchObject({ stagingKey: staged?.stagingKey, structure: 'ADT_A01', attempt: 1 });
  });

  it('does the work once: one hash (dedup key = catalog hash), one stage run, one raw read, two puts, no tag read', async () => {
    let stageRuns = 0;
    const t = testApp({
      stager: (raw, context): StageResult => {
        stageRuns++;
        return defaultStager(raw, context);
      },
    });
    const text = adt('CTL-2');
    const outcome = await t.submit(text);
    await t.settle();
    const messageId = outcome.kind === 'accepted' ? (outcome.messages[0]?.messageId as string) : '';
    const row = await t.catalog.getMessage(messageId);
    const hash = contentHash(text);
    expect(row?.contentHash).toBe(hash);
    expect([...t.idempotencyStore.records.keys()]).toHaveLength(1);
    expect(stageRuns).toBe(1);
    expect(t.objectStore.calls).toMatchObject({ put: 2, get: 1, getTags: 0, copy: 0, head: 0 });
    // The idempotency key is Powertools' hash of the dedup key built from that same digest.
    expect(dedupKeyOf('lab', hash)).toBe(`lab#${hash}`);
  });

  it('refuses the same message again from the same source with the original id, and takes it from another source', async () => {
    const t = testApp();
    const first = await t.submit(adt('CTL-3'));
    const again = await t.submit(adt('CTL-3').replace(/\r/g, '\n'));
    expect(again.kind === 'accepted' && again.messages[0]).toMatchObject({
      status: 'duplicate',
      messageId: first.kind === 'accepted' ? first.messages[0]?.messageId : '',
    });
    const other = await t.app.submit({ claims: { sub: 'x', 'custom:write': 'north' }, contentType: 'application/hl7-v2', body: Buffer.from(adt('CTL-3')) });
    expect(other.kind === 'accepted' && other.messages[0]?.status).toBe('ingested');
    expect(t.catalog.messages.size).toBe(2);
  });

  it('keeps a message staging refuses in the error zone (raw copied inside the store), with located diagnostics and a failed event', async () => {
    const t = testApp();
    // A line that is not a segment inside the message: HL7 at the door, refused by validation (NON_SEGMENT_LINES).
    const text = 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^A01|CTL-4|P|2.5\rPID|1||X^^^H^MR\rfree text, not a segment\rmore free text\r';
    const outcome = await t.submit(text);
    expect(outcome.kind).toBe('accepted');
    await t.settle();
    const messageId = outcome.kind === 'accepted' ? (outcome.messages[0]?.messageId as string) : '';
    const row = await t.catalog.getMessage(messageId);
    expect(row?.status).toBe(MessageStatus.Error);
    if (row === undefined) return;
    expect(row.errorKey).toMatch(/^error\//);
    expect(Buffer.from((await t.objectStore.get(row.errorKey as string))?.body ?? []).toString('latin1')).toBe(text);
    expect(t.objectStore.calls.copy).toBe(1);
    const errors = (await t.catalog.listErrors({ messageId })).items;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ attempt: 1, stage: 'parse', severity: 'error', code: 'NON_SEGMENT_LINES' });
    const failed = t.hub.published.find((e) => e.attributes.event === 'failed');
    expect(failed?.body).toMatchObject({ messageId, errorKey: row.errorKey, stage: 'parse', attempt: 1, codes: ['NON_SEGMENT_LINES'] });
  });

  it('never logs message content: only ids, counts and codes', async () => {
    const t = testApp();
    await t.submit(adt('CTL-SECRET-5', 'MRN-SECRET-5'));
    await t.submit('not hl7 at all, DOE^JANE', 'text/plain');
    await t.settle();
    const logged = JSON.stringify(t.logger.lines);
    for (const secret of ['CTL-SECRET-5', 'MRN-SECRET-5', 'DOE', 'JANE', 'not hl7']) expect(logged).not.toContain(secret);
    expect(t.logger.lines.map((l) => l.message)).toEqual(expect.arrayContaining(['message ingested', 'message staged', 'input rejected: not HL7 v2']));
  });
});
