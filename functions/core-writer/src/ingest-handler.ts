import middy from '@middy/core';
import { CoreIngestOp, CoreIngestProtocolError, parseCoreIngestRequest, type CoreIngestRequest, type CoreIngestResponse } from '@hcdl/aws';
import { ErrorStage, ObjectAlreadyExistsError, rawBatchKey, type MessageRecord } from '@hcdl/lake';
import type { Diagnostic, MessageHeader } from '@hcdl/hl7v2';
import { createCore, type CoreDeps, type IngestInput, type RejectInput } from './core';
import { MissingLakeObjectError } from './errors';

const decoder = new TextDecoder();
const STAGES: readonly string[] = Object.values(ErrorStage);

/**
 * Core-writer's ingest function (AWS: the front door invokes it synchronously with a
 * pointer, see @hcdl/aws RemoteCoreIngest). Reads the landed request bytes from
 * work/incoming/, runs core's ingest (raw object, catalog row, `ingested` event) and answers
 * once the message is durable; then deletes the landing objects. A failure throws (the
 * front door answers 5xx); the landing objects stay and expire with work/.
 *
 * A retried invoke of an ingest that already ran (the SDK retries a lost answer) finds the
 * raw object in place and answers the row already kept, instead of failing.
 */
export function createIngestHandler(deps: CoreDeps) {
  const core = createCore(deps);

  async function landed(key: string, id: string): Promise<Uint8Array> {
    const object = await deps.objectStore.get(key);
    if (object === undefined) throw new MissingLakeObjectError('landed request', id);
    return object.body;
  }

  /** Runs a write of `messageId`; if its raw object already exists, answers the row already kept. */
  async function once(messageId: string, write: () => Promise<MessageRecord>): Promise<MessageRecord> {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof ObjectAlreadyExistsError)) throw err;
      const row = await deps.catalog.getMessage(messageId);
      if (row === undefined) throw err;
      deps.logger.info('ingest already applied', { messageId });
      return row;
    }
  }

  async function apply(req: CoreIngestRequest): Promise<CoreIngestResponse> {
    switch (req.op) {
      case CoreIngestOp.Ingest: {
        const bytes = await landed(req.landingKey, req.messageId);
        const normalized = decoder.decode(req.normalizedKey === undefined ? bytes : await landed(req.normalizedKey, req.messageId));
        const input: IngestInput = { messageId: req.messageId, source: req.source, bytes, normalized, header: req.header as MessageHeader };
        if (req.submittedBy !== undefined) input.submittedBy = req.submittedBy;
        if (req.batchId !== undefined) {
          input.batchId = req.batchId;
          if (req.batchIndex !== undefined) input.batchIndex = req.batchIndex;
        }
        return { op: req.op, record: await once(req.messageId, () => core.ingest(input)) };
      }
      case CoreIngestOp.Reject: {
        if (!STAGES.includes(req.stage)) throw new CoreIngestProtocolError(`stage must be one of ${STAGES.join(', ')}`);
        const bytes = await landed(req.landingKey, req.messageId);
        const input: RejectInput = {
          messageId: req.messageId,
          source: req.source,
          bytes,
          stage: req.stage as ErrorStage,
          diagnostics: req.diagnostics as Diagnostic[],
        };
        if (req.submittedBy !== undefined) input.submittedBy = req.submittedBy;
        return { op: req.op, record: await once(req.messageId, () => core.ingestRejected(input)) };
      }
      case CoreIngestOp.Batch: {
        const bytes = await landed(req.landingKey, req.batchId);
        try {
          return { op: req.op, ...(await core.storeBatch({ source: req.source, batchId: req.batchId, bytes, messages: req.messages })) };
        } catch (err) {
          if (!(err instanceof ObjectAlreadyExistsError)) throw err;
          return { op: req.op, key: rawBatchKey(req.source, req.batchId) };
        }
      }
    }
  }

  return middy(async (event: unknown): Promise<CoreIngestResponse> => {
    const req = parseCoreIngestRequest(event);
    const response = await apply(req);
    const keys = req.op === CoreIngestOp.Ingest && req.normalizedKey !== undefined ? [req.landingKey, req.normalizedKey] : [req.landingKey];
    // The message is durable: the landing copies are no longer needed (work/ expires them anyway).
    await Promise.all(keys.map((k) => deps.objectStore.delete(k)));
    return response;
  });
}
