import { Readable } from 'node:stream';
import { describe, expect, it, beforeEach } from '@jest/globals';
import {
  CopyObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { NotFoundError, ObjectAlreadyExistsError } from '@hcdl/lake';
import { collect } from '@hcdl/lake/testing';
import { S3ObjectStore } from '../src/s3/s3-object-store';

// Exact S3 requests of S3ObjectStore. s3rver ignores SSE-KMS, the Tagging header and
// If-None-Match on PUT (the contract test supplies the last two through a proxy), so the
// request shapes real S3 acts on are asserted here.
const s3 = mockClient(S3Client);
const client = (): S3Client => new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const failure = (name: string, status: number): S3ServiceException =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

beforeEach(() => {
  s3.reset();
});

describe('S3ObjectStore requests', () => {
  it('puts with SSE-KMS (key id, bucket key), metadata and the tags as a Tagging query string', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = new S3ObjectStore(client(), { bucket: 'lake', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1' });
    await store.put({
      key: 'staging/source=lab/x.json',
      body: 'é{}',
      contentType: 'application/json',
      metadata: { 'message-id': 'M1' },
      tags: { data_src: 'raw/source=lab/a b+c=d.hl7', zone: 'staging' },
    });
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'lake',
      Key: 'staging/source=lab/x.json',
      Body: Buffer.from('é{}', 'utf8'),
      ContentLength: 4,
      ContentType: 'application/json',
      Metadata: { 'message-id': 'M1' },
      Tagging: 'data_src=raw%2Fsource%3Dlab%2Fa%20b%2Bc%3Dd.hl7&zone=staging',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
      BucketKeyEnabled: true,
    });
  });

  it('uses the bucket default KMS key when none is configured, and sends no Tagging/IfNoneMatch when not asked', async () => {
    s3.on(PutObjectCommand).resolves({});
    await new S3ObjectStore(client(), { bucket: 'lake' }).put({ key: 'raw/a.hl7', body: new Uint8Array([0x0b, 0x1c]) });
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true, Metadata: {} });
    expect(input).not.toHaveProperty('SSEKMSKeyId');
    expect(input).not.toHaveProperty('Tagging');
    expect(input).not.toHaveProperty('IfNoneMatch');
  });

  it('sends If-None-Match: * for ifNoneMatch and maps 412 to ObjectAlreadyExistsError', async () => {
    s3.on(PutObjectCommand).rejects(failure('PreconditionFailed', 412));
    const err = await new S3ObjectStore(client(), { bucket: 'lake' }).put({ key: 'raw/a.hl7', body: 'x', ifNoneMatch: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectAlreadyExistsError);
    expect((err as Error).cause).toBeInstanceOf(S3ServiceException);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.IfNoneMatch).toBe('*');
  });

  it('retries a conditional put that S3 answers 409 (a concurrent conditional write) and then succeeds', async () => {
    s3.on(PutObjectCommand).rejectsOnce(failure('ConditionalRequestConflict', 409)).resolves({});
    await new S3ObjectStore(client(), { bucket: 'lake' }).put({ key: 'raw/a.hl7', body: 'x', ifNoneMatch: true });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('does not turn a 412 of an unconditional put, or any other failure, into ObjectAlreadyExistsError', async () => {
    const store = new S3ObjectStore(client(), { bucket: 'lake' });
    s3.on(PutObjectCommand).rejects(failure('PreconditionFailed', 412));
    const unconditional = await store.put({ key: 'raw/a.hl7', body: 'x' }).catch((e: unknown) => e);
    expect(unconditional).toBeInstanceOf(S3ServiceException);
    expect(unconditional).not.toBeInstanceOf(ObjectAlreadyExistsError);
    s3.on(PutObjectCommand).rejects(failure('AccessDenied', 403));
    const denied = await store.put({ key: 'raw/a.hl7', body: 'x', ifNoneMatch: true }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(S3ServiceException);
    expect(denied).not.toBeInstanceOf(ObjectAlreadyExistsError);
  });

  it('reads NoSuchKey (get) and NotFound (head) as undefined, but not NoSuchBucket', async () => {
    const store = new S3ObjectStore(client(), { bucket: 'lake' });
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } }));
    s3.on(GetObjectTaggingCommand).rejects(new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } }));
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'no', $metadata: { httpStatusCode: 404 } }));
    expect(await store.get('raw/missing')).toBeUndefined();
    expect(await store.head('raw/missing')).toBeUndefined();
    s3.on(GetObjectCommand).rejects(new NoSuchBucket({ message: 'no bucket', $metadata: { httpStatusCode: 404 } }));
    await expect(store.get('raw/missing')).rejects.toBeInstanceOf(NoSuchBucket);
  });

  it('get and head make one request each and never read the tags; getTags reads them', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: Object.assign(Readable.from([Buffer.from('x')]), { transformToByteArray: async () => new Uint8Array([120]) }) as never,
      Metadata: {},
    });
    s3.on(HeadObjectCommand).resolves({ ContentLength: 1, Metadata: {} });
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [{ Key: 'data_src', Value: 'raw/a.hl7' }] });
    const store = new S3ObjectStore(client(), { bucket: 'lake' });
    expect((await store.get('staging/a.json'))?.body).toEqual(new Uint8Array([120]));
    expect((await store.head('staging/a.json'))?.size).toBe(1);
    expect(s3.commandCalls(GetObjectTaggingCommand)).toHaveLength(0);
    expect(await store.getTags('staging/a.json')).toEqual({ data_src: 'raw/a.hl7' });
    expect(s3.commandCalls(GetObjectTaggingCommand)).toHaveLength(1);
  });

  it('copies inside the bucket with CopyObject: URL-encoded source, new tags (REPLACE), SSE-KMS, If-None-Match when asked', async () => {
    s3.on(CopyObjectCommand).resolves({});
    const store = new S3ObjectStore(client(), { bucket: 'lake', kmsKeyId: 'k-1' });
    await store.copy({ from: 'raw/source=lab/a b.hl7', to: 'error/source=lab/a.hl7', tags: { data_src: 'raw/source=lab/a b.hl7' }, ifNoneMatch: true });
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'lake',
      Key: 'error/source=lab/a.hl7',
      CopySource: 'lake/raw/source%3Dlab/a%20b.hl7',
      TaggingDirective: 'REPLACE',
      Tagging: 'data_src=raw%2Fsource%3Dlab%2Fa%20b.hl7',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'k-1',
      BucketKeyEnabled: true,
      IfNoneMatch: '*',
    });
    s3.on(CopyObjectCommand).rejects(new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } }));
    await expect(store.copy({ from: 'raw/gone.hl7', to: 'error/gone.hl7' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists with Prefix, StartAfter and MaxKeys capped by the limit, following continuation tokens', async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'p/b' }, { Key: 'p/c' }], IsTruncated: true, NextContinuationToken: 'tok' })
      .resolvesOnce({ Contents: [{ Key: 'p/d' }], IsTruncated: false });
    const keys = await collect(new S3ObjectStore(client(), { bucket: 'lake' }).list('p/', { startAfter: 'p/a', limit: 3 }));
    expect(keys).toEqual(['p/b', 'p/c', 'p/d']);
    const calls = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { Bucket: 'lake', Prefix: 'p/', MaxKeys: 3, StartAfter: 'p/a' },
      { Bucket: 'lake', Prefix: 'p/', MaxKeys: 3, ContinuationToken: 'tok' },
    ]);
  });
});
