/**
 * The wire format between the front door and core-writer's ingest function on AWS. The
 * request bytes never travel in the invoke payload (6 MB limit vs 10 MB bodies): the front
 * door lands them under `work/incoming/` and sends a pointer; core-writer reads them there,
 * keeps them in the raw zone and deletes the landing object.
 */

import type { MessageRecord } from '@hcdl/lake';
import { CoreIngestProtocolError } from './errors';

/** Where the front door lands request bytes (outside every zone; expires with work/). */
export const INCOMING_PREFIX = 'work/incoming/';

export const CoreIngestOp = { Ingest: 'ingest', Reject: 'reject', Batch: 'batch' } as const;
export type CoreIngestOp = (typeof CoreIngestOp)[keyof typeof CoreIngestOp];

/** One message to make durable (raw object + catalog row + `ingested` event). */
export interface IngestPointer {
  op: typeof CoreIngestOp.Ingest;
  /** The bytes to keep in the raw zone. */
  landingKey: string;
  /** The normalized text (UTF-8) when it differs from the landed bytes; absent: the bytes are the text. */
  normalizedKey?: string;
  messageId: string;
  source: string;
  /** The parsed MSH header (plain JSON). */
  header: object;
  submittedBy?: string;
  batchId?: string;
  batchIndex?: number;
}

/** Input that is not HL7 v2: raw + error zones, diagnostics to the catalog. */
export interface RejectPointer {
  op: typeof CoreIngestOp.Reject;
  landingKey: string;
  messageId: string;
  source: string;
  stage: string;
  diagnostics: readonly object[];
  submittedBy?: string;
}

/** A batch file as received, kept beside its messages. */
export interface BatchPointer {
  op: typeof CoreIngestOp.Batch;
  landingKey: string;
  source: string;
  batchId: string;
  messages: number;
}

export type CoreIngestRequest = IngestPointer | RejectPointer | BatchPointer;

export type CoreIngestResponse =
  | { op: typeof CoreIngestOp.Ingest | typeof CoreIngestOp.Reject; record: MessageRecord }
  | { op: typeof CoreIngestOp.Batch; key: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function landing(v: unknown, field: string): string {
  // Only landing objects: the ingest function must not be pointed at a zone's objects.
  if (!isText(v) || !v.startsWith(INCOMING_PREFIX) || v.includes('..')) throw new CoreIngestProtocolError(`${field} must be a key under ${INCOMING_PREFIX}`);
  return v;
}

function text(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (!isText(v)) throw new CoreIngestProtocolError(`${field} must be a non-empty string`);
  return v;
}

function optionalText(o: Record<string, unknown>, field: string): string | undefined {
  if (o[field] === undefined) return undefined;
  return text(o, field);
}

/** Validates an invoke payload (names fields, never quotes values). */
export function parseCoreIngestRequest(event: unknown): CoreIngestRequest {
  if (!isObject(event)) throw new CoreIngestProtocolError('the request must be a JSON object');
  const landingKey = landing(event.landingKey, 'landingKey');
  const submittedBy = optionalText(event, 'submittedBy');
  const by = submittedBy === undefined ? {} : { submittedBy };
  switch (event.op) {
    case CoreIngestOp.Ingest: {
      if (!isObject(event.header)) throw new CoreIngestProtocolError('header must be an object');
      const out: IngestPointer = {
        op: CoreIngestOp.Ingest,
        landingKey,
        messageId: text(event, 'messageId'),
        source: text(event, 'source'),
        header: event.header,
        ...by,
      };
      if (event.normalizedKey !== undefined) out.normalizedKey = landing(event.normalizedKey, 'normalizedKey');
      const batchId = optionalText(event, 'batchId');
      if (batchId !== undefined) {
        if (!Number.isSafeInteger(event.batchIndex) || (event.batchIndex as number) < 0)
          throw new CoreIngestProtocolError('batchIndex must be a non-negative integer with batchId');
        out.batchId = batchId;
        out.batchIndex = event.batchIndex as number;
      }
      return out;
    }
    case CoreIngestOp.Reject: {
      if (!Array.isArray(event.diagnostics) || !event.diagnostics.every(isObject)) throw new CoreIngestProtocolError('diagnostics must be an array of objects');
      return {
        op: CoreIngestOp.Reject,
        landingKey,
        messageId: text(event, 'messageId'),
        source: text(event, 'source'),
        stage: text(event, 'stage'),
        diagnostics: event.diagnostics,
        ...by,
      };
    }
    case CoreIngestOp.Batch: {
      if (!Number.isSafeInteger(event.messages) || (event.messages as number) < 1) throw new CoreIngestProtocolError('messages must be a positive integer');
      return { op: CoreIngestOp.Batch, landingKey, source: text(event, 'source'), batchId: text(event, 'batchId'), messages: event.messages as number };
    }
    default:
      throw new CoreIngestProtocolError(`op must be one of ${Object.values(CoreIngestOp).join(', ')}`);
  }
}
