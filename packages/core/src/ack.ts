import { buildAck, type Diagnostic, type MessageHeader } from '@hcdl/hl7v2';
import { ackModeOf, wanted } from './ack/ack-mode';
import { boundedDiagnostic } from './ingest/bounded';
import type { SubmitOutcome } from './submit/submit';

/** MSA-1: original mode AA/AE/AR, enhanced mode accept ACK CA/CE/CR (HL7 table 0008). */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** An HL7 acknowledgment of a submission, with its code. */
export interface Ack {
  code: AckCode;
  text: string;
  ack: string;
  /**
   * Whether the sender asked for this ACK (MSH-15 in enhanced mode: AL, NE, ER, SU). MLLP
   * sends only those; HTTP always answers, with this ACK in its body.
   */
  send: boolean;
}

/** Which transport asks. The ACK is the same on both (docs/ack.md); kept for the callers' logs. */
export type AckTransport = 'http' | 'mllp';

/** What an outcome comes to before the mode picks the letters: accepted, error, rejected. */
type Verdict = 'A' | 'E' | 'R';

function codeOf(header: MessageHeader | undefined, verdict: Verdict): { code: AckCode; send: boolean } {
  const mode = ackModeOf(header);
  if (!mode.enhanced) return { code: `A${verdict}`, send: true };
  return { code: `C${verdict}`, send: wanted(mode.accept, verdict === 'A') };
}

const build = (header: MessageHeader | undefined, verdict: Verdict, text: string, diagnostics?: readonly Diagnostic[]): Ack => {
  const { code, send } = codeOf(header, verdict);
  const located = diagnostics?.filter((d) => d.severity === 'error').map(boundedDiagnostic);
  return {
    code,
    text,
    send,
    ack: buildAck(header ?? {}, located === undefined || located.length === 0 ? { code, text } : { code, text, diagnostics: located }),
  };
};

/**
 * The accept-level ACK of a submission: one policy for HTTP (`Accept: application/hl7-v2`)
 * and MLLP, built here once (docs/ack.md has the table). `header` is the sender's MSH as far
 * as the transport could read it (MSA-2 echoes MSH-10; MSH-15/16 choose the mode); without it
 * the header of the first accepted message is used.
 *
 * | outcome | original mode | enhanced mode (accept ACK) |
 * |---|---|---|
 * | stored | AA `accepted as <id>` | CA |
 * | duplicate | AA `duplicate of message <id>; already stored` | CA |
 * | batch | AA `n of m messages accepted, k duplicates already stored` | CA |
 * | not HL7 | AR, located diagnostics in ERR | CR |
 * | too large, refused | AR | CR |
 * | not stored (failure) | AR `... send it again` (notStoredAck) | CE |
 *
 * A duplicate is accepted on every transport: the message is kept, and an AE would make an
 * interface engine resend or alert forever. Whether the message is valid under the source's
 * policy is known after staging: that is the application ACK (application-acks.ts).
 */
export function ackFor(outcome: SubmitOutcome, _transport?: AckTransport, header?: MessageHeader): Ack {
  switch (outcome.kind) {
    case 'accepted': {
      // The transport's reading of the frame's own header first (MLLP), else the first message's.
      const h = header ?? outcome.header;
      const total = outcome.messages.length;
      const fresh = outcome.messages.filter((m) => m.status === 'ingested').length;
      if (outcome.batchId !== undefined) return build(h, 'A', `${fresh} of ${total} messages accepted, ${total - fresh} duplicates already stored`);
      const m = outcome.messages[0];
      if (m === undefined) return build(h, 'R', 'the batch envelope holds no message');
      if (m.status === 'ingested') return build(h, 'A', `accepted as ${m.messageId}`);
      return build(h, 'A', `duplicate of message ${m.messageId}; already stored`);
    }
    case 'not-hl7':
      return build(header, 'R', 'the body is not an HL7 v2 message; it was kept in the error zone', outcome.diagnostics);
    case 'too-large':
      return build(header, 'R', `the message exceeds ${outcome.limit} bytes`);
    case 'empty-batch':
      return build(header, 'R', 'the batch envelope holds no message');
    case 'too-many-messages':
      return build(header, 'R', `the batch holds ${outcome.count} messages, more than ${outcome.limit} per request`);
    case 'unauthorized':
      return build(header, 'R', 'a valid bearer token is required');
    case 'forbidden':
    case 'unsupported-media-type':
    case 'bad-request':
      return build(header, 'R', outcome.message);
  }
}

/** The ACK of a frame that could not be stored (an unexpected failure): the sender must resend (AR; CE in enhanced mode). */
export function notStoredAck(header?: MessageHeader): Ack {
  const mode = ackModeOf(header);
  return build(header, mode.enhanced ? 'E' : 'R', 'the message was not stored; send it again');
}
