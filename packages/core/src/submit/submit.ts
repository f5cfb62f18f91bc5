import { type Diagnostic, Hl7FatalError, type MessageHeader, readHeader, type SplitResult, splitMessages } from '@hcdl/hl7v2';
import {
  AccessDeniedError,
  assertSource,
  type Claims,
  chooseSubmitSource,
  contentHash,
  dedupKeyOf,
  ErrorStage,
  type LogPort,
  newMessageId,
  ValidationError,
} from '@hcdl/lake';
import type { Writer } from '../ingest/writer';
import { decodeBody } from './body';
import type { DedupInput, DedupOutcome, IngestResult } from './dedup';

/** One submission as every transport hands it over (HTTP, MLLP, a Lambda event). */
export interface SubmitInput {
  /** Verified token claims; undefined when the request carried no valid token. */
  claims: Claims | undefined;
  /** The source asked for (`?source=` or `x-hcdl-source`); the write claim decides. */
  source?: string | undefined;
  /** Media type of the body (`application/hl7-v2`, `application/json`, ...). */
  contentType?: string | undefined;
  /** Length the sender declared, when it declared one (refused early when over the limit). */
  declaredLength?: number | undefined;
  body: Uint8Array;
}

/** One message of an accepted submission. */
export interface SubmittedMessage {
  status: 'ingested' | 'duplicate';
  messageId: string;
  controlId?: string;
  messageType?: string;
}

/** What a submission came to; the transports turn it into their answer (JSON, HL7 ACK). */
export type SubmitOutcome =
  | { kind: 'unauthorized' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'too-large'; limit: number }
  | { kind: 'unsupported-media-type'; message: string }
  | { kind: 'bad-request'; code: string; message: string }
  | { kind: 'not-hl7'; messageId: string; diagnostics: Diagnostic[] }
  | { kind: 'empty-batch' }
  /** One message (`batchId` absent) or a batch file split into `messages`. */
  | { kind: 'accepted'; header: MessageHeader | undefined; messages: SubmittedMessage[]; batchId?: string };

export interface SubmitDeps {
  writer: Pick<Writer, 'ingest' | 'ingestRejected' | 'storeBatch'>;
  dedup: (input: DedupInput, ingest: () => Promise<IngestResult>) => Promise<DedupOutcome>;
  maxBodyBytes: number;
  logger: LogPort;
}

/**
 * The submit use-case: authorize (ABAC on custom:write), check size and type, split batches
 * (normalizing once), hash each message once, deduplicate it over the window, and have the
 * writer make it durable before the transport answers. Input that is not HL7 is kept
 * (raw + error zone) with an id.
 */
export function createSubmit(deps: SubmitDeps) {
  async function reject(source: string, bytes: Uint8Array, diagnostics: Diagnostic[], submittedBy: string | undefined): Promise<SubmitOutcome> {
    const messageId = newMessageId();
    const input = { messageId, source, bytes, stage: ErrorStage.FrontDoor, diagnostics };
    await deps.writer.ingestRejected(submittedBy === undefined ? input : { ...input, submittedBy });
    deps.logger.info('input rejected: not HL7 v2', { messageId, size: bytes.byteLength });
    return { kind: 'not-hl7', messageId, diagnostics };
  }

  return async function submit(req: SubmitInput): Promise<SubmitOutcome> {
    if (req.claims === undefined) return { kind: 'unauthorized' };
    let source: string;
    try {
      // A `*` writer may name any source: it must still be a well-formed source id (a path segment).
      source = assertSource(chooseSubmitSource(req.claims, req.source));
    } catch (err) {
      if (err instanceof AccessDeniedError) return { kind: 'forbidden', message: err.message };
      if (err instanceof ValidationError) {
        return req.source === undefined || req.source === ''
          ? { kind: 'bad-request', code: 'SOURCE_REQUIRED', message: err.message }
          : { kind: 'bad-request', code: 'INVALID_SOURCE', message: err.message };
      }
      throw err;
    }
    if (req.body.byteLength > deps.maxBodyBytes || (req.declaredLength ?? 0) > deps.maxBodyBytes) return { kind: 'too-large', limit: deps.maxBodyBytes };
    const decoded = decodeBody(req.contentType, req.body);
    if (!decoded.ok) {
      return decoded.status === 415
        ? { kind: 'unsupported-media-type', message: decoded.message }
        : { kind: 'bad-request', code: decoded.code, message: decoded.message };
    }
    const bytes = decoded.bytes;
    const submittedBy = typeof req.claims.sub === 'string' ? req.claims.sub : undefined;

    let split: SplitResult;
    try {
      split = splitMessages(bytes);
    } catch (err) {
      if (!(err instanceof Hl7FatalError)) throw err;
      return reject(source, bytes, [...err.diagnostics], submittedBy);
    }
    if (split.diagnostics.some((d) => d.severity === 'error')) return reject(source, bytes, split.diagnostics, submittedBy);
    if (split.messages.length === 0) return { kind: 'empty-batch' };

    const single = split.messages.length === 1;
    let batchId: string | undefined;
    if (!single) {
      batchId = newMessageId();
      // The whole file as received, besides each message: nothing of the envelope is lost.
      await deps.writer.storeBatch({ source, batchId, bytes, messages: split.messages.length });
    }
    const messages: SubmittedMessage[] = [];
    let first: MessageHeader | undefined;
    for (const chunk of split.messages) {
      const header = readHeader(chunk.text);
      first ??= header;
      const candidateId = newMessageId();
      // One hash per message: the dedup key and the catalog's content hash are the same digest.
      const hash = contentHash(chunk.text);
      const outcome = await deps.dedup({ dedupKey: dedupKeyOf(source, hash), candidateId }, async () => {
        const record = await deps.writer.ingest({
          messageId: candidateId,
          source,
          bytes: single ? bytes : Buffer.from(chunk.text, 'utf8'),
          contentHash: hash,
          header,
          ...(submittedBy !== undefined ? { submittedBy } : {}),
          ...(batchId !== undefined ? { batchId, batchIndex: chunk.index } : {}),
        });
        const r: IngestResult = { messageId: record.messageId };
        if (record.controlId !== undefined) r.controlId = record.controlId;
        if (record.messageType !== undefined) r.messageType = record.messageType;
        return r;
      });
      messages.push({ status: outcome.duplicate ? 'duplicate' : 'ingested', ...outcome.result });
      if (outcome.duplicate) deps.logger.info('duplicate refused', { messageId: outcome.result.messageId });
    }
    return batchId === undefined ? { kind: 'accepted', header: first, messages } : { kind: 'accepted', header: first, messages, batchId };
  };
}

export type Submit = ReturnType<typeof createSubmit>;
