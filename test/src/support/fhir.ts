import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FhirChangedEvent } from '@hcdl/lake';
import { CORPUS, type TestLake } from './harness';

/** The corpus ADT^A01 (FHIR-Converter sample): a patient with three identifiers, a visit, and much more. */
export const A01 = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'), 'latin1');

const segments = (text: string): string[] => text.split(/\r\n|\r|\n/).filter((s) => s !== '');

/** Replaces field `n` of the first segment `id` (MSH counts its separator as field 1). */
function setField(lines: string[], id: string, n: number, value: string): string[] {
  return lines.map((line) => {
    if (!line.startsWith(`${id}|`)) return line;
    const fields = line.split('|');
    const index = id === 'MSH' ? n - 1 : n;
    while (fields.length <= index) fields.push('');
    fields[index] = value;
    return fields.join('|');
  });
}

/**
 * The same patient and visit as A01, as an A08 at `time` (MSH-7, EVN-2) with control id
 * `control` and the home address `street`.
 */
export function a08Of(control: string, time: string, street: string): string {
  let lines = segments(A01);
  lines = setField(lines, 'MSH', 7, time);
  lines = setField(lines, 'MSH', 9, 'ADT^A08^ADT_A01');
  lines = setField(lines, 'MSH', 10, control);
  lines = setField(lines, 'EVN', 1, 'A08');
  lines = setField(lines, 'EVN', 2, time);
  lines = setField(lines, 'PID', 11, `${street}^^MADISON^WI^53703^US^H`);
  return `${lines.join('\r')}\r`;
}

/** An A40 at `time`: the patient `survivor` (a new MRN) replaces the A01's patient (MRG-1: its PID-3 identifier). */
export function a40Of(control: string, time: string, survivor: string): string {
  const pid3 = (
    segments(A01)
      .find((l) => l.startsWith('PID|'))
      ?.split('|')[3] ?? ''
  ).split('~')[0] as string;
  return [
    `MSH|^~\\&|ADTApp|GHHSFacility^2.16.840.1.122848.1.30^ISO|EHRApp^1.Edu^ISO|GHHRFacility^2.16.840.1.1122848.1.32^ISO|${time}||ADT^A40^ADT_A39|${control}|P|2.8`,
    `EVN|A40|${time}`,
    `PID|1||${survivor}^^^GHH^MR||EVERYMAN^ADAM^A||19800101|M`,
    `MRG|${pid3}`,
    '',
  ].join('\r');
}

/** One server-sent event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads a server-sent-events stream until `done` says enough (or the deadline passes), then
 * closes it. Events are parsed as the EventSource spec frames them (blank-line separated).
 */
export async function readEvents(url: string, token: string, done: (events: SseEvent[]) => boolean, deadlineMs: number): Promise<SseEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
    if (res.status !== 200 || res.body === null) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e: SseEvent = { data: '' };
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('id:')) e.id = line.slice(3).trim();
          else if (line.startsWith('event:')) e.event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length > 0) {
          e.data = data.join('\n');
          events.push(e);
        }
        end = buffer.indexOf('\n\n');
      }
      if (done(events)) break;
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

/** Records every `fhir-changed` event the lake's hub delivers, in delivery order (the array fills as they come). */
export function recordFhirChanges(t: TestLake): FhirChangedEvent['body'][] {
  const events: FhirChangedEvent['body'][] = [];
  t.lake.adapters.hub.subscribe({
    name: 'test-subscriber',
    filterPolicy: { event: ['fhir-changed'] },
    handle: async (e) => void events.push(e.body as FhirChangedEvent['body']),
  });
  return events;
}
