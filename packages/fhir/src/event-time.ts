/**
 * The time the message says its event happened (EVN-2, else MSH-7), for out-of-order
 * protection: an older A08 arriving after a newer one must not overwrite newer data.
 */
import { dtmEpoch, parseDtm, toDateTime } from './datatypes/dtm';
import { val } from './values';
import type { V2Message } from './v2';

export interface EventTime {
  /** The DTM as sent. */
  raw: string;
  /** Which field it came from. */
  from: 'EVN-2' | 'MSH-7';
  /** FHIR dateTime with the sent precision (offset `defaultOffset` when none was sent). */
  dateTime: string;
  /** Milliseconds since the epoch, for ordering. */
  epochMs: number;
}

export function messageEventTime(message: V2Message, defaultOffset = 'Z'): EventTime | undefined {
  const evn = message.segments.find((s) => s.id === 'EVN');
  const msh = message.segments[0];
  const candidates: [string | undefined, EventTime['from']][] = [
    [evn !== undefined ? val(evn, 2) : undefined, 'EVN-2'],
    [msh?.id === 'MSH' ? val(msh, 7) : undefined, 'MSH-7'],
  ];
  for (const [raw, from] of candidates) {
    if (raw === undefined || parseDtm(raw) === undefined) continue;
    const epochMs = dtmEpoch(raw, defaultOffset);
    const dateTime = toDateTime(raw, defaultOffset);
    if (epochMs !== undefined && dateTime !== undefined) return { raw, from, dateTime, epochMs };
  }
  return undefined;
}
