/**
 * What the ACK builder reads from the acknowledged message: its delimiters and the MSH
 * fields it echoes or swaps. Sender/receiver values are kept as raw ER7 (still escaped with
 * the message's own delimiters) so HD components travel unchanged into the ACK.
 */
import { DEFAULT_DELIMITERS, type AckDelimiters } from './escape';

export interface AckSource {
  delimiters: AckDelimiters;
  controlId?: string;
  triggerEvent?: string;
  version?: string;
  processingId?: string;
  /** Raw ER7 of MSH-3..MSH-6. */
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
}

/** The header fields buildAck needs (a MessageHeader satisfies it). */
export interface AckHeaderLike {
  delimiters?: Partial<AckDelimiters>;
  controlId?: string;
  triggerEvent?: string;
  version?: string;
  processingId?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
}

/** A parsed message (has a header) or a header on its own. */
export type AckInput = AckHeaderLike | { header: AckHeaderLike };

function delimitersOf(d: Partial<AckDelimiters> | undefined): AckDelimiters {
  const out: AckDelimiters = { ...DEFAULT_DELIMITERS, ...(d ?? {}) };
  if (out.truncation === '') delete out.truncation;
  return out;
}

export function ackSourceOf(input: AckInput): AckSource {
  const header: AckHeaderLike = 'header' in input && typeof input.header === 'object' && input.header !== null ? input.header : (input as AckHeaderLike);
  const src: AckSource = { delimiters: delimitersOf(header.delimiters) };
  const keys = ['controlId', 'triggerEvent', 'version', 'processingId', 'sendingApplication', 'sendingFacility', 'receivingApplication', 'receivingFacility'] as const;
  for (const key of keys) {
    const v = header[key];
    if (typeof v === 'string' && v !== '') src[key] = v;
  }
  return src;
}
