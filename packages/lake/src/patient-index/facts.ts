import type { Message, Segment } from '@hcdl/hl7v2';
import { isPatientDemographics, type PatientDemographics, pidDemographics } from './demographics';
import { mrgIdentifiers, pidIdentifiers } from './identifiers';

/**
 * ADT trigger events of the merge family that move a prior patient (MRG) into the surviving
 * one (PID): A18 merge patient information, A30 merge person information, A34 merge patient
 * id only, A36 merge patient id and account, A39 merge person, A40 merge patient identifier
 * list, and the identifier changes A46 (patient id), A47 (patient identifier list), A48
 * (alternate patient id). The account and visit events (A35, A41, A42, A44, A49-A51) move
 * accounts or visits, not patients, and are not merges here.
 */
export const MERGE_EVENTS: readonly string[] = ['A18', 'A30', 'A34', 'A36', 'A39', 'A40', 'A46', 'A47', 'A48'];

/** One PID segment's identifiers, with the prior identifiers of the MRG that follows it. */
export interface PatientGroupFacts {
  /** PID-2, every repetition of PID-3, then PID-4, as `authority#type#value`. */
  identifiers: string[];
  /** MRG-1 and MRG-4 of the MRG segment after this PID (before the next PID), if any. */
  prior?: string[];
  /** PID-5, PID-7, PID-8 (absent in facts made before demographics were kept). PHI. */
  demographics?: PatientDemographics;
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
    const group: PatientGroupFacts = { identifiers: pidIdentifiers(pid).map((i) => i.key), demographics: pidDemographics(pid) };
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
      const group = g as { identifiers?: unknown; prior?: unknown; demographics?: unknown } | null;
      return (
        group !== null &&
        typeof group === 'object' &&
        strings(group.identifiers) &&
        (group.prior === undefined || strings(group.prior)) &&
        (group.demographics === undefined || isPatientDemographics(group.demographics))
      );
    })
  );
}
