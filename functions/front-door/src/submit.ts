import { buildAck, Hl7FatalError, readHeader, splitMessages, type Diagnostic, type MessageHeader, type SplitResult } from '@hcdl/hl7v2';
import { AccessDeniedError, chooseSubmitSource, dedupKey, ErrorStage, newMessageId, ValidationError, type Claims } from '@hcdl/lake';
import type { CoreIngestPort } from '@hcdl/fn-core-writer';
import { decodeBody } from './body';
import type { DedupOutcome, DedupInput, IngestResult } from './dedup';
import { header, hl7, httpError, json, type HttpResult } from './http';

export interface SubmitRequest {
  /** Verified JWT claims; undefined when the request carried no valid token. */
  claims: Claims | undefined;
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  body: Uint8Array;
}

export interface SubmitDeps {
  /** Core's ingest: in-process (local lake) or core-writer's ingest function (AWS). */
  core: CoreIngestPort;
  dedup: (input: DedupInput, ingest: () => Promise<IngestResult>) => Promise<DedupOutcome>;
  maxBodyBytes: number;
  logger: { info(m: string, ...e: Record<string, unknown>[]): void; warn(m: string, ...e: Record<string, unknown>[]): void };
}

type Entry = { status: 'ingested' | 'duplicate'; messageId: string; controlId?: string; messageType?: string };

const wantsHl7 = (req: SubmitRequest): boolean => (header(req.headers, 'accept') ?? '').toLowerCase().includes('application/hl7-v2');

function ackFor(req: SubmitRequest, headerOf: MessageHeader | undefined, code: 'AA' | 'AE' | 'AR', text: string, diagnostics?: Diagnostic[]): string {
  const opts: Parameters<typeof buildAck>[1] = { code, text };
  if (diagnostics !== undefined) opts.diagnostics = diagnostics;
  return buildAck(headerOf ?? {}, opts);
}

/**
 * POST /hl7v2/er7: authenticate (claims), authorize (ABAC on custom:write), check size and
 * type, split batches, deduplicate each message over the window, and have core make each
 * one durable before answering 201. Input that is not HL7 is kept (raw + error zone) and
 * answered 400 with its id.
 */
export function createSubmit(deps: SubmitDeps) {
  return async function submit(req: SubmitRequest): Promise<HttpResult> {
    if (req.claims === undefined) return httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    let source: string;
    try {
      source = chooseSubmitSource(req.claims, req.query.source ?? header(req.headers, 'x-hcdl-source'));
    } catch (err) {
      if (err instanceof AccessDeniedError) return httpError(403, 'FORBIDDEN', err.message);
      if (err instanceof ValidationError) return httpError(400, 'SOURCE_REQUIRED', err.message);
      throw err;
    }
    const declared = Number(header(req.headers, 'content-length') ?? req.body.byteLength);
    if (req.body.byteLength > deps.maxBodyBytes || declared > deps.maxBodyBytes) {
      return httpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${deps.maxBodyBytes} bytes`);
    }
    const decoded = decodeBody(header(req.headers, 'content-type'), req.body);
    if (!decoded.ok) return httpError(decoded.status, decoded.code, decoded.message);
    const bytes = decoded.bytes;
    const submittedBy = typeof req.claims.sub === 'string' ? req.claims.sub : undefined;

    let split: SplitResult | undefined;
    let fatal: Diagnostic[] | undefined;
    try {
      split = splitMessages(bytes);
      const errors = split.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) fatal = split.diagnostics;
    } catch (err) {
      if (!(err instanceof Hl7FatalError)) throw err;
      fatal = [...err.diagnostics];
    }
    if (fatal !== undefined || split === undefined) {
      const messageId = newMessageId();
      const input = { messageId, source, bytes, stage: ErrorStage.FrontDoor, diagnostics: fatal ?? [] };
      await deps.core.ingestRejected(submittedBy === undefined ? input : { ...input, submittedBy });
      deps.logger.info('input rejected: not HL7 v2', { messageId, size: bytes.byteLength });
      const details = {
        messageId,
        diagnostics: (fatal ?? []).filter((d) => d.severity === 'error').map((d) => ({ code: d.code, message: d.message, location: d.location, line: d.line })),
      };
      if (wantsHl7(req)) return hl7(400, ackFor(req, undefined, 'AR', 'not an HL7 v2 message', fatal));
      return httpError(400, 'NOT_HL7', 'the body is not an HL7 v2 message; it was kept in the error zone', details);
    }
    if (split.messages.length === 0) {
      return httpError(400, 'EMPTY_BATCH', 'the batch envelope holds no message');
    }

    const single = split.messages.length === 1;
    let batchId: string | undefined;
    if (!single) {
      batchId = newMessageId();
      // The whole file as received, besides each message: nothing of the envelope is lost.
      await deps.core.storeBatch({ source, batchId, bytes, messages: split.messages.length });
    }
    const entries: Entry[] = [];
    let firstHeader: MessageHeader | undefined;
    for (const chunk of split.messages) {
      const h = readHeader(chunk.text);
      firstHeader ??= h;
      const candidateId = newMessageId();
      const outcome = await deps.dedup({ dedupKey: dedupKey(source, chunk.text), candidateId }, async () => {
        const input = {
          messageId: candidateId,
          source,
          bytes: single ? bytes : Buffer.from(chunk.text, 'utf8'),
          normalized: chunk.text,
          header: h,
          ...(submittedBy !== undefined ? { submittedBy } : {}),
          ...(batchId !== undefined ? { batchId, batchIndex: chunk.index } : {}),
        };
        const record = await deps.core.ingest(input);
        const r: IngestResult = { messageId: record.messageId };
        if (record.controlId !== undefined) r.controlId = record.controlId;
        if (record.messageType !== undefined) r.messageType = record.messageType;
        return r;
      });
      entries.push({ status: outcome.duplicate ? 'duplicate' : 'ingested', ...outcome.result });
    }

    if (single) {
      const e = entries[0] as Entry;
      if (e.status === 'duplicate') {
        deps.logger.info('duplicate refused', { messageId: e.messageId });
        if (wantsHl7(req)) return hl7(409, ackFor(req, firstHeader, 'AE', `duplicate of message ${e.messageId}`));
        return json(409, { status: 'duplicate', messageId: e.messageId });
      }
      if (wantsHl7(req)) return hl7(201, ackFor(req, firstHeader, 'AA', `accepted as ${e.messageId}`));
      return json(201, { messageId: e.messageId, status: 'ingested', controlId: e.controlId, messageType: e.messageType });
    }
    const anyNew = entries.some((e) => e.status === 'ingested');
    const status = anyNew ? 201 : 409;
    if (wantsHl7(req))
      return hl7(
        status,
        ackFor(req, firstHeader, anyNew ? 'AA' : 'AE', `${entries.filter((e) => e.status === 'ingested').length} of ${entries.length} messages accepted`),
      );
    return json(status, { batchId, messages: entries });
  };
}
