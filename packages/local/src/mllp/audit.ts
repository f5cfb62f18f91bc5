import type { SubmitOutcome } from '@hcdl/core';
import { AuditAction, AuditOutcome, type AuditRecord, type AuditTrail, newMessageId } from '@hcdl/lake';

/** What the listener's audit needs: the trail (docs/adr/0016) and, for tests, the clock. */
export interface MllpAudit {
  trail: AuditTrail;
  now?: () => Date;
}

/** What became of one frame: submit's outcome, a frame refused before submit, or a failure (nothing acknowledged as stored). */
export type FrameFate = { kind: 'submitted'; outcome: SubmitOutcome } | { kind: 'refused' } | { kind: 'failed' };

/** The principal of a listener's frames: the sub its submissions carry (it writes for one configured source). */
export const mllpPrincipal = (source: string): string => `mllp:${source}`;

function outcomeOf(fate: FrameFate): AuditOutcome {
  if (fate.kind === 'failed') return AuditOutcome.Error;
  if (fate.kind === 'refused') return AuditOutcome.Invalid;
  const o = fate.outcome;
  switch (o.kind) {
    case 'accepted':
      // As HTTP answers a batch 201 when any message is new, 409 only when none is.
      return o.messages.length > 0 && o.messages.every((m) => m.status === 'duplicate') ? AuditOutcome.Duplicate : AuditOutcome.Success;
    case 'unauthorized':
    case 'forbidden':
      return AuditOutcome.Denied;
    default:
      return AuditOutcome.Invalid;
  }
}

function idsOf(fate: FrameFate): string[] {
  if (fate.kind !== 'submitted') return [];
  const o = fate.outcome;
  if (o.kind === 'accepted') return o.messages.map((m) => m.messageId);
  // A body that is not HL7 is kept in the error zone under an id of its own.
  if (o.kind === 'not-hl7') return [o.messageId];
  return [];
}

/**
 * The audit record of one MLLP frame: who (`mllp:<source>`, the listener's configured source:
 * MLLP carries no identity of its own), from where (the peer address), what (the message ids
 * written), when and the outcome (success = stored, duplicate, invalid = refused, denied,
 * error = not stored). `status` is 0: a frame has no HTTP status; its ACK code is in the log.
 */
export function mllpAuditRecord(fate: FrameFate, o: { source: string; client?: string; at: Date }): AuditRecord {
  const record: AuditRecord = {
    auditId: newMessageId(o.at.getTime()),
    at: o.at.toISOString(),
    principal: mllpPrincipal(o.source),
    action: AuditAction.Write,
    method: 'MLLP',
    route: 'mllp',
    entityType: 'message',
    entityIds: idsOf(fate),
    source: o.source,
    outcome: outcomeOf(fate),
    status: 0,
  };
  if (o.client !== undefined) record.client = o.client;
  return record;
}
