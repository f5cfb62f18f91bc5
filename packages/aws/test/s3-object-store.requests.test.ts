import { Readable } from 'node:stream';
import { describe, expect, it, beforeEach } from '@jest/globals';
import {
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
import { ObjectAlreadyExistsError } from '@hcdl/lake';
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
      tags: { data_src: 'raw/source=lab/a b&c=d.hl7', zone: 'staging' },
    });
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'lake',
      Key: 'staging/source=lab/x.json',
      Body: Buffer.from('é{}', 'utf8'),
      ContentLength: 4,
      ContentType: 'application/json',
      Metadata: { 'message-id': 'M1' },
      Tagging: 'data_src=raw%2Fsource%3Dlab%2Fa%20b%26c%3Dd.hl7&zone=staging',
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

  it('releases the object body and fails when reading the tags fails (e.g. no s3:GetObjectTagging)', async () => {
    let destroyed = false;
    const body = Object.assign(Readable.from([Buffer.from('x')]), {
      transformToByteArray: async () => new Uint8Array([120]),
      transformToString: async () => 'x',
      transformToWebStream: () => new ReadableStream(),
    });
    body.on('close', () => (destroyed = true));
    s3.on(GetObjectCommand).resolves({ Body: body as never, Metadata: {} });
    s3.on(GetObjectTaggingCommand).rejects(failure('AccessDenied', 403));
    await expect(new S3ObjectStore(client(), { bucket: 'lake' }).get('raw/a.hl7')).rejects.toMatchObject({ name: 'AccessDenied' });
    await new Promise((r) => setImmediate(r));
    expect(destroyed).toBe(true);
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
      { Bucket: 'lake', Prefix: 'p/', MaxKeys: 1, ContinuationToken: 'tok' },
    ]);
  });
});
