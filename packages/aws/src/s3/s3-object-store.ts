import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectAlreadyExistsError, type ListOptions, type ObjectInfo, type ObjectStore, type PutObjectInput, type StoredObject } from '@hcdl/lake';
import { awsErrorName, awsHttpStatus } from '../errors';
import { checkKey, encodeTagging, tagsOf } from './object-keys';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** KMS key (id, ARN or alias) for SSE-KMS; absent: SSE-KMS with the bucket's default key. */
  kmsKeyId?: string | undefined;
}

/** Retries of a conditional put that S3 answered 409 (another conditional write in flight). */
const CONFLICT_RETRIES = 3;

/**
 * ObjectStore on one S3 bucket. Every put is SSE-KMS (bucket key on) and carries its tags in
 * the PutObject request itself, so an object never exists without its `data_src` tag;
 * `ifNoneMatch` is S3's conditional create (`If-None-Match: *`, 412 when the key exists).
 * get/head read the tags with GetObjectTagging in parallel with the object.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly bucket: string;
  private readonly kmsKeyId: string | undefined;

  constructor(
    private readonly s3: S3Client,
    options: S3ObjectStoreOptions,
  ) {
    this.bucket = options.bucket;
    this.kmsKeyId = options.kmsKeyId;
  }

  /** The exact PutObject input of a put (exported for tests of the request shape). */
  putInput(input: PutObjectInput): PutObjectCommandInput {
    const tagging = encodeTagging(input.tags);
    const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
    return {
      Bucket: this.bucket,
      Key: checkKey(input.key),
      Body: body,
      ContentLength: body.byteLength,
      ...(input.contentType !== undefined ? { ContentType: input.contentType } : {}),
      Metadata: { ...(input.metadata ?? {}) },
      ...(tagging !== undefined ? { Tagging: tagging } : {}),
      ServerSideEncryption: 'aws:kms',
      ...(this.kmsKeyId !== undefined ? { SSEKMSKeyId: this.kmsKeyId } : {}),
      BucketKeyEnabled: true,
      ...(input.ifNoneMatch === true ? { IfNoneMatch: '*' } : {}),
    };
  }

  async put(input: PutObjectInput): Promise<void> {
    const command = new PutObjectCommand(this.putInput(input));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.s3.send(command);
        return;
      } catch (err) {
        const status = awsHttpStatus(err);
        if (input.ifNoneMatch === true && (status === 412 || awsErrorName(err) === 'PreconditionFailed'))
          throw new ObjectAlreadyExistsError(input.key, { cause: err });
        if (input.ifNoneMatch === true && status === 409 && attempt < CONFLICT_RETRIES) {
          await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
          continue;
        }
        throw err;
      }
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const Key = checkKey(key);
    const [object, tagging] = await Promise.allSettled([
      this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key })),
      this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key })),
    ]);
    if (object.status === 'rejected') {
      if (isMissing(object.reason)) return undefined;
      throw object.reason;
    }
    const out = object.value;
    if (tagging.status === 'rejected') {
      // Release the unread body's socket before giving up.
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      if (isMissing(tagging.reason)) return undefined;
      throw tagging.reason;
    }
    const body = out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray();
    const info: StoredObject = {
      key,
      size: body.byteLength,
      metadata: { ...(out.Metadata ?? {}) },
      tags: tagsOf(tagging.value.TagSet),
      lastModified: out.LastModified ?? new Date(0),
      body,
    };
    if (out.ContentType !== undefined) info.contentType = out.ContentType;
    return info;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const Key = checkKey(key);
    try {
      const [out, tagging] = await Promise.all([
        this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key })),
        this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key })),
      ]);
      const info: ObjectInfo = {
        key,
        size: out.ContentLength ?? 0,
        metadata: { ...(out.Metadata ?? {}) },
        tags: tagsOf(tagging.TagSet),
        lastModified: out.LastModified ?? new Date(0),
      };
      if (out.ContentType !== undefined) info.contentType = out.ContentType;
      return info;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<string> {
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (remaining <= 0) return;
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: Math.min(1000, remaining),
          ...(token !== undefined ? { ContinuationToken: token } : options.startAfter !== undefined ? { StartAfter: options.startAfter } : {}),
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield o.Key;
        if (--remaining <= 0) return;
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
  }
}

/** NoSuchKey (GET, tagging) or 404 NotFound (HEAD: no body, so no error code). */
function isMissing(err: unknown): boolean {
  const name = awsErrorName(err);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || awsHttpStatus(err) === 404;
}
