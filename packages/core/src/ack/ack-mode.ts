import type { MessageHeader } from '@hcdl/hl7v2';

/** MSH-15 / MSH-16 conditions (HL7 table 0155). */
export const AckCondition = { Always: 'AL', Never: 'NE', Error: 'ER', Success: 'SU' } as const;
export type AckCondition = (typeof AckCondition)[keyof typeof AckCondition];

/** How a sender asked to be acknowledged, read from its MSH. */
export interface AckMode {
  /** MSH-15 or MSH-16 valued: enhanced mode (accept ACK CA/CE/CR, application ACK after staging). */
  enhanced: boolean;
  /** When the accept ACK is sent (MLLP; HTTP always answers). */
  accept: AckCondition;
  /** When an application ACK follows staging. */
  application: AckCondition;
}

const CONDITIONS: readonly string[] = Object.values(AckCondition);

function condition(value: string | undefined, fallback: AckCondition): AckCondition {
  const v = value?.trim().toUpperCase();
  return v !== undefined && CONDITIONS.includes(v) ? (v as AckCondition) : fallback;
}

/**
 * The sender's acknowledgment mode. Both fields empty: original mode (one ACK, AA/AE/AR).
 * In enhanced mode an empty or unknown MSH-15 means AL (the lake always says whether it kept
 * the message unless told not to) and an empty or unknown MSH-16 means NE.
 */
export function ackModeOf(header: Pick<MessageHeader, 'acceptAckType' | 'applicationAckType'> | undefined): AckMode {
  const enhanced = header?.acceptAckType !== undefined || header?.applicationAckType !== undefined;
  if (!enhanced) return { enhanced: false, accept: AckCondition.Always, application: AckCondition.Never };
  return {
    enhanced: true,
    accept: condition(header?.acceptAckType, AckCondition.Always),
    application: condition(header?.applicationAckType, AckCondition.Never),
  };
}

/** Whether a condition asks for an acknowledgment of an outcome (`ok`: accepted / staged). */
export function wanted(c: AckCondition, ok: boolean): boolean {
  return c === AckCondition.Always || (c === AckCondition.Error && !ok) || (c === AckCondition.Success && ok);
}
