import { MessageStatus, type MessageRecord } from '@hcdl/lake';

/** The fields of a new catalog row; optional ones are stored only when defined. */
export interface NewMessageRow {
  messageId: string;
  source: string;
  rawKey: string;
  contentHash: string;
  size: number;
  at: string;
  optional?: Partial<
    Pick<MessageRecord, 'controlId' | 'messageType' | 'version' | 'sendingApplication' | 'sendingFacility' | 'submittedBy' | 'batchId' | 'batchIndex'>
  >;
}

/** The catalog row of a message whose raw bytes were just stored: status `ingested`, no attempt yet. */
export function newMessageRow(row: NewMessageRow): MessageRecord {
  const record: MessageRecord = {
    messageId: row.messageId,
    source: row.source,
    protocol: 'hl7v2',
    format: 'er7',
    status: MessageStatus.Ingested,
    receivedAt: row.at,
    updatedAt: row.at,
    contentHash: row.contentHash,
    size: row.size,
    rawKey: row.rawKey,
    attempts: 0,
  };
  const defined = Object.entries(row.optional ?? {}).filter(([, v]) => v !== undefined);
  return Object.assign(record, Object.fromEntries(defined));
}
