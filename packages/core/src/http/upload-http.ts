import type { UploadOutcome } from '../landing/uploads';
import { httpError, json, type HttpResult } from './result';

/**
 * The answer of POST /hl7v2/uploads: 201 with the presigned POST (send the `fields`, then the
 * file as the form's `file` part, to `url`), its limits, and where the batch's report will be.
 */
export function uploadAnswer(outcome: UploadOutcome): HttpResult {
  switch (outcome.kind) {
    case 'unauthorized':
      return httpError(401, 'UNAUTHORIZED', 'a valid bearer token is required');
    case 'forbidden':
      return httpError(403, 'FORBIDDEN', outcome.message);
    case 'bad-request':
      return httpError(400, outcome.code, outcome.message);
    case 'created':
      return json(201, {
        uploadId: outcome.uploadId,
        batchId: outcome.uploadId,
        source: outcome.source,
        method: 'POST',
        url: outcome.post.url,
        fields: outcome.post.fields,
        maxBytes: outcome.maxBytes,
        expiresAt: outcome.expiresAt,
        report: `/hl7v2/batches/${outcome.uploadId}?source=${encodeURIComponent(outcome.source)}`,
      });
  }
}
