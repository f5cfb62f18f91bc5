/** Issue 13, "Staged means valid": the reproductions, the policies, and replay through the door's split. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { allItems, type ErrorRecord, MessageStatus } from '@hcdl/lake';
import { type ApplicationConfig, PolicyConfigError, policyFor, readValidationPolicies, type ValidationPolicy } from '../../src/index';
import { adt, testApp, type TestApp } from '../support';

const ADT_A04 = readFileSync(new URL('../../../../test/fixtures/corpus/FHIR-Converter/data/SampleData/Hl7v2/ADT-A04-01.hl7', import.meta.url), 'latin1');

const appWith = (policy: ValidationPolicy, sources: Record<string, ValidationPolicy> = {}): TestApp => {
  const config: ApplicationConfig = { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600, validation: { default: policy, sources } };
  return testApp({}, config);
};

async function submitOne(t: TestApp, text: string): Promise<string> {
  const out = await t.submit(text);
  if (out.kind !== 'accepted') throw new Error(`not accepted: ${out.kind}`);
  return out.messages[0]?.messageId as string;
}

async function errorsOf(t: TestApp, messageId: string): Promise<ErrorRecord[]> {
  const out: ErrorRecord[] = [];
  for await (const e of allItems((cursor) => t.catalog.listErrors({ messageId, ...(cursor !== undefined ? { cursor } : {}) }))) out.push(e);
  return out;
}

describe('validation policy: curl --data strips the newlines of an ADT^A04', () => {
  // curl --data (not --data-binary) drops CR and LF: the whole message arrives as one MSH line.
  const flattened = ADT_A04.replace(/[\r\n]/g, '');

  it('standard: the message is kept in the error zone with located REQUIRED segment errors, never staged with MSH alone', async () => {
    const t = appWith('standard');
    const id = await submitOne(t, flattened);
    await t.settle();
    const row = await t.catalog.getMessage(id);
    expect(row?.status).toBe(MessageStatus.Error);
    expect(row?.stagingKey).toBeUndefined();
    const errors = (await errorsOf(t, id)).filter((e) => e.severity === 'error');
    const missing = errors.filter((e) => e.code === 'POLICY_REQUIRED_SEGMENT_MISSING').map((e) => e.location);
    expect(missing).toEqual(expect.arrayContaining(['PID[1]', 'PV1[1]']));
    // Kept and replayable: the raw bytes and the error zone copy are there.
    expect(await t.objectStore.get(row?.rawKey as string)).toBeDefined();
    expect(row?.errorKey).toBeDefined();
  });

  it('lenient keeps the behaviour before the policy: staged, with warnings only', async () => {
    const t = appWith('lenient');
    const id = await submitOne(t, flattened);
    await t.settle();
    expect((await t.catalog.getMessage(id))?.status).toBe(MessageStatus.Staged);
  });

  it('the same message with its segment terminators is staged under standard', async () => {
    const t = appWith('standard');
    const id = await submitOne(t, ADT_A04);
    await t.settle();
    expect((await t.catalog.getMessage(id))?.status).toBe(MessageStatus.Staged);
  });

  it('the policy is chosen by source: a lenient source stages what the standard default refuses', async () => {
    const t = appWith('standard', { lab: 'lenient' });
    const id = await submitOne(t, flattened);
    await t.settle();
    expect((await t.catalog.getMessage(id))?.status).toBe(MessageStatus.Staged);
  });
});

describe('validation policy: the other rules', () => {
  it('an empty MSH-9 is never staged, even under lenient (no staged row without a type)', async () => {
    for (const policy of ['lenient', 'standard'] as const) {
      const t = appWith(policy);
      const id = await submitOne(t, 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405|||C-1|P|2.5\rPID|1||MRN-1^^^HOSP^MR\r');
      await t.settle();
      const row = await t.catalog.getMessage(id);
      expect(row?.status).toBe(MessageStatus.Error);
      expect((await errorsOf(t, id)).find((e) => e.code === 'POLICY_MESSAGE_TYPE_MISSING')?.location).toBe('MSH[1]-9');
    }
  });

  it('fewer segments than lines (a line of free text) goes to the error zone under standard, at that line', async () => {
    const t = appWith('standard');
    const text = adt('FREE-1').replace('\rPV1', '\rsome free text that is not a segment\rPV1');
    const id = await submitOne(t, text);
    await t.settle();
    expect((await t.catalog.getMessage(id))?.status).toBe(MessageStatus.Error);
    const e = (await errorsOf(t, id)).find((x) => x.code === 'POLICY_LINES_NOT_PARSED');
    expect(e).toMatchObject({ severity: 'error', line: 4 });
    const lenient = appWith('lenient');
    const kept = await submitOne(lenient, text);
    await lenient.settle();
    expect((await lenient.catalog.getMessage(kept))?.status).toBe(MessageStatus.Staged);
  });

  it('strict refuses a message with warnings that standard stages', async () => {
    // PID-8 holds a value outside table 0001: a warning.
    const text = adt('STRICT-1').replace('|19800101|F', '|19800101|Q');
    const standard = appWith('standard');
    const a = await submitOne(standard, text);
    await standard.settle();
    expect((await standard.catalog.getMessage(a))?.status).toBe(MessageStatus.Staged);
    const strict = appWith('strict');
    const b = await submitOne(strict, text);
    await strict.settle();
    expect((await strict.catalog.getMessage(b))?.status).toBe(MessageStatus.Error);
    expect((await errorsOf(strict, b)).every((e) => e.severity === 'error')).toBe(true);
  });

  it('a valid message is staged under every policy, with its type and control id', async () => {
    for (const policy of ['lenient', 'standard', 'strict'] as const) {
      const t = appWith(policy);
      const id = await submitOne(t, adt('OK-1'));
      await t.settle();
      expect(await t.catalog.getMessage(id)).toMatchObject({ status: MessageStatus.Staged, messageType: 'ADT^A01', controlId: 'OK-1' });
    }
  });
});

describe('replay obeys the door: split, policy, never the first message of a blob', () => {
  // A BHS inside a message ends it: the PID after it stands outside any message.
  const blob = `${adt('BLOB-1').replace('\rPID', '\rBHS|^~\\&|APP\rPID')}${adt('BLOB-2', 'MRN-2')}`;

  it('a NOT_HL7 (SEGMENT_OUTSIDE_MESSAGE) input replayed without a code change stays in error, attempt 2, no staged row', async () => {
    const t = appWith('standard');
    const out = await t.submit(blob);
    expect(out.kind).toBe('not-hl7');
    const id = (out as { messageId: string }).messageId;
    await t.settle();
    const replayed = await t.app.replay.replayErrors();
    expect(replayed).toEqual([{ messageId: id, outcome: 'replayed', attempt: 2 }]);
    await t.settle();
    const row = await t.catalog.getMessage(id);
    expect(row).toMatchObject({ status: MessageStatus.Error, attempts: 2 });
    expect(row?.stagingKey).toBeUndefined();
    const second = (await errorsOf(t, id)).filter((e) => e.attempt === 2);
    expect(second.map((e) => [e.stage, e.code])).toContainEqual(['front-door', 'SEGMENT_OUTSIDE_MESSAGE']);
    expect(second.some((e) => e.code === 'MULTIPLE_MESSAGES')).toBe(false);
    expect((await t.catalog.listMessages({ status: MessageStatus.Staged, limit: 10 })).items).toEqual([]);
  });

  it('a door rejection that the door now splits becomes one message per MSH, each staged with its type and control id', async () => {
    const t = appWith('standard');
    // As an older door would have refused it: kept with its diagnostics, no MSH fields on the row.
    const rejected = await t.app.writer.ingestRejected({
      messageId: '01JB0000000000000000000000',
      source: 'lab',
      bytes: Buffer.from(`${adt('TWO-1')}${adt('TWO-2', 'MRN-2')}`, 'latin1'),
      stage: 'front-door',
      diagnostics: [{ code: 'SEGMENT_OUTSIDE_MESSAGE', severity: 'error', message: 'older door', location: 'line 5', line: 5, column: 1 }],
    });
    const [result] = await t.app.replay.replayErrors();
    expect(result?.split?.messageIds).toHaveLength(2);
    await t.settle();
    const rows = await Promise.all((result?.split?.messageIds ?? []).map((m) => t.catalog.getMessage(m)));
    expect(rows.map((r) => [r?.status, r?.messageType, r?.controlId, r?.batchId])).toEqual([
      ['staged', 'ADT^A01', 'TWO-1', result?.split?.batchId],
      ['staged', 'ADT^A01', 'TWO-2', result?.split?.batchId],
    ]);
    // The rejected row stays as it was received, with a note of where its messages went.
    const row = await t.catalog.getMessage(rejected.messageId);
    expect(row).toMatchObject({ status: MessageStatus.Error, attempts: 2 });
    expect((await errorsOf(t, rejected.messageId)).filter((e) => e.attempt === 2).map((e) => e.code)).toEqual(['REPLAYED_AS_MESSAGES']);
    // Replayed again: the door's dedup answers, nothing is ingested twice.
    const [again] = await t.app.replay.replayErrors();
    expect(again?.split?.messageIds).toEqual(result?.split?.messageIds);
  });

  it('a door rejection of one message is staged under its own id, and its row gets MSH-9 and MSH-10', async () => {
    const t = appWith('standard');
    const rejected = await t.app.writer.ingestRejected({
      messageId: '01JB0000000000000000000001',
      source: 'lab',
      bytes: Buffer.from(adt('ONE-1'), 'latin1'),
      stage: 'front-door',
      diagnostics: [{ code: 'NO_MSH', severity: 'error', message: 'older door', location: 'line 1', line: 1, column: 1 }],
    });
    expect(rejected.messageType).toBeUndefined();
    await t.app.replay.replay(rejected.messageId);
    await t.settle();
    expect(await t.catalog.getMessage(rejected.messageId)).toMatchObject({ status: 'staged', messageType: 'ADT^A01', controlId: 'ONE-1', attempts: 2 });
  });
});

describe('the outcome step: never a staged row without MSH-9 and MSH-10', () => {
  it('a stager that stages a message without MSH-10 (an older one, a replaced one) still ends in error, located at MSH-10', async () => {
    // A stager that judges nothing: the outcome step is the last guard of the rule.
    const t = testApp({
      stager: () => ({ ok: true, stagingJson: '{}', structure: 'ADT_A01', patient: { groups: [], merge: false }, warnings: 0 }),
    });
    const id = await submitOne(t, adt(''));
    await t.settle();
    const row = await t.catalog.getMessage(id);
    expect(row?.status).toBe(MessageStatus.Error);
    expect(row?.stagingKey).toBeUndefined();
    expect((await errorsOf(t, id)).map((e) => `${e.code}@${e.location}`)).toEqual(['POLICY_CONTROL_ID_MISSING@MSH[1]-10']);
  });
});

describe('validation policy configuration', () => {
  it('reads a default, a JSON file and per-source variables (the variables win)', () => {
    const p = readValidationPolicies({
      json: '{"default":"lenient","sources":{"lab":"strict","ward-7":"lenient"}}',
      defaultText: 'standard',
      bySourceText: 'ward-7=strict, er=lenient',
    });
    expect(p).toEqual({ default: 'standard', sources: { lab: 'strict', 'ward-7': 'strict', er: 'lenient' } });
    expect(policyFor(p, 'ward-7')).toBe('strict');
    expect(policyFor(p, 'other')).toBe('standard');
    expect(policyFor(undefined, 'other')).toBe('standard');
  });

  it('refuses what it cannot read, naming the setting', () => {
    expect(() => readValidationPolicies({ defaultText: 'loose' })).toThrow(PolicyConfigError);
    expect(() => readValidationPolicies({ bySourceText: 'lab' })).toThrow(/HCDL_VALIDATION_POLICY_BY_SOURCE/);
    expect(() => readValidationPolicies({ json: '{"sources":{"../x":"strict"}}' })).toThrow(PolicyConfigError);
    expect(() => readValidationPolicies({ json: 'not json' })).toThrow(PolicyConfigError);
  });
});
