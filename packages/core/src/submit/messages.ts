import { type Diagnostic, Hl7FatalError, type MessageChunk, type MessageHeader, readHeader, type SplitResult, splitMessages } from '@hcdl/hl7v2';
import { contentHash, dedupKeyOf, ErrorStage, type LogPort, newMessageId } from '@hcdl/lake';
import pMap from 'p-map';
import type { BatchReport, Writer } from '../ingest/writer';
import type { DedupInput, DedupOutcome, IngestResult } from './dedup';

/** One message of an accepted submission. */
export interface SubmittedMessage {
  status: 'ingested' | 'duplicate';
  messageId: string;
  controlId?: string;
  messageType?: string;
}

/** What the bytes of one submission or landed file came to. */
export type IngestOutcome =
  | { kind: 'not-hl7'; messageId: string; diagnostics: Diagnostic[] }
  | { kind: 'empty-batch' }
  /** A batch holding more messages than one request may (the upload path takes any number). */
  | { kind: 'too-many-messages'; count: number; limit: number }
  /** One message (`batchId` absent) or a batch file split into `messages`. */
  | { kind: 'accepted'; header: MessageHeader | undefined; messages: SubmittedMessage[]; batchId?: string };

/** Bytes already authorized for a source (a request whose claims were checked, a landed file). */
export interface MessagesInput {
  source: string;
  bytes: Uint8Array;
  submittedBy?: string;
  /**
   * A file landed in the bucket (an upload, a file drop): its id is the batch id of every
   * message, even a file of one message, so each message leads back to it; the same file
   * delivered twice keeps its first batch file and report (its messages come back duplicates).
   */
  landed?: { batchId: string; key: string };
}

/**
 * The door's reading of a submission's bytes: the split into messages, and each message's
 * header and content hash; or, for bytes that hold no usable MSH, the diagnostics that say why.
 * Plain data, so it can be made on another thread (a Hl7FatalError would lose its class there).
 */
export type PreparedMessages = { ok: true; split: SplitResult; headers: MessageHeader[]; hashes: string[] } | { ok: false; diagnostics: Diagnostic[] };

/** Prepares on the calling thread: split (normalizing once), then each message's header and hash. */
export function prepareMessages(bytes: Uint8Array): PreparedMessages {
  let split: SplitResult;
  try {
    split = splitMessages(bytes);
  } catch (err) {
    if (!(err instanceof Hl7FatalError)) throw err;
    return { ok: false, diagnostics: [...err.diagnostics] };
  }
  // One hash per message: the dedup key and the catalog's content hash are the same digest.
  return { ok: true, split, headers: split.messages.map((c) => readHeader(c.text)), hashes: split.messages.map((c) => contentHash(c.text)) };
}

export interface MessageIngestDeps {
  writer: Pick<Writer, 'ingest' | 'ingestRejected' | 'storeBatch' | 'storeBatchReport'>;
  dedup: (input: DedupInput, ingest: () => Promise<IngestResult>) => Promise<DedupOutcome>;
  logger: LogPort;
  /** Messages of one batch deduplicated and ingested at once (default 1: in order). */
  concurrency?: number;
  /** Most messages one request may hold (default: no limit). Landed files have none. */
  maxMessages?: number;
  /**
   * How the bytes are prepared (default prepareMessages, on this thread). The local lake hands
   * large bodies to a worker thread, so that decoding, splitting and hashing megabytes does
   * not hold the event loop that serves every other request.
   */
  prepare?: (bytes: Uint8Array) => PreparedMessages | Promise<PreparedMessages>;
}

/**
 * Ingest of authorized bytes, shared by every path (POST, MLLP, uploads, file drops): split
 * (normalizing once), keep a batch file as received, hash each message once, deduplicate it
 * over the window and have the writer make it durable; a batch's outcome is kept as a report
 * beside its file, so a batch is never half ingested without a way to know which half.
 * Input that is not HL7 is kept (raw + error zone) with an id.
 */
export function createMessageIngest(deps: MessageIngestDeps) {
  const concurrency = Math.max(1, deps.concurrency ?? 1);

  async function reject(input: MessagesInput, diagnostics: Diagnostic[]): Promise<IngestOutcome> {
    const messageId = newMessageId();
    const rejected = { messageId, source: input.source, bytes: input.bytes, stage: ErrorStage.FrontDoor, diagnostics };
    await deps.writer.ingestRejected(input.submittedBy === undefined ? rejected : { ...rejected, submittedBy: input.submittedBy });
    deps.logger.info('input rejected: not HL7 v2', { messageId, size: input.bytes.byteLength });
    await report(input, input.landed?.batchId, { status: 'not-hl7', messageId, messages: [] });
    return { kind: 'not-hl7', messageId, diagnostics };
  }

  /** The batch's report beside its file: what became of each message (kept once: a redelivery keeps the first). */
  async function report(input: MessagesInput, batchId: string | undefined, outcome: Pick<BatchReport, 'status' | 'messages' | 'messageId'>): Promise<void> {
    if (batchId === undefined) return;
    await deps.writer.storeBatchReport({ source: input.source, batchId, ...(input.landed !== undefined ? { landingKey: input.landed.key } : {}), ...outcome });
  }

  async function ingestOne(
    input: MessagesInput,
    chunk: MessageChunk,
    header: MessageHeader,
    hash: string,
    single: boolean,
    batchId: string | undefined,
  ): Promise<{ message: SubmittedMessage; header: MessageHeader }> {
    const candidateId = newMessageId();
    const outcome = await deps.dedup({ dedupKey: dedupKeyOf(input.source, hash), candidateId, source: input.source, contentHash: hash }, async () => {
      const record = await deps.writer.ingest({
        messageId: candidateId,
        source: input.source,
        bytes: single ? input.bytes : Buffer.from(chunk.text, 'utf8'),
        contentHash: hash,
        header,
        ...(input.submittedBy !== undefined ? { submittedBy: input.submittedBy } : {}),
        ...(batchId !== undefined ? { batchId, batchIndex: chunk.index } : {}),
      });
      const r: IngestResult = { messageId: record.messageId };
      if (record.controlId !== undefined) r.controlId = record.controlId;
      if (record.messageType !== undefined) r.messageType = record.messageType;
      return r;
    });
    if (outcome.duplicate) deps.logger.info('duplicate refused', { messageId: outcome.result.messageId });
    return { message: { status: outcome.duplicate ? 'duplicate' : 'ingested', ...outcome.result }, header };
  }

  return async function ingestMessages(input: MessagesInput): Promise<IngestOutcome> {
    const prepared = await (deps.prepare ?? prepareMessages)(input.bytes);
    if (!prepared.ok) return reject(input, prepared.diagnostics);
    const { split, headers, hashes } = prepared;
    if (split.diagnostics.some((d) => d.severity === 'error')) return reject(input, split.diagnostics);
    if (split.messages.length === 0) {
      await report(input, input.landed?.batchId, { status: 'empty', messages: [] });
      return { kind: 'empty-batch' };
    }
    const limit = input.landed === undefined ? deps.maxMessages : undefined;
    if (limit !== undefined && split.messages.length > limit) return { kind: 'too-many-messages', count: split.messages.length, limit };

    const single = split.messages.length === 1;
    const batchId = input.landed?.batchId ?? (single ? undefined : newMessageId());
    if (batchId !== undefined && !single) {
      // The whole file as received, besides each message: nothing of the envelope is lost.
      await deps.writer.storeBatch({
        source: input.source,
        batchId,
        bytes: input.bytes,
        messages: split.messages.length,
        existingIsKept: input.landed !== undefined,
      });
    }
    const done = await pMap(split.messages, (chunk, i) => ingestOne(input, chunk, headers[i] as MessageHeader, hashes[i] as string, single, batchId), {
      concurrency,
    });
    const messages = done.map((d) => d.message);
    const first = done[0]?.header;
    await report(input, batchId, { status: 'ingested', messages });
    return batchId === undefined ? { kind: 'accepted', header: first, messages } : { kind: 'accepted', header: first, messages, batchId };
  };
}

export type MessageIngest = ReturnType<typeof createMessageIngest>;
