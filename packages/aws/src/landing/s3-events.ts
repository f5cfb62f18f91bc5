import { ValidationError } from '@hcdl/lake';

/** What the landing use-case needs of an S3 "Object Created" event (the LandedObject of @hcdl/core). */
export interface S3CreatedObject {
  bucket: string;
  key: string;
  size: number;
  writtenAt: Date;
  /** Bucket, key and version (or ETag and sequencer): the same for every delivery of one object version. */
  fingerprint: string;
  /** The requester as the event names it (an account id or an AWS service principal). */
  principal?: string;
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Reads an S3 "Object Created" event as EventBridge delivers it (to the landing queue: each SQS
 * message's body is the event). EventBridge gives the key as stored (unlike S3's direct
 * notifications, which URL-encode it). Throws ValidationError on anything else, naming the
 * field, never quoting a value.
 */
export function s3CreatedObjectOf(event: unknown): S3CreatedObject {
  if (!isObject(event)) throw new ValidationError('S3 event: not a JSON object');
  if (event.source !== 'aws.s3' || event['detail-type'] !== 'Object Created') throw new ValidationError('S3 event: not an aws.s3 Object Created event');
  const detail = event.detail;
  if (!isObject(detail) || !isObject(detail.bucket) || !isObject(detail.object)) throw new ValidationError('S3 event: detail.bucket or detail.object missing');
  const bucket = text(detail.bucket.name);
  const key = text(detail.object.key);
  const size = detail.object.size;
  if (bucket === undefined) throw new ValidationError('S3 event: detail.bucket.name missing');
  if (key === undefined) throw new ValidationError('S3 event: detail.object.key missing');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new ValidationError('S3 event: detail.object.size is not a size');
  const time = Date.parse(text(event.time) ?? '');
  if (Number.isNaN(time)) throw new ValidationError('S3 event: time is not an instant');
  const version = text(detail.object['version-id']) ?? `${text(detail.object.etag) ?? ''}#${text(detail.object.sequencer) ?? ''}`;
  const principal = text(detail.requester);
  return { bucket, key, size, writtenAt: new Date(time), fingerprint: `${bucket}/${key}#${version}`, ...(principal !== undefined ? { principal } : {}) };
}

/** The S3 event an SQS record carries (EventBridge rule → landing queue), or a ValidationError. */
export function s3CreatedObjectOfSqsBody(body: string): S3CreatedObject {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new ValidationError('S3 event: the queued message is not JSON');
  }
  return s3CreatedObjectOf(event);
}
