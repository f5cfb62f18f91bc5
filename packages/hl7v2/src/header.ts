import type { Delimiters } from './delimiters';
import type { Segment } from './model';

/** What the lake needs from MSH without walking the whole message. */
export interface MessageHeader {
  delimiters: Delimiters;
  controlId?: string;
  /** MSH-9 as `CODE^EVENT` (`ADT^A01`), or the code alone when no event was sent. */
  messageType?: string;
  messageCode?: string;
  triggerEvent?: string;
  /** MSH-9.3 when sent. */
  structureId?: string;
  /** MSH-12.1 */
  version?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-18 (first repetition) as sent. */
  charset?: string;
  processingId?: string;
  /** MSH-7.1 */
  dateTime?: string;
  /** MSH-15 accept acknowledgment type (AL, NE, ER, SU) as sent: set, with MSH-16, means enhanced mode. */
  acceptAckType?: string;
  /** MSH-16 application acknowledgment type (AL, NE, ER, SU) as sent. */
  applicationAckType?: string;
}

const text = (seg: Segment, field: number, component = 1): string | undefined => {
  const v = seg.leaf(field, 1, component, 1);
  return v === null || v === undefined || v === '' ? undefined : v;
};

/** HD fields (MSH-3..6) as sent: namespace id, or `ns^universal id^type` when more is given. */
function hd(seg: Segment, field: number): string | undefined {
  const rep = seg.fields[field]?.[0];
  if (rep === undefined) return undefined;
  // The common case, a namespace id alone: the value as sent.
  const only = rep[0];
  if (rep.length === 1 && typeof only === 'string') return only === '' ? undefined : only;
  const parts = rep.map((c) => (c === null ? '""' : typeof c === 'string' ? c : c.join('&')));
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const s = parts.join('^');
  return s === '' ? undefined : s;
}

export function headerOf(msh: Segment, delimiters: Delimiters): MessageHeader {
  // Plain property writes (one object shape), in the order the header has always had.
  const h: MessageHeader = { delimiters };
  const controlId = text(msh, 10);
  if (controlId !== undefined) h.controlId = controlId;
  const code = text(msh, 9, 1);
  const event = text(msh, 9, 2);
  if (code !== undefined) h.messageCode = code;
  if (event !== undefined) h.triggerEvent = event;
  if (code !== undefined) h.messageType = event !== undefined ? `${code}^${event}` : code;
  const structureId = text(msh, 9, 3);
  if (structureId !== undefined) h.structureId = structureId;
  const version = text(msh, 12);
  if (version !== undefined) h.version = version;
  const sendingApplication = hd(msh, 3);
  if (sendingApplication !== undefined) h.sendingApplication = sendingApplication;
  const sendingFacility = hd(msh, 4);
  if (sendingFacility !== undefined) h.sendingFacility = sendingFacility;
  const receivingApplication = hd(msh, 5);
  if (receivingApplication !== undefined) h.receivingApplication = receivingApplication;
  const receivingFacility = hd(msh, 6);
  if (receivingFacility !== undefined) h.receivingFacility = receivingFacility;
  const charset = text(msh, 18);
  if (charset !== undefined) h.charset = charset;
  const processingId = text(msh, 11);
  if (processingId !== undefined) h.processingId = processingId;
  const dateTime = text(msh, 7);
  if (dateTime !== undefined) h.dateTime = dateTime;
  const acceptAckType = text(msh, 15);
  if (acceptAckType !== undefined) h.acceptAckType = acceptAckType;
  const applicationAckType = text(msh, 16);
  if (applicationAckType !== undefined) h.applicationAckType = applicationAckType;
  return h;
}
