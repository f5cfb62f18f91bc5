import { type LogPort, type ObjectStore, ValidationError } from '@hcdl/lake';
import type { IngestOutcome, MessageIngest } from '../submit/messages';
import { droppedFileBatchId, type LandedKey, parseLandedKey } from './keys';
import { UPLOAD_METADATA } from './uploads';

/** An object that arrived under `upload/` or `landing/` (from an S3 event). */
export interface LandedObject {
  key: string;
  /** Its size as the event gives it (refused above the limit without being read). */
  size: number;
  /** When the object was written (the event's time): the time part of a dropped file's batch id. */
  writtenAt: Date;
  /** What identifies this version of the object (bucket, key, version id or ETag, sequencer). */
  fingerprint: string;
  /** Who wrote it, as the event names it (file drops; uploads carry the submitter in their metadata). */
  principal?: string;
}

export type LandingOutcome =
  /** Ingested (or found not HL7 and kept in the error zone): the landed object is removed. */
  | { kind: 'ingested'; source: string; batchId: string; outcome: IngestOutcome }
  /** No such object any more: an earlier delivery of the event ingested and removed it. */
  | { kind: 'gone'; key: string }
  /** Not ingested and left where it is: a key outside the layout, a source without file drop, a file over the limit. */
  | { kind: 'refused'; reason: 'not-a-landing-key' | 'source-not-allowed' | 'too-large'; key: string };

export interface LandingDeps {
  objectStore: Pick<ObjectStore, 'get' | 'delete'>;
  ingestMessages: MessageIngest;
  logger: LogPort;
  /** Sources whose `landing/source=<src>/` files are ingested; uploads are always (the front door signed them). */
  fileDropSources: readonly string[];
  /** Largest landed file ingested (it is read whole into memory). */
  maxBytes: number;
}

/**
 * The landing use-case: a file that arrived by presigned upload or by file drop is ingested
 * exactly like a POST of its bytes (batch split, dedup, durable ingest before the event is
 * acknowledged, batch file and report kept), with its own id as the batch id of its messages;
 * then the landed object is removed (its bytes are in the raw zone). Safe to run twice for one
 * object: a redelivered event finds the messages duplicates, or the object gone.
 */
export function createLanding(deps: LandingDeps) {
  return async function ingestLanded(object: LandedObject): Promise<LandingOutcome> {
    let landed: LandedKey;
    try {
      landed = parseLandedKey(object.key);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      deps.logger.warn('landed object ignored: not an upload or file drop key');
      return { kind: 'refused', reason: 'not-a-landing-key', key: object.key };
    }
    if (landed.kind === 'drop' && !deps.fileDropSources.includes(landed.source)) {
      deps.logger.warn('file drop refused: the source takes no file drop', { source: landed.source });
      return { kind: 'refused', reason: 'source-not-allowed', key: object.key };
    }
    if (object.size > deps.maxBytes) {
      deps.logger.warn('landed file refused: over the size limit', { source: landed.source, size: object.size, limit: deps.maxBytes });
      return { kind: 'refused', reason: 'too-large', key: object.key };
    }
    const stored = await deps.objectStore.get(object.key);
    if (stored === undefined) return { kind: 'gone', key: object.key };
    const batchId = landed.kind === 'upload' ? landed.uploadId : droppedFileBatchId(object.writtenAt.getTime(), object.fingerprint);
    const submittedBy = landed.kind === 'upload' ? stored.metadata[UPLOAD_METADATA.submittedBy] : object.principal;
    const outcome = await deps.ingestMessages({
      source: landed.source,
      bytes: stored.body,
      ...(submittedBy !== undefined && submittedBy !== '' ? { submittedBy } : {}),
      landed: { batchId, key: object.key },
    });
    await deps.objectStore.delete(object.key);
    const counts =
      outcome.kind === 'accepted' ? { messages: outcome.messages.length, duplicates: outcome.messages.filter((m) => m.status === 'duplicate').length } : {};
    deps.logger.info('landed file ingested', { source: landed.source, batchId, via: landed.kind, outcome: outcome.kind, ...counts });
    return { kind: 'ingested', source: landed.source, batchId, outcome };
  };
}

export type Landing = ReturnType<typeof createLanding>;
