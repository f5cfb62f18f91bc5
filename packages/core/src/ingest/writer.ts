import type { Diagnostic, MessageHeader } from '@hcdl/hl7v2';
import {
  type Catalog,
  claimEnd,
  ContentClaimedError,
  contentHash,
  type ErrorStage,
  type Hub,
  ingestedEvent,
  type LogPort,
  type MessageRecord,
  ObjectAlreadyExistsError,
  type ObjectStore,
  rawBatchKey,
  rawKey,
} from '@hcdl/lake';
import type { SubmittedMessage } from '../submit/messages';
import { createErrorZone, type RecordError } from './error-zone';
import { type NewMessageRow, newMessageRow } from './message-row';

export interface WriterDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  logger: LogPort;
  now: () => string;
  /**
   * The dedup window in seconds: when set, each ingested message's row claims its (source,
   * content hash) for that long in the same catalog write (ADR 0014), and a message whose
   * content a row already claims is answered with that row instead of being stored again.
   */
  dedupWindowSeconds?: number;
}

export interface IngestInput {
  messageId: string;
  source: string;
  /** The bytes to keep in the raw zone (the message as received). */
  bytes: Uint8Array;
  /** sha-256 hex of the normalized message text, computed once by submit (it is also the dedup key's hash). */
  contentHash: string;
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
  /** How many messages submit split it into. */
  messages: number;
  /** A landed file delivered again (same id): the first copy is kept, the call succeeds. */
  existingIsKept?: boolean;
}

/** What became of a batch (a batch file posted, an upload, a file drop), kept beside its raw file. */
export interface BatchReport {
  batchId: string;
  source: string;
  /** `ingested`: every message below is durable (new or a duplicate); `not-hl7`: the file went to the error zone whole; `empty`: no message. */
  status: 'ingested' | 'not-hl7' | 'empty';
  /** One entry per message, in file order (index i+1 of the batch). */
  messages: SubmittedMessage[];
  /** The id of the error-zone copy when the file was not HL7. */
  messageId?: string;
  /** The landing object the batch came from (uploads, file drops). */
  landingKey?: string;
  at?: string;
}

/** The report of a batch: beside its raw batch file, `<batchId>.report.json`. */
export const batchReportKey = (source: string, batchId: string): string => rawBatchKey(source, batchId).replace(/\.hl7$/, '.report.json');

/**
 * Publishes `ingested` for a row. A failure is logged, never thrown: the row is durable and
 * stays `ingested`, and the sweep (or the local lake's resume) publishes it again.
 */
export function createIngestedPublisher(deps: Pick<WriterDeps, 'hub' | 'logger' | 'now'>): (record: MessageRecord) => Promise<void> {
  return async function publishIngested(record: MessageRecord): Promise<void> {
    try {
      await deps.hub.publish(ingestedEvent(record, deps.now()));
    } catch (err) {
      deps.logger.warn('publishing ingested failed; the message waits for resume', { messageId: record.messageId, error: (err as Error).name });
    }
  };
}

/**
 * The ingest use-case: makes a message durable (raw object, then catalog row) before the
 * transport answers, then publishes `ingested`. Input that is not HL7 is kept too, in the
 * raw and error zones. The raw zone is never overwritten.
 */
export function createWriter(deps: WriterDeps) {
  const recordError: RecordError = createErrorZone(deps);
  const publishIngested = createIngestedPublisher(deps);

  /** Raw bytes first (never overwritten), then the catalog row: durable before the transport answers. */
  async function storeRaw(
    input: { messageId: string; source: string; bytes: Uint8Array },
    hash: string,
    contentType: string,
    optional: NewMessageRow['optional'],
    claim = false,
  ): Promise<MessageRecord> {
    const key = rawKey(input.source, input.messageId);
    await deps.objectStore.put({
      key,
      body: input.bytes,
      contentType,
      metadata: { 'message-id': input.messageId, source: input.source, 'content-hash': hash },
      ifNoneMatch: true,
    });
    const record = newMessageRow({
      messageId: input.messageId,
      source: input.source,
      rawKey: key,
      contentHash: hash,
      size: input.bytes.byteLength,
      at: deps.now(),
      optional,
    });
    if (claim && deps.dedupWindowSeconds !== undefined) await deps.catalog.putMessage(record, { claimUntil: claimEnd(deps.dedupWindowSeconds) });
    else await deps.catalog.putMessage(record);
    return record;
  }

  /** The row that claims (source, contentHash) in the window, if any (ADR 0014). */
  async function heldBy(source: string, hash: string): Promise<MessageRecord | undefined> {
    const claim = await deps.catalog.getContentClaim(source, hash);
    return claim === undefined ? undefined : deps.catalog.getMessage(claim.messageId);
  }

  /**
   * Makes a message durable and publishes it; with a dedup window, a message whose content a
   * row already claims (a crash left its idempotency record in progress, which was then taken
   * over) is not stored again: the holder's row is returned, and the caller answers with its id.
   */
  async function ingest(input: IngestInput): Promise<MessageRecord> {
    if (deps.dedupWindowSeconds !== undefined) {
      const held = await heldBy(input.source, input.contentHash);
      if (held !== undefined) return held;
    }
    const h = input.header;
    let record: MessageRecord;
    try {
      record = await storeMessage(input, h);
    } catch (err) {
      // Two writers passed the check at once (a takeover of a record still being written): the catalog's unique key decided.
      const held = err instanceof ContentClaimedError ? await deps.catalog.getMessage(err.messageId) : undefined;
      if (held === undefined) throw err;
      deps.logger.warn('message refused by its content claim', { messageId: input.messageId, heldBy: held.messageId });
      return held;
    }
    deps.logger.info('message ingested', { messageId: record.messageId, source: record.source, size: record.size });
    await publishIngested(record);
    return record;
  }

  function storeMessage(input: IngestInput, h: MessageHeader): Promise<MessageRecord> {
    return storeRaw(
      input,
      input.contentHash,
      'application/hl7-v2',
      {
        controlId: h.controlId,
        messageType: h.messageType,
        version: h.version,
        sendingApplication: h.sendingApplication,
        sendingFacility: h.sendingFacility,
        submittedBy: input.submittedBy,
        batchId: input.batchId,
        batchIndex: input.batchIndex,
      },
      true,
    );
  }

  /** Input that is not HL7 at all: kept in the raw and error zones with its diagnostics, status error. */
  async function ingestRejected(input: RejectInput): Promise<MessageRecord> {
    const record = await storeRaw(input, contentHash(input.bytes), 'application/octet-stream', { submittedBy: input.submittedBy });
    return (await recordError(record, 1, input.stage, input.diagnostics, { bytes: input.bytes })).record;
  }

  /** The whole batch file as received (never overwritten): nothing of the envelope is lost. */
  async function storeBatch(input: BatchInput): Promise<{ key: string }> {
    const key = rawBatchKey(input.source, input.batchId);
    try {
      await deps.objectStore.put({
        key,
        body: input.bytes,
        contentType: 'application/hl7-v2',
        metadata: { 'batch-id': input.batchId, source: input.source, messages: String(input.messages) },
        ifNoneMatch: true,
      });
    } catch (err) {
      if (!(input.existingIsKept === true && err instanceof ObjectAlreadyExistsError)) throw err;
      deps.logger.info('batch file already kept', { batchId: input.batchId });
      return { key };
    }
    deps.logger.info('batch file kept', { batchId: input.batchId, messages: input.messages, size: input.bytes.byteLength });
    return { key };
  }

  /**
   * Keeps a batch's report beside its file, once: the report of the first complete run wins
   * (a redelivered landing event runs the batch again and finds every message a duplicate).
   */
  async function storeBatchReport(report: BatchReport): Promise<{ key: string; kept: boolean }> {
    const key = batchReportKey(report.source, report.batchId);
    try {
      await deps.objectStore.put({
        key,
        body: JSON.stringify({ ...report, at: report.at ?? deps.now() }),
        contentType: 'application/json',
        metadata: { 'batch-id': report.batchId, source: report.source },
        ifNoneMatch: true,
      });
    } catch (err) {
      if (!(err instanceof ObjectAlreadyExistsError)) throw err;
      return { key, kept: false };
    }
    return { key, kept: true };
  }

  return { ingest, heldBy, ingestRejected, storeBatch, storeBatchReport, publishIngested, recordError };
}

export type Writer = ReturnType<typeof createWriter>;
