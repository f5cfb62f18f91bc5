import type { ApplicationAck } from '../ack/application-acks';
import { ackFor } from '../ack';
import { ackModeOf } from '../ack/ack-mode';
import type { SubmitOutcome } from '../submit/submit';
import { header, hl7, json, type HttpRequest, type HttpResult } from './result';

type Accepted = Extract<SubmitOutcome, { kind: 'accepted' }>;

/** `?ack=application`: the caller waits for the staging outcome in the same answer (docs/ack.md). */
export const wantsApplicationAck = (req: Pick<HttpRequest, 'query'>): boolean => req.query.ack === 'application';

/**
 * The answer of `POST /hl7v2/er7?ack=application` once staging ended (or the wait ran out):
 * 201 every message staged (409 when none was new), 422 some went to the error zone (invalid
 * under the source's policy, with the located diagnostics), 202 some still waiting. With
 * `Accept: application/hl7-v2` the body holds the ACKs: in enhanced mode the accept ACK (CA)
 * then one application ACK per message; in original mode the application ACKs alone (AA/AE),
 * and the accept-level ACK for a message still waiting.
 */
export function applicationAnswer(outcome: Accepted, acks: readonly ApplicationAck[], req: Pick<HttpRequest, 'headers'>): HttpResult {
  const byId = new Map(acks.map((a) => [a.messageId, a]));
  const pending = outcome.messages.some((m) => !byId.has(m.messageId));
  const anyError = acks.some((a) => a.status === 'error');
  const anyNew = outcome.messages.some((m) => m.status === 'ingested');
  const status = anyError ? 422 : pending ? 202 : anyNew ? 201 : 409;
  if ((header(req.headers, 'accept') ?? '').toLowerCase().includes('application/hl7-v2')) {
    const accept = ackFor(outcome, 'http');
    const enhanced = ackModeOf(outcome.header).enhanced;
    const body = enhanced || pending ? [accept.ack, ...acks.map((a) => a.ack)] : acks.map((a) => a.ack);
    return hl7(status, body.join(''));
  }
  const messages = outcome.messages.map((m) => {
    const a = byId.get(m.messageId);
    const entry: Record<string, unknown> = { messageId: m.messageId, status: a?.status ?? 'ingested', controlId: m.controlId, messageType: m.messageType };
    if (m.status === 'duplicate') entry.duplicate = true;
    if (a !== undefined && a.status === 'error')
      entry.diagnostics = a.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, location: d.location, line: d.line }));
    return entry;
  });
  if (outcome.batchId !== undefined) return json(status, { batchId: outcome.batchId, messages });
  return json(status, messages[0]);
}
