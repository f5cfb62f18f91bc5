import type { Message, Segment } from '@hcdl/hl7v2';
import { mrgIdentifiers, pidIdentifiers } from './identifiers';

/**
 * ADT trigger events that merge a prior patient (MRG) into the surviving one (PID):
 * A18 merge patient information, A30 merge person information, A34 merge patient id only,
 * A36 merge patient id and account, A39 merge person, A40 merge patient identifier list.
 */
export const MERGE_EVENTS: readonly string[] = ['A18', 'A30', 'A34', 'A36', 'A39', 'A40'];

/** One PID segment's identifiers, with the prior identifiers of the MRG that follows it. */
export interface PatientGroupFacts {
  /** PID-2, every repetition of PID-3, then PID-4, as `authority#type#value`. */
  identifiers: string[];
  /** MRG-1 and MRG-4 of the MRG segment after this PID (before the next PID), if any. */
  prior?: string[];
}

/**
 * What the patient index needs of a message, taken from the parse staging already made, so
 * the step that records the outcome never parses the message again. Plain data: it crosses
 * process and Lambda boundaries as JSON.
 */
export interface PatientFacts {
  /** One entry per PID segment, in message order. */
  groups: PatientGroupFacts[];
  /** True for an ADT merge event (MERGE_EVENTS): the MRG identifiers merge into the PID's patient. */
  merge: boolean;
}

/** The PID segment with the MRG segment that follows it (before the next PID), in order. */
function pidGroups(message: Message): { pid: Segment; mrg?: Segment }[] {
  const out: { pid: Segment; mrg?: Segment }[] = [];
  for (const s of message.segments) {
    if (s.id === 'PID') out.push({ pid: s });
    else if (s.id === 'MRG') {
      const last = out[out.length - 1];
      if (last !== undefined && last.mrg === undefined) last.mrg = s;
    }
  }
  return out;
}

export function isMergeMessage(message: Message): boolean {
  return message.header.messageCode === 'ADT' && MERGE_EVENTS.includes(message.header.triggerEvent ?? '');
}

/** The patient facts of a parsed message (pure: reads the tree, touches no catalog). */
export function patientFactsOf(message: Message): PatientFacts {
  const groups = pidGroups(message).map(({ pid, mrg }): PatientGroupFacts => {
    const group: PatientGroupFacts = { identifiers: pidIdentifiers(pid).map((i) => i.key) };
    if (mrg !== undefined) group.prior = mrgIdentifiers(mrg).map((i) => i.key);
    return group;
  });
  return { groups, merge: isMergeMessage(message) };
}

/** Checks facts that crossed a process boundary (a Step Functions state, a JSON file). */
export function isPatientFacts(value: unknown): value is PatientFacts {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { groups?: unknown; merge?: unknown };
  const strings = (x: unknown): boolean => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    typeof v.merge === 'boolean' &&
    Array.isArray(v.groups) &&
    v.groups.every((g: unknown) => {
      const group = g as { identifiers?: unknown; prior?: unknown } | null;
      return group !== null && typeof group === 'object' && strings(group.identifiers) && (group.prior === undefined || strings(group.prior));
    })
  );
}
