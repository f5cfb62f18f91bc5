import { AccessDeniedError, assertSource, type Claims, chooseSubmitSource, ValidationError } from '@hcdl/lake';
import { decodeBody } from './body';
import { createMessageIngest, type IngestOutcome, type MessageIngestDeps } from './messages';

export type { SubmittedMessage } from './messages';

/** One submission as every transport hands it over (HTTP, MLLP, a Lambda event). */
export interface SubmitInput {
  /** Verified token claims; undefined when the request carried no valid token. */
  claims: Claims | undefined;
  /** The source asked for (`?source=` or `x-hcdl-source`); the write claim decides. */
  source?: string | undefined;
  /** Media type of the body (`application/hl7-v2`, `application/json`, ...). */
  contentType?: string | undefined;
  /** Length the sender declared, when it declared one (refused early when over the limit). */
  declaredLength?: number | undefined;
  body: Uint8Array;
}

/** What a submission came to; the transports turn it into their answer (JSON, HL7 ACK). */
export type SubmitOutcome =
  | { kind: 'unauthorized' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'too-large'; limit: number }
  | { kind: 'unsupported-media-type'; message: string }
  | { kind: 'bad-request'; code: string; message: string }
  | IngestOutcome;

export interface SubmitDeps extends MessageIngestDeps {
  maxBodyBytes: number;
}

/**
 * The submit use-case: authorize (ABAC on custom:write), check size and type, split batches
 * (normalizing once), hash each message once, deduplicate it over the window, and have the
 * writer make it durable before the transport answers. Input that is not HL7 is kept
 * (raw + error zone) with an id.
 */
export function createSubmit(deps: SubmitDeps) {
  const ingestMessages = createMessageIngest(deps);

  return async function submit(req: SubmitInput): Promise<SubmitOutcome> {
    if (req.claims === undefined) return { kind: 'unauthorized' };
    let source: string;
    try {
      // A `*` writer may name any source: it must still be a well-formed source id (a path segment).
      source = assertSource(chooseSubmitSource(req.claims, req.source));
    } catch (err) {
      if (err instanceof AccessDeniedError) return { kind: 'forbidden', message: err.message };
      if (err instanceof ValidationError) {
        return req.source === undefined || req.source === ''
          ? { kind: 'bad-request', code: 'SOURCE_REQUIRED', message: err.message }
          : { kind: 'bad-request', code: 'INVALID_SOURCE', message: err.message };
      }
      throw err;
    }
    if (req.body.byteLength > deps.maxBodyBytes || (req.declaredLength ?? 0) > deps.maxBodyBytes) return { kind: 'too-large', limit: deps.maxBodyBytes };
    const decoded = decodeBody(req.contentType, req.body);
    if (!decoded.ok) {
      return decoded.status === 415
        ? { kind: 'unsupported-media-type', message: decoded.message }
        : { kind: 'bad-request', code: decoded.code, message: decoded.message };
    }
    const submittedBy = typeof req.claims.sub === 'string' ? req.claims.sub : undefined;
    return ingestMessages({ source, bytes: decoded.bytes, ...(submittedBy !== undefined ? { submittedBy } : {}) });
  };
}

export type Submit = ReturnType<typeof createSubmit>;
