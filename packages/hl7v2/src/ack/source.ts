/**
 * What the ACK builder reads from the acknowledged message: its delimiters and the MSH
 * fields it echoes or swaps. Sender/receiver values become ER7 in the message's own
 * delimiters: from a parsed Message, MSH-3..6 as sent; from a header alone, its HD summaries
 * (`ns^id^type`, see MessageHeader) re-encoded and escaped, so a decoded separator can never
 * shift the ACK's fields.
 */
import type { Delimiters } from '../delimiters';
import type { Segment } from '../model';
import { encodeField } from '../serialize';
import { DEFAULT_DELIMITERS, escapeValue, type AckDelimiters } from './escape';

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

/** A letter or digit as separator would split the ACK's own codes (AE, ACK, HL70357). */
const unusableInAck = (d: AckDelimiters): boolean =>
  [d.field, d.component, d.repetition, d.escape, d.subcomponent, d.truncation ?? ''].some((c) => /[A-Za-z0-9]/.test(c));

function delimitersOf(d: Partial<AckDelimiters> | undefined): AckDelimiters {
  const out: AckDelimiters = { ...DEFAULT_DELIMITERS, ...(d ?? {}) };
  if (out.truncation === '') delete out.truncation;
  return out;
}

const FULL_DEFAULTS: Delimiters = { ...DEFAULT_DELIMITERS, truncation: '', encodingCharacters: '^~\\&' };

const HD_FIELDS = [
  ['sendingApplication', 3],
  ['sendingFacility', 4],
  ['receivingApplication', 5],
  ['receivingFacility', 6],
] as const;

/**
 * A header's HD summary (`ns^universal id^type`, subcomponents joined by `&`, values decoded)
 * written as ER7 with the acknowledged message's delimiters, each value escaped.
 */
function hdAsEr7(summary: string, d: AckDelimiters): string {
  return summary
    .split('^')
    .map((c) =>
      c
        .split('&')
        .map((v) => (v === '""' ? v : escapeValue(v, d)))
        .join(d.subcomponent),
    )
    .join(d.component);
}

export function ackSourceOf(input: AckInput): AckSource {
  const header: AckHeaderLike = 'header' in input && typeof input.header === 'object' && input.header !== null ? input.header : (input as AckHeaderLike);
  const own = delimitersOf(header.delimiters);
  // A message with such separators is acknowledged with the standard ones (|^~\&) instead.
  const fallback = unusableInAck(own);
  const src: AckSource = { delimiters: fallback ? { ...DEFAULT_DELIMITERS } : own };
  const keys = ['controlId', 'triggerEvent', 'version', 'processingId'] as const;
  for (const key of keys) {
    const v = header[key];
    if (typeof v === 'string' && v !== '') src[key] = v;
  }
  const msh = 'segments' in input ? (input as { segments?: readonly Segment[] }).segments?.[0] : undefined;
  for (const [key, n] of HD_FIELDS) {
    // From a parsed message: MSH-3..6 exactly as sent. From a header alone: its summary re-encoded.
    let raw: string | undefined;
    if (msh?.id === 'MSH' && header.delimiters !== undefined) {
      raw = fallback ? encodeField(msh.fields[n], FULL_DEFAULTS) : (msh.originals?.[n] ?? encodeField(msh.fields[n], header.delimiters as Delimiters));
    }
    const summary = header[key];
    const v = raw ?? (typeof summary === 'string' ? hdAsEr7(summary, src.delimiters) : undefined);
    if (v !== undefined && v !== '') src[key] = v;
  }
  return src;
}
