import {
  contentHash,
  createPatientIndex,
  dayOf,
  errorKey,
  errorReportKey,
  ingestedEvent,
  MessageStatus,
  rawBatchKey,
  rawKey,
  stagingKey,
  type Catalog,
  type ErrorRecord,
  type ErrorStage,
  type Hub,
  type HubEvent,
  type MessageRecord,
  type ObjectStore,
} from '@hcdl/lake';
import { errorsFirst, Hl7Error, parseMessage, type Diagnostic, type MessageHeader } from '@hcdl/hl7v2';
import { MissingLakeObjectError } from './errors';
import type { LogPort } from './logger';
import { newMessageRow, type NewMessageRow } from './message-row';
import { createReplay } from './replay';

export interface CoreDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  logger: LogPort;
  now?: () => Date;
}

export interface IngestInput {
  messageId: string;
  source: string;
  /** The bytes to keep in the raw zone (the message as received). */
  bytes: Uint8Array;
  /** The normalized message text (dedup and content hash are computed on it). */
  normalized: string;
  header: MessageHeader;
  submittedBy?: string;
  batchId?: string;
  batchIndex?: number;
}

export interface RejectInput {
  messageId: string;
  source: string;
  bytes: Uint8Array;
  stage: ErrorStage;
  diagnostics: readonly Diagnostic[];
  submittedBy?: string;
}

/** A batch file as received, kept in the raw zone beside its messages. */
export interface BatchInput {
  source: string;
  batchId: string;
  bytes: Uint8Array;
  /** How many messages the front door split it into. */
  messages: number;
}

/** At most this many diagnostics are kept per attempt (errors first). */
export const MAX_DIAGNOSTICS = 100;

/**
 * Core: the only writer of the zones and the catalog. `ingest` makes a message durable
 * (raw object, then catalog row) before the front door answers; `applyStaged`/`applyFailed`
 * record the staging outcome.
 */
export function createCore(deps: CoreDeps) {
  const now = (): string => (deps.now?.() ?? new Date()).toISOString();
  const indexPatient = createPatientIndex(deps.catalog);

  /**
   * Patient cross-reference of a staged message, from its raw bytes (the staging JSON is
   * schema-named; the index reads PID/MRG by position). Idempotent, so a redelivered
   * `staged` event gives the same patient. Returns the patient of the first PID.
   */
  async function patientOf(record: MessageRecord): Promise<string | undefined> {
    const raw = await deps.objectStore.get(record.rawKey);
    if (raw === undefined) throw new MissingLakeObjectError('raw object', record.messageId);
    let message;
    try {
      message = parseMessage(raw.body);
    } catch (err) {
      if (!(err instanceof Hl7Error)) throw err;
      deps.logger.warn('patient index skipped: message not parseable', { messageId: record.messageId, error: err.name });
      return undefined;
    }
    const input = {
      messageId: record.messageId,
      source: record.source,
      at: now(),
      ...(record.messageType !== undefined ? { messageType: record.messageType } : {}),
    };
    const outcome = await indexPatient(message, input);
    if (outcome.links.length > 0 || outcome.merges.length > 0) {
      deps.logger.info('patient index updated', { messageId: record.messageId, links: outcome.links.length, merges: outcome.merges.length });
    }
    return outcome.patientId;
  }

  async function publishIngested(record: MessageRecord): Promise<void> {
    try {
      await deps.hub.publish(ingestedEvent(record, now()));
    } catch (err) {
      // The row stays 'ingested'; the pipeline re-publishes such rows when it resumes.
      deps.logger.warn('publishing ingested failed; the message will be resumed', { messageId: record.messageId, error: (err as Error).name });
    }
  }

  /** Raw bytes first (never overwritten), then the catalog row: durable before the front door answers. */
  async function storeRaw(
    input: { messageId: string; source: string; bytes: Uint8Array },
    hash: string,
    contentType: string,
    optional: NewMessageRow['optional'],
  ): Promise<MessageRecord> {
    const key = rawKey(input.source, input.messageId);
    await deps.objectStore.put({
      key,
      body: input.bytes,
      contentType,
      metadata: { messageId: input.messageId, source: input.source, contentHash: hash },
      ifNoneMatch: true,
    });
    const record = newMessageRow({
      messageId: input.messageId,
      source: input.source,
      rawKey: key,
      contentHash: hash,
      size: input.bytes.byteLength,
      at: now(),
      optional,
    });
    await deps.catalog.putMessage(record);
    return record;
  }

  async function ingest(input: IngestInput): Promise<MessageRecord> {
    const h = input.header;
    const record = await storeRaw(input, contentHash(input.normalized), 'application/hl7-v2', {
      controlId: h.controlId,
      messageType: h.messageType,
      version: h.version,
      sendingApplication: h.sendingApplication,
      sendingFacility: h.sendingFacility,
      submittedBy: input.submittedBy,
      batchId: input.batchId,
      batchIndex: input.batchIndex,
    });
    deps.logger.info('message ingested', { messageId: record.messageId, source: record.source, size: record.size });
    await publishIngested(record);
    return record;
  }

  /** Whether the catalog already holds diagnostics of this attempt (a retried write). */
  async function hasErrorsOfAttempt(messageId: string, attempt: number): Promise<boolean> {
    let cursor: string | undefined;
    do {
      const page = await deps.catalog.listErrors(cursor === undefined ? { messageId } : { messageId, cursor });
      if (page.items.some((e) => e.attempt === attempt)) return true;
      cursor = page.cursor;
    } while (cursor !== undefined);
    return false;
  }

  async function writeError(
    record: MessageRecord,
    attempt: number,
    stage: ErrorStage,
    diagnostics: readonly Diagnostic[],
    raw: Uint8Array,
  ): Promise<MessageRecord> {
    const kept = errorsFirst(diagnostics, MAX_DIAGNOSTICS);
    const at = now();
    const eKey = errorKey(record.source, record.messageId);
    await deps.objectStore.put({ key: eKey, body: raw, contentType: 'application/hl7-v2', tags: { data_src: record.rawKey } });
    await deps.objectStore.put({
      key: errorReportKey(record.source, record.messageId),
      body: JSON.stringify({ messageId: record.messageId, source: record.source, attempt, stage, at, data_src: record.rawKey, diagnostics: kept }),
      contentType: 'application/json',
      tags: { data_src: record.rawKey },
    });
    const rows: ErrorRecord[] = kept.map((d) => ({
      messageId: record.messageId,
      attempt,
      stage,
      severity: d.severity,
      code: d.code,
      message: d.message,
      location: d.location,
      line: d.line,
      column: d.column,
      at,
    }));
    // A retry after a crash between these rows and the status update must not add them again.
    if (!(await hasErrorsOfAttempt(record.messageId, attempt))) await deps.catalog.putErrors(rows);
    const updated = await deps.catalog.updateMessage(record.messageId, { status: MessageStatus.Error, errorKey: eKey, attempts: attempt, updatedAt: at });
    deps.logger.info('message kept in the error zone', { messageId: record.messageId, stage, diagnostics: kept.length });
    return updated;
  }

  /** Input that is not HL7 at all: kept in the raw and error zones with its diagnostics, status error. */
  async function ingestRejected(input: RejectInput): Promise<MessageRecord> {
    const record = await storeRaw(input, contentHash(input.bytes), 'application/octet-stream', { submittedBy: input.submittedBy });
    return writeError(record, 1, input.stage, input.diagnostics, input.bytes);
  }

  /** The whole batch file as received (never overwritten): nothing of the envelope is lost. */
  async function storeBatch(input: BatchInput): Promise<{ key: string }> {
    const key = rawBatchKey(input.source, input.batchId);
    await deps.objectStore.put({
      key,
      body: input.bytes,
      contentType: 'application/hl7-v2',
      metadata: { batchId: input.batchId, source: input.source, messages: String(input.messages) },
      ifNoneMatch: true,
    });
    deps.logger.info('batch file kept', { batchId: input.batchId, messages: input.messages, size: input.bytes.byteLength });
    return { key };
  }

  async function recordOf(event: HubEvent): Promise<MessageRecord> {
    const record = await deps.catalog.getMessage(event.body.messageId);
    if (record === undefined) throw new MissingLakeObjectError('catalog row', event.body.messageId);
    return record;
  }

  /** `staged`: move the staging JSON from the work area into the staging zone, tagged with its raw key. */
  async function applyStaged(event: HubEvent): Promise<MessageRecord> {
    const record = await recordOf(event);
    const workKey = String(event.body.workKey);
    const work = await deps.objectStore.get(workKey);
    if (work === undefined) {
      if (record.status === MessageStatus.Staged) return record; // redelivery after success
      throw new MissingLakeObjectError('staging output', record.messageId);
    }
    const structure = typeof event.body.structure === 'string' ? event.body.structure : undefined;
    const key = stagingKey(record.source, structure, record.messageId);
    await deps.objectStore.put({
      key,
      body: work.body,
      contentType: 'application/json',
      tags: { data_src: record.rawKey },
      metadata: { messageId: record.messageId },
    });
    const patientId = await patientOf(record);
    const patch: Partial<MessageRecord> = { status: MessageStatus.Staged, stagingKey: key, attempts: Number(event.body.attempt ?? 1), updatedAt: now() };
    if (structure !== undefined) patch.structure = structure;
    if (patientId !== undefined) patch.patientId = patientId;
    const updated = await deps.catalog.updateMessage(record.messageId, patch);
    await deps.objectStore.delete(workKey);
    deps.logger.info('message staged', { messageId: record.messageId, dt: dayOf(record.messageId) });
    return updated;
  }

  /** `failed`: raw bytes and diagnostics to the error zone, errors to the catalog. */
  async function applyFailed(event: HubEvent): Promise<MessageRecord> {
    const record = await recordOf(event);
    const attempt = Number(event.body.attempt ?? 1);
    // A repeated `failed` (SNS redelivery, a retried parse step) would add its diagnostics twice.
    if (record.status === MessageStatus.Error && record.attempts >= attempt) {
      deps.logger.info('failed outcome already applied', { messageId: record.messageId, attempt });
      return record;
    }
    const raw = await deps.objectStore.get(record.rawKey);
    if (raw === undefined) throw new MissingLakeObjectError('raw object', record.messageId);
    const diagnostics = Array.isArray(event.body.diagnostics) ? (event.body.diagnostics as Diagnostic[]) : [];
    return writeError(record, attempt, (event.body.stage as ErrorStage) ?? 'parse', diagnostics, raw.body);
  }

  const { resume, replay, replayErrors } = createReplay({ catalog: deps.catalog, logger: deps.logger, now, publishIngested });
  return { ingest, ingestRejected, storeBatch, applyStaged, applyFailed, resume, publishIngested, replay, replayErrors };
}

export type Core = ReturnType<typeof createCore>;

/**
 * Core's ingest as the front door uses it. Local: the in-process core itself. AWS: a
 * remote adapter (@hcdl/aws RemoteCoreIngest) that invokes core-writer's ingest function,
 * so core-writer stays the only writer of the zones and the catalog (docs/adr/0005).
 */
export type CoreIngestPort = Pick<Core, 'ingest' | 'ingestRejected' | 'storeBatch'>;
