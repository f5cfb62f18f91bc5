import type { SubmitInput, SubmitOutcome } from '../submit/submit';
import { ackFor } from '../ack';
import { boundedDiagnostic } from '../ingest/bounded';
import { header, hl7, httpError, json, type HttpRequest, type HttpResult } from './result';

/** Where a body too large or a batch too long for one request goes instead (an S3 upload, ingested asynchronously). */
export const UPLOADS_PATH = '/hl7v2/uploads';

const wantsHl7 = (req: Pick<HttpRequest, 'headers'>): boolean => (header(req.headers, 'accept') ?? '').toLowerCase().includes('application/hl7-v2');

/** The submit input of `POST /hl7v2/er7` (query `source` or header `x-hcdl-source` names the source). */
export function submitInputOf(req: Pick<HttpRequest, 'claims' | 'headers' | 'query' | 'body'>): SubmitInput {
  const declared = header(req.headers, 'content-length');
  return {
    claims: req.claims,
    source: req.query.source ?? header(req.headers, 'x-hcdl-source'),
    contentType: header(req.headers, 'content-type'),
    declaredLength: declared === undefined ? undefined : Number(declared),
    body: req.body ?? new Uint8Array(0),
  };
}

/**
 * The HTTP answer of a submission (ARCHITECTURE.md "Contracts"): JSON by default, an HL7 ACK
 * with `Accept: application/hl7-v2` for what concerns HL7 content (stored, duplicate, not HL7).
 */
export function submitAnswer(outcome: SubmitOutcome, req: Pick<HttpRequest, 'headers'>): HttpResult {
  const ackWanted = wantsHl7(req);
  switch (outcome.kind) {
    case 'unauthorized':
      return httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    case 'forbidden':
      return httpError(403, 'FORBIDDEN', outcome.message);
    case 'too-large':
      return httpError(413, 'PAYLOAD_TOO_LARGE', `the body exceeds ${outcome.limit} bytes`, { limit: outcome.limit, upload: UPLOADS_PATH });
    case 'unsupported-media-type':
      return httpError(415, 'UNSUPPORTED_MEDIA_TYPE', outcome.message);
    case 'bad-request':
      return httpError(400, outcome.code, outcome.message);
    case 'empty-batch':
      return httpError(400, 'EMPTY_BATCH', 'the batch envelope holds no message');
    case 'too-many-messages':
      return httpError(
        413,
        'BATCH_TOO_LARGE',
        `the batch holds ${outcome.count} messages, more than ${outcome.limit} per request: upload it (POST ${UPLOADS_PATH}) to ingest it asynchronously`,
        { messages: outcome.count, limit: outcome.limit, upload: UPLOADS_PATH },
      );
    case 'not-hl7': {
      if (ackWanted) return hl7(400, ackFor(outcome, 'http').ack);
      const diagnostics = outcome.diagnostics
        .filter((d) => d.severity === 'error')
        .map(boundedDiagnostic)
        .map((d) => ({ code: d.code, message: d.message, location: d.location, line: d.line }));
      return httpError(400, 'NOT_HL7', 'the body is not an HL7 v2 message; it was kept in the error zone', { messageId: outcome.messageId, diagnostics });
    }
    case 'accepted': {
      const anyNew = outcome.messages.some((m) => m.status === 'ingested');
      const status = anyNew ? 201 : 409;
      if (ackWanted) return hl7(status, ackFor(outcome, 'http').ack);
      if (outcome.batchId !== undefined) return json(status, { batchId: outcome.batchId, messages: outcome.messages });
      const m = outcome.messages[0] as NonNullable<(typeof outcome.messages)[0]>;
      if (m.status === 'duplicate') return json(409, { status: 'duplicate', messageId: m.messageId });
      return json(201, { messageId: m.messageId, status: 'ingested', controlId: m.controlId, messageType: m.messageType });
    }
  }
}
