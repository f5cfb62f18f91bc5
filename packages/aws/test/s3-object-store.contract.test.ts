import { afterAll, beforeAll } from '@jest/globals';
import { objectStoreContract } from '@hcdl/lake/testing';
import { S3ObjectStore } from '../src/s3/s3-object-store';
import { startS3rver, type S3Server } from './support/s3rver';

const BUCKET = 'hcdl-test-lake';
let server: S3Server;

beforeAll(async () => {
  server = await startS3rver([BUCKET]);
});

afterAll(async () => {
  await server?.close();
});

objectStoreContract('S3ObjectStore (s3rver)', async () => ({ store: new S3ObjectStore(server.clients.s3, { bucket: BUCKET, kmsKeyId: 'alias/hcdl-test' }) }));
