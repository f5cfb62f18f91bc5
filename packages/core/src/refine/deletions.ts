/**
 * Messages whose meaning is a deletion, and the resource types they delete (HL7 v2.5.1 ch. 3):
 * A23 "delete a patient record" removes the visit (PV1) it names, the Encounter; A29 "delete
 * person information" removes the person's demographics, the Patient. Each resource of those
 * types the message makes is deleted (a tombstone version and a `delete` event) instead of
 * written. Cancellations (A11, A12, A13...) are not deletions: they are updates of a status.
 */
export const DELETING_EVENTS: Readonly<Record<string, readonly string[]>> = {
  A23: ['Encounter'],
  A29: ['Patient'],
};

/** The resource types a message of this MSH-9 (`ADT^A29`) deletes. */
export function deletedTypesOf(messageType: string | undefined): readonly string[] {
  const event = messageType?.split('^')[1];
  return event === undefined ? [] : (DELETING_EVENTS[event] ?? []);
}
