import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { auditTrailContract, MemoryObjectStore } from '@hcdl/lake/testing';
import { ObjectAuditTrail } from '../src/audit/object-audit-trail';
import { S3ObjectStore } from '../src/s3/s3-object-store';
import { startS3rver, type S3Server } from './support/s3rver';

const BUCKET = 'hcdl-test-audit';
let server: S3Server;

beforeAll(async () => {
  server = await startS3rver([BUCKET]);
});

afterAll(async () => {
  await server?.close();
});

// On S3 (s3rver, the same S3ObjectStore the Lambdas use) and on the port's memory store.
auditTrailContract('ObjectAuditTrail (S3ObjectStore on s3rver)', async () => ({
  trail: new ObjectAuditTrail(new S3ObjectStore(server.clients.s3, { bucket: BUCKET, kmsKeyId: 'alias/hcdl-test' })),
}));
auditTrailContract('ObjectAuditTrail (memory store)', async () => ({ trail: new ObjectAuditTrail(new MemoryObjectStore()) }));

describe('ObjectAuditTrail layout', () => {
  it('writes one JSON object per record under audit/dt=<day>/ (the Glue table audit reads it)', async () => {
    const store = new MemoryObjectStore();
    const trail = new ObjectAuditTrail(store);
    const record = {
      auditId: '01KC0000000000000000000000',
      at: '2026-12-07T10:00:00.000Z',
      principal: 'u',
      action: 'read' as const,
      method: 'GET',
      route: '/patients/{id}',
      entityType: 'patient',
      entityIds: ['pat_01JAAAAAAAAAAAAAAAAAAAAAAA'],
      outcome: 'success' as const,
      status: 200,
    };
    await trail.append(record);
    const keys: string[] = [];
    for await (const k of store.list('audit/')) keys.push(k);
    expect(keys).toEqual(['audit/dt=2026-12-07/01KC0000000000000000000000.json']);
    const body = Buffer.from((await store.get(keys[0] as string))?.body ?? new Uint8Array()).toString('utf8');
    expect(body.endsWith('\n')).toBe(true);
    expect(JSON.parse(body)).toEqual(record);
  });
});
