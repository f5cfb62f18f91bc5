import { buildAck, type Diagnostic, type MessageHeader } from '@hcdl/hl7v2';
import { boundedDiagnostic } from './ingest/bounded';
import type { SubmitOutcome } from './submit/submit';

export type AckCode = 'AA' | 'AE' | 'AR';

/** An HL7 acknowledgment of a submission, with its code. */
export interface Ack {
  code: AckCode;
  text: string;
  ack: string;
}

/** Which transport asks: HTTP (`Accept: application/hl7-v2`) or MLLP. */
export type AckTransport = 'http' | 'mllp';

const build = (header: MessageHeader | undefined, code: AckCode, text: string, diagnostics?: readonly Diagnostic[]): Ack => ({
  code,
  text,
  ack: buildAck(header ?? {}, diagnostics === undefined ? { code, text } : { code, text, diagnostics: diagnostics.map(boundedDiagnostic) }),
});

/**
 * The ACK policy of the lake, one place for every transport (docs/ack.md). `header` is the
 * sender's MSH as far as the transport could read it from what it received (MSA-2 echoes
 * MSH-10); without it the header of the first accepted message is used.
 *
 * | outcome | HTTP | MLLP |
 * |---|---|---|
 * | stored | AA `accepted as <id>` | AA |
 * | duplicate | AE `duplicate of message <id>` | AA `...; already stored` (an AE makes engines resend or alert forever) |
 * | batch | AA `n of m messages accepted` (AE when none is new) | AA with the duplicate count |
 * | not HL7, too large, refused | AR with the diagnostics | AR |
 * | not stored (failure) | — (HTTP answers 5xx) | AR `the message was not stored; send it again` |
 */
export function ackFor(outcome: SubmitOutcome, transport: AckTransport, header?: MessageHeader): Ack {
  switch (outcome.kind) {
    case 'accepted': {
      // The transport's reading of the frame's own header first (MLLP), else the first message's.
      const h = header ?? outcome.header;
      const total = outcome.messages.length;
      const fresh = outcome.messages.filter((m) => m.status === 'ingested').length;
      if (outcome.batchId !== undefined) {
        if (transport === 'mllp') return build(h, 'AA', `${fresh} of ${total} messages accepted, ${total - fresh} duplicates already stored`);
        return build(h, fresh > 0 ? 'AA' : 'AE', `${fresh} of ${total} messages accepted`);
      }
      const m = outcome.messages[0];
      if (m === undefined) return build(h, 'AR', 'the batch envelope holds no message');
      if (m.status === 'ingested') return build(h, 'AA', `accepted as ${m.messageId}`);
      return transport === 'mllp'
        ? build(h, 'AA', `duplicate of message ${m.messageId}; already stored`)
        : build(h, 'AE', `duplicate of message ${m.messageId}`);
    }
    case 'not-hl7':
      return build(
        header,
        'AR',
        transport === 'mllp' ? 'the body is not an HL7 v2 message; it was kept in the error zone' : 'not an HL7 v2 message',
        // MLLP has carried the located summary the HTTP error body shows (code, text, location, line).
        transport === 'mllp'
          ? outcome.diagnostics
              .filter((d) => d.severity === 'error')
              .map((d) => ({ code: d.code, message: d.message, location: d.location, line: d.line, severity: 'error' as const }) as Diagnostic)
          : outcome.diagnostics,
      );
    case 'too-large':
      return build(header, 'AR', `the message exceeds ${outcome.limit} bytes`);
    case 'empty-batch':
      return build(header, 'AR', 'the batch envelope holds no message');
    case 'too-many-messages':
      return build(header, 'AR', `the batch holds ${outcome.count} messages, more than ${outcome.limit} per request`);
    case 'unauthorized':
      return build(header, 'AR', 'a valid bearer token is required');
    case 'forbidden':
    case 'unsupported-media-type':
    case 'bad-request':
      return build(header, 'AR', outcome.message);
  }
}

/** The ACK of a frame that could not be stored (an unexpected failure): the sender must resend. */
export function notStoredAck(header?: MessageHeader): Ack {
  return build(header, 'AR', 'the message was not stored; send it again');
}
