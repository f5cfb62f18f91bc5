/**
 * The staging workflow's steps (trigger, normalize, parse) on small in-memory ports: state
 * validation, attempts and execution names, character sets through the work/ hand-off, and
 * the `failed` event's diagnostics cap.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ingestedEvent,
  MessageStatus,
  newMessageId,
  rawKey,
  snsAttributesOf,
  ValidationError,
  workStagingKey,
  type HubEvent,
  type MessageRecord,
  type ObjectStore,
  type PutObjectInput,
  type StoredObject,
} from '@hcdl/lake';
import {
  createNormalizeTask,
  createParseTask,
  createTrigger,
  executionInputOf,
  executionName,
  MAX_EVENT_DIAGNOSTICS,
  workNormalizedKey,
  type NormalizedState,
  type StagingExecutionInput,
  StagingError,
  StagingInputMissingError,
} from '../src/index';

/** Objects in a Map (the port's get/put/head/delete; list is not used by the steps). */
function memoryStore(): ObjectStore & { keys(): string[] } {
  const objects = new Map<string, StoredObject>();
  return {
    keys: () => [...objects.keys()].sort(),
    async put(input: PutObjectInput) {
      const body = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body;
      objects.set(input.key, {
        key: input.key,
        body,
        size: body.byteLength,
        metadata: input.metadata ?? {},
        tags: input.tags ?? {},
        lastModified: new Date(),
        ...(input.contentType ? { contentType: input.contentType } : {}),
      });
    },
    get: async (key) => objects.get(key),
    head: async (key) => objects.get(key),
    async *list() {},
    delete: async (key) => void objects.delete(key),
  };
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function setup(raw: Uint8Array, attempts = 0) {
  const objectStore = memoryStore();
  const messageId = newMessageId();
  const record: MessageRecord = {
    messageId,
    source: 'lab',
    protocol: 'hl7v2',
    format: 'er7',
    status: MessageStatus.Ingested,
    receivedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    contentHash: 'x',
    size: raw.byteLength,
    rawKey: rawKey('lab', messageId),
    attempts,
    messageType: 'ORU^R01',
  };
  const published: HubEvent[] = [];
  const deps = {
    objectStore,
    catalog: { getMessage: async (id: string) => (id === messageId ? record : undefined) },
    hub: { publish: async (e: HubEvent) => void published.push(e) },
    logger: silent,
  };
  return { objectStore, record, published, deps, put: () => objectStore.put({ key: record.rawKey, body: raw }) };
}

async function run(raw: Uint8Array, attempts = 0) {
  const s = setup(raw, attempts);
  await s.put();
  const input = executionInputOf(ingestedEvent(s.record));
  const normalized = await createNormalizeTask(s.deps)(input, {} as never);
  const text = Buffer.from((await s.objectStore.get(normalized.normalizedKey))!.body).toString('utf8');
  const parsed = await createParseTask(s.deps)(normalized, {} as never);
  return { ...s, input, normalized, text, parsed };
}

const ORU = (obx: string[], charset = '') =>
  ['MSH|^~\\&|LAB|H|EHR|H|20240101||ORU^R01|C1|P|2.5||||||' + charset, 'PID|1||1^^^H^MR', 'OBR|1|||CBC', ...obx].join('\r') + '\r';

describe('staging workflow steps', () => {
  it('execution input and name come from the `ingested` event; a replay is the next attempt', () => {
    const { record } = setup(new Uint8Array());
    const first = executionInputOf(ingestedEvent(record));
    expect(first).toEqual({ messageId: record.messageId, source: 'lab', rawKey: record.rawKey, attempt: 1 });
    expect(executionName(first)).toBe(`${record.messageId}-1`);
    const replay = executionInputOf(ingestedEvent({ ...record, attempts: 1 }));
    expect(executionName(replay)).toBe(`${record.messageId}-2`);
  });

  it('the trigger starts one execution per `ingested` record and ignores other events', async () => {
    const { record } = setup(new Uint8Array());
    const started: [string, StagingExecutionInput][] = [];
    const trigger = createTrigger({ starter: { start: async (name, input) => void started.push([name, input]) }, logger: silent });
    const sns = (e: HubEvent) => ({
      Sns: {
        Message: JSON.stringify(e.body),
        MessageAttributes: Object.fromEntries(Object.entries(snsAttributesOf(e.attributes)).map(([k, v]) => [k, { Type: 'String', Value: v.StringValue }])),
      },
    });
    const other = ingestedEvent(record);
    other.attributes.event = 'staged';
    await trigger({ Records: [sns(ingestedEvent(record)), sns(other)] }, {} as never);
    expect(started).toEqual([[`${record.messageId}-1`, { messageId: record.messageId, source: 'lab', rawKey: record.rawKey, attempt: 1 }]]);
  });

  it('normalize -> parse: CR terminators, MLLP and BOM gone, staging JSON in work/, scratch text left to the lifecycle', async () => {
    const framed = Buffer.concat([
      Buffer.from([0x0b, 0xef, 0xbb, 0xbf]),
      Buffer.from(ORU(['OBX|1|NM|HGB||13.5|g/dL']).replace(/\r/g, '\n')),
      Buffer.from([0x1c, 0x0d]),
    ]);
    const { objectStore, normalized, text, parsed, record, published } = await run(framed);
    expect(normalized.normalizedKey).toBe(workNormalizedKey(record.messageId, 1));
    expect(text).toBe(ORU(['OBX|1|NM|HGB||13.5|g/dL']));
    expect(parsed).toEqual({
      messageId: record.messageId,
      source: 'lab',
      attempt: 1,
      outcome: 'staged',
      workKey: workStagingKey(record.messageId, 1),
      structure: 'ORU_R01',
    });
    expect(objectStore.keys()).toEqual([record.rawKey, workNormalizedKey(record.messageId, 1), workStagingKey(record.messageId, 1)].sort());
    expect(published.map((e) => e.attributes.event)).toEqual(['staged']);
  });

  it('a latin-1 message (MSH-18 8859/1) keeps its accents through the work/ hand-off', async () => {
    const raw = Buffer.from(ORU(['OBX|1|ST|NOTE||r\xe9sultat normal'], '8859/1'), 'latin1');
    const { objectStore, record } = await run(raw);
    const staging = JSON.parse(Buffer.from((await objectStore.get(workStagingKey(record.messageId, 1)))!.body).toString('utf8')) as { obx: unknown };
    expect(JSON.stringify(staging.obx)).toContain('résultat normal');
  });

  it('a message that cannot be staged publishes `failed` with at most 100 diagnostics, errors first', async () => {
    // 150 lines that are not segments: one error (NON_SEGMENT_LINES) and a warning per line.
    const junk = Array.from({ length: 150 }, (_, i) => `${i} junk line`);
    const { parsed, published, objectStore, record } = await run(Buffer.from(ORU([...junk, 'OBX|1|NM|HGB||13.5'])));
    expect(parsed).toMatchObject({ outcome: 'failed' });
    expect(published).toHaveLength(1);
    const body = published[0]!.body as unknown as { stage: string; diagnostics: { code: string; severity: string }[] };
    expect(body.stage).toBe('parse');
    expect(body.diagnostics).toHaveLength(MAX_EVENT_DIAGNOSTICS);
    expect(body.diagnostics[0]).toMatchObject({ code: 'NON_SEGMENT_LINES', severity: 'error' });
    expect(body.diagnostics.slice(1).every((d) => d.severity === 'warning')).toBe(true);
    expect(objectStore.keys()).toEqual([record.rawKey, workNormalizedKey(record.messageId, 1)].sort());
  });

  it('the steps refuse states that are not theirs (the execution fails, nothing is written)', async () => {
    const { deps, record, objectStore, put } = setup(Buffer.from(ORU([])));
    await put();
    const normalize = createNormalizeTask(deps);
    const good = { messageId: record.messageId, source: 'lab', rawKey: record.rawKey, attempt: 1 };
    for (const bad of [
      { ...good, rawKey: 'staging/x' },
      { ...good, attempt: 0 },
      { ...good, messageId: 'a/b' },
      { ...good, source: '' },
    ]) {
      await expect(normalize(bad, {} as never)).rejects.toBeInstanceOf(ValidationError);
    }
    const parse = createParseTask(deps);
    const wrongKey: NormalizedState = { ...good, normalizedKey: `raw/${record.messageId}.hl7` };
    await expect(parse(wrongKey, {} as never)).rejects.toBeInstanceOf(ValidationError);
    expect(objectStore.keys()).toEqual([record.rawKey]);
  });

  it('parse fails when the catalog has no such message, or neither the normalized text nor the raw bytes are there', async () => {
    const { deps, record } = setup(Buffer.from(ORU([])));
    const parse = createParseTask(deps);
    const state = { messageId: record.messageId, source: 'lab', rawKey: record.rawKey, attempt: 1, normalizedKey: workNormalizedKey(record.messageId, 1) };
    const noRaw = await parse(state, {} as never).catch((e: unknown) => e);
    expect(noRaw).toBeInstanceOf(StagingInputMissingError);
    expect(noRaw).toBeInstanceOf(StagingError);
    expect((noRaw as Error).message).toBe(`raw object missing for message ${record.messageId}`);
    const other = newMessageId();
    await expect(parse({ ...state, messageId: other, normalizedKey: workNormalizedKey(other, 1) }, {} as never)).rejects.toThrow(
      `catalog row missing for message ${other}`,
    );
  });

  it('parse is safe to retry after it already published: same outcome, same work/ key', async () => {
    const { deps, normalized, parsed, published, objectStore, record } = await run(Buffer.from(ORU(['OBX|1|NM|HGB||13.5|g/dL'])));
    // Step Functions retries the task (e.g. Lambda.ServiceException after the function returned).
    const again = await createParseTask(deps)(normalized, {} as never);
    expect(again).toEqual(parsed);
    expect(published.map((e) => [e.attributes.event, e.body.workKey])).toEqual([
      ['staged', workStagingKey(record.messageId, 1)],
      ['staged', workStagingKey(record.messageId, 1)],
    ]);
    expect(objectStore.keys()).toContain(workStagingKey(record.messageId, 1));
  });

  it('parse normalizes the raw bytes again when the normalized copy is gone', async () => {
    const framed = Buffer.concat([Buffer.from([0x0b]), Buffer.from(ORU(['OBX|1|NM|HGB||13.5|g/dL']).replace(/\r/g, '\r\n')), Buffer.from([0x1c, 0x0d])]);
    const { deps, normalized, parsed, objectStore, record } = await run(framed);
    const first = Buffer.from((await objectStore.get(workStagingKey(record.messageId, 1)))!.body).toString('utf8');
    await objectStore.delete(normalized.normalizedKey);
    await objectStore.delete(workStagingKey(record.messageId, 1));
    const again = await createParseTask(deps)(normalized, {} as never);
    expect(again).toEqual(parsed);
    expect(Buffer.from((await objectStore.get(workStagingKey(record.messageId, 1)))!.body).toString('utf8')).toBe(first);
  });
});
