import { createHash } from 'node:crypto';
import { assertMessageId, assertSource, isMessageId, ulidTimePrefix, ValidationError } from '@hcdl/lake';

/**
 * Where files land before they are ingested (issue 16), outside the zones:
 *
 *   upload/source=<src>/<uploadId>.hl7     a presigned upload (POST /hl7v2/uploads): the upload id is the batch id
 *   landing/source=<src>/<any name>        a file drop by an IAM principal allowed for that source
 *
 * Only the front door's presigned policies can write `upload/`, so what an upload's metadata
 * says (who submitted it) is what the front door signed; `landing/` is written by the
 * principals a deployment allows per source. Both are ingested by the same use-case.
 */
export const UPLOAD_PREFIX = 'upload/';
export const LANDING_PREFIX = 'landing/';

export function uploadKey(source: string, uploadId: string): string {
  return `${UPLOAD_PREFIX}source=${assertSource(source)}/${assertMessageId(uploadId)}.hl7`;
}

/** What a landed object's key says about it. */
export type LandedKey = { kind: 'upload'; source: string; uploadId: string } | { kind: 'drop'; source: string; name: string };

const UPLOAD = /^upload\/source=([^/]+)\/([0-9A-HJKMNP-TV-Z]{26})\.hl7$/;
const DROP = /^landing\/source=([^/]+)\/(.+)$/;

/** Reads a landed object's key; throws ValidationError for a key outside both layouts (never quoting it). */
export function parseLandedKey(key: string): LandedKey {
  const u = UPLOAD.exec(key);
  if (u !== null) {
    const uploadId = u[2] as string;
    if (!isMessageId(uploadId)) throw new ValidationError('upload key: the upload id is not an id');
    return { kind: 'upload', source: assertSource(u[1] as string), uploadId };
  }
  const d = DROP.exec(key);
  if (d !== null && !(d[2] as string).endsWith('/')) return { kind: 'drop', source: assertSource(d[1] as string), name: d[2] as string };
  throw new ValidationError('not the key of an upload or a file drop');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The batch id of a dropped file: a ULID whose time is when the object was written and whose
 * other 80 bits are a hash of the object version (bucket, key, version or ETag). The same
 * object delivered twice gets the same id, so its batch file and report are kept once.
 */
export function droppedFileBatchId(writtenAtMs: number, fingerprint: string): string {
  const digest = createHash('sha256').update(fingerprint).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD.charAt((digest[i] as number) & 31);
  return `${ulidTimePrefix(writtenAtMs)}${random}`;
}
