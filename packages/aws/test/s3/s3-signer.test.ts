/**
 * Presigned uploads and downloads: the POST policy pins the key, the size range, the metadata
 * and SSE-KMS (what S3 enforces), and both forms work against an S3-compatible server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { S3DownloadSigner } from '../../src/s3/s3-download-signer';
import { S3UploadSigner } from '../../src/s3/s3-upload-signer';
import { S3ObjectStore } from '../../src/s3/s3-object-store';
import { startS3rver, type S3Server } from '../support/s3rver';

const BUCKET = 'hcdl-signer-test';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('S3 upload and download signers', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await startS3rver([BUCKET]);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('signs a POST whose policy pins the key, the size range, the metadata and the lake key', async () => {
    const signer = new S3UploadSigner(server.clients.s3, { bucket: BUCKET, kmsKeyId: KEY_ARN });
    const post = await signer.presignUpload({
      key: 'upload/source=lab/01J0000000000000000000000A.hl7',
      maxBytes: 1024,
      metadata: { 'upload-id': '01J0000000000000000000000A', 'submitted-by': 'writer-1' },
      expiresSeconds: 900,
    });
    expect(post.fields).toMatchObject({
      key: 'upload/source=lab/01J0000000000000000000000A.hl7',
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
      'x-amz-meta-upload-id': '01J0000000000000000000000A',
      'x-amz-meta-submitted-by': 'writer-1',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    });
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 1024],
        { bucket: BUCKET },
        { key: 'upload/source=lab/01J0000000000000000000000A.hl7' },
        { 'x-amz-server-side-encryption': 'aws:kms' },
        { 'x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN },
        { 'x-amz-meta-upload-id': '01J0000000000000000000000A' },
        { 'x-amz-meta-submitted-by': 'writer-1' },
      ]),
    );
    const expires = Date.parse(policy.expiration) - Date.now();
    expect(expires).toBeGreaterThan(800_000);
    expect(expires).toBeLessThanOrEqual(900_000);
  });

  it('the form uploads the file as signed, and a presigned GET reads it back', async () => {
    const signer = new S3UploadSigner(server.clients.s3, { bucket: BUCKET });
    const downloads = new S3DownloadSigner(server.clients.s3, { bucket: BUCKET });
    const key = 'upload/source=lab/01J0000000000000000000000B.hl7';
    const post = await signer.presignUpload({ key, maxBytes: 1 << 20, metadata: { 'upload-id': '01J0000000000000000000000B' }, expiresSeconds: 60 });
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob([Buffer.from('MSH|^~\\&|A|B\r', 'latin1')]), 'file.hl7');
    // Posted to s3rver itself: the compat proxy forwards only what the SDK sends.
    const res = await fetch(post.url.replace(new URL(post.url).origin, server.s3rverEndpoint), { method: 'POST', body: form });
    expect(res.status).toBeLessThan(300);
    const stored = await new S3ObjectStore(server.clients.s3, { bucket: BUCKET }).get(key);
    expect(Buffer.from(stored!.body).toString('latin1')).toBe('MSH|^~\\&|A|B\r');
    expect(stored!.metadata).toMatchObject({ 'upload-id': '01J0000000000000000000000B' });

    const url = await downloads.presignDownload(key, 300);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('300');
    const got = await fetch(url.replace(new URL(url).origin, server.s3rverEndpoint));
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).toString('latin1')).toBe('MSH|^~\\&|A|B\r');
  });
});
