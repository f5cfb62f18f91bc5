import {
  CopyObjectCommand,
  type CopyObjectCommandInput,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  BaseObjectStore,
  type CheckedPut,
  type CopyObjectInput,
  checkMetadata,
  checkObjectKey,
  checkTags,
  NotFoundError,
  ObjectAlreadyExistsError,
  type ObjectInfo,
  type PutObjectInput,
  type StoredObject,
} from '@hcdl/lake';
import { awsErrorName, awsHttpStatus } from '../errors';
import { encodeTagging, tagsOf } from './object-keys';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** KMS key (id, ARN or alias) for SSE-KMS; absent: SSE-KMS with the bucket's default key. */
  kmsKeyId?: string | undefined;
}

/** Retries of a conditional write that S3 answered 409 (another conditional write in flight). */
const CONFLICT_RETRIES = 3;

/**
 * ObjectStore on one S3 bucket (the rules on keys, tags and metadata are the port's:
 * BaseObjectStore). Every put is SSE-KMS (bucket key on) and carries its tags in the
 * PutObject request itself, so an object never exists without its `data_src` tag;
 * `ifNoneMatch` is S3's conditional create (`If-None-Match: *`, 412 when the key exists).
 * get and head make one request each; tags are read only by getTags.
 */
export class S3ObjectStore extends BaseObjectStore {
  private readonly bucket: string;
  private readonly kmsKeyId: string | undefined;

  constructor(
    private readonly s3: S3Client,
    options: S3ObjectStoreOptions,
  ) {
    super();
    this.bucket = options.bucket;
    this.kmsKeyId = options.kmsKeyId;
  }

  private encryption() {
    return { ServerSideEncryption: 'aws:kms' as const, ...(this.kmsKeyId !== undefined ? { SSEKMSKeyId: this.kmsKeyId } : {}), BucketKeyEnabled: true };
  }

  /** The exact PutObject input of a put (exported for tests of the request shape; checks like put). */
  putInput(input: PutObjectInput): PutObjectCommandInput {
    const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body;
    const checked: CheckedPut = {
      key: checkObjectKey(input.key),
      body,
      metadata: checkMetadata(input.metadata),
      tags: checkTags(input.tags),
      ifNoneMatch: input.ifNoneMatch === true,
    };
    if (input.contentType !== undefined) checked.contentType = input.contentType;
    return this.putRequest(checked);
  }

  private putRequest(input: CheckedPut): PutObjectCommandInput {
    const tagging = encodeTagging(input.tags);
    return {
      Bucket: this.bucket,
      Key: input.key,
      Body: input.body,
      ContentLength: input.body.byteLength,
      ...(input.contentType !== undefined ? { ContentType: input.contentType } : {}),
      Metadata: { ...input.metadata },
      ...(tagging !== undefined ? { Tagging: tagging } : {}),
      ...this.encryption(),
      ...(input.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
    };
  }

  /** The exact CopyObject input of a copy (checked keys and tags). */
  copyInput(input: CopyObjectInput): CopyObjectCommandInput {
    const tagging = encodeTagging(input.tags);
    return {
      Bucket: this.bucket,
      Key: input.to,
      CopySource: `${this.bucket}/${input.from.split('/').map(encodeURIComponent).join('/')}`,
      TaggingDirective: 'REPLACE',
      ...(tagging !== undefined ? { Tagging: tagging } : {}),
      ...(input.contentType !== undefined ? { ContentType: input.contentType, MetadataDirective: 'REPLACE' as const } : {}),
      ...this.encryption(),
      ...(input.ifNoneMatch === true ? { IfNoneMatch: '*' } : {}),
    };
  }

  protected async _put(input: CheckedPut): Promise<void> {
    await this.conditional(input.key, input.ifNoneMatch, () => this.s3.send(new PutObjectCommand(this.putRequest(input))));
  }

  protected async _copy(input: CopyObjectInput): Promise<void> {
    try {
      await this.conditional(input.to, input.ifNoneMatch === true, () => this.s3.send(new CopyObjectCommand(this.copyInput(input))));
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError(`object to copy not found: ${input.from}`, { cause: err });
      throw err;
    }
  }

  /** Sends a write; with `ifNoneMatch`, 412 means the key exists and 409 (a concurrent conditional write) is retried. */
  private async conditional(key: string, ifNoneMatch: boolean, send: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await send();
        return;
      } catch (err) {
        const status = awsHttpStatus(err);
        if (ifNoneMatch && (status === 412 || awsErrorName(err) === 'PreconditionFailed')) throw new ObjectAlreadyExistsError(key, { cause: err });
        if (ifNoneMatch && status === 409 && attempt < CONFLICT_RETRIES) {
          await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
          continue;
        }
        throw err;
      }
    }
  }

  protected async _get(key: string): Promise<StoredObject | undefined> {
    let out;
    try {
      out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    const body = out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray();
    const info: StoredObject = { key, size: body.byteLength, metadata: { ...(out.Metadata ?? {}) }, lastModified: out.LastModified ?? new Date(0), body };
    if (out.ContentType !== undefined) info.contentType = out.ContentType;
    return info;
  }

  protected async _head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const info: ObjectInfo = { key, size: out.ContentLength ?? 0, metadata: { ...(out.Metadata ?? {}) }, lastModified: out.LastModified ?? new Date(0) };
      if (out.ContentType !== undefined) info.contentType = out.ContentType;
      return info;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  protected async _getTags(key: string): Promise<Record<string, string> | undefined> {
    try {
      return tagsOf((await this.s3.send(new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key }))).TagSet);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  protected async *_list(prefix: string, startAfter: string | undefined, limit: number): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: Math.min(1000, Math.max(1, limit)),
          ...(token !== undefined ? { ContinuationToken: token } : startAfter !== undefined ? { StartAfter: startAfter } : {}),
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) yield o.Key;
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  protected async _delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

/** NoSuchKey (GET, tagging, copy source) or 404 NotFound (HEAD: no body, so no error code). */
function isMissing(err: unknown): boolean {
  const name = awsErrorName(err);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || awsHttpStatus(err) === 404;
}
