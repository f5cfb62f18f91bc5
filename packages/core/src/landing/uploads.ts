import { AccessDeniedError, assertSource, type Claims, chooseSubmitSource, newMessageId, ValidationError } from '@hcdl/lake';
import { uploadKey } from './keys';

/** A presigned S3 POST: the form's action URL and the fields to send before the file. */
export interface PresignedPost {
  url: string;
  fields: Record<string, string>;
}

/** What the upload and download use-cases need of the object store's signer (S3 presigning on AWS). */
export interface ObjectSigner {
  /**
   * A presigned POST for one key: only that key, at most `maxBytes`, carrying exactly
   * `metadata`, encrypted with the lake's key, valid `expiresSeconds`.
   */
  presignUpload(input: { key: string; maxBytes: number; metadata: Record<string, string>; expiresSeconds: number }): Promise<PresignedPost>;
  /** A presigned GET of one object, valid `expiresSeconds`. */
  presignDownload(key: string, expiresSeconds: number): Promise<string>;
}

export interface UploadsDeps {
  signer: Pick<ObjectSigner, 'presignUpload'>;
  /** Largest file one upload may hold. */
  maxUploadBytes: number;
  /** How long the presigned POST is valid (default 15 minutes). */
  expiresSeconds?: number;
  now?: () => Date;
}

export type UploadOutcome =
  | { kind: 'unauthorized' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'bad-request'; code: string; message: string }
  | { kind: 'created'; uploadId: string; source: string; key: string; post: PresignedPost; maxBytes: number; expiresAt: string };

/** Metadata the presigned policy pins on an upload (read back by the landing function). */
export const UPLOAD_METADATA = { submittedBy: 'submitted-by', uploadId: 'upload-id' } as const;

/**
 * The upload use-case (POST /hl7v2/uploads): for a body too large for the API, or a batch
 * too long for one request. ABAC on custom:write picks the source exactly as for a POST; the
 * answer is a presigned POST for `upload/source=<src>/<uploadId>.hl7`, size-bounded and
 * KMS-encrypted, whose arrival the landing function ingests like a POST (batch split, dedup,
 * every message's batch id = the upload id, a report at GET /hl7v2/batches/<uploadId>).
 */
export function createUploads(deps: UploadsDeps) {
  const expiresSeconds = deps.expiresSeconds ?? 900;
  return async function createUpload(claims: Claims | undefined, sourceAsked: string | undefined): Promise<UploadOutcome> {
    if (claims === undefined) return { kind: 'unauthorized' };
    let source: string;
    try {
      source = assertSource(chooseSubmitSource(claims, sourceAsked));
    } catch (err) {
      if (err instanceof AccessDeniedError) return { kind: 'forbidden', message: err.message };
      if (err instanceof ValidationError) return { kind: 'bad-request', code: sourceAsked ? 'INVALID_SOURCE' : 'SOURCE_REQUIRED', message: err.message };
      throw err;
    }
    const now = deps.now?.() ?? new Date();
    const uploadId = newMessageId(now.getTime());
    const key = uploadKey(source, uploadId);
    const metadata: Record<string, string> = { [UPLOAD_METADATA.uploadId]: uploadId };
    if (typeof claims.sub === 'string' && claims.sub !== '') metadata[UPLOAD_METADATA.submittedBy] = claims.sub;
    const post = await deps.signer.presignUpload({ key, maxBytes: deps.maxUploadBytes, metadata, expiresSeconds });
    return {
      kind: 'created',
      uploadId,
      source,
      key,
      post,
      maxBytes: deps.maxUploadBytes,
      expiresAt: new Date(now.getTime() + expiresSeconds * 1000).toISOString(),
    };
  };
}

export type Uploads = ReturnType<typeof createUploads>;
