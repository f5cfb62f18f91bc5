import { beforeEach, describe, expect, it } from '@jest/globals';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { MessageRecord } from '@hcdl/lake';
import { CoreIngestInvokeError, CoreIngestProtocolError } from '../../src/core-ingest/errors';
import { CoreIngestOp, parseCoreIngestRequest } from '../../src/core-ingest/protocol';
import { MAX_REMOTE_DIAGNOSTICS, RemoteCoreIngest } from '../../src/core-ingest/remote-core-ingest';
import { S3ObjectStore } from '../../src/s3/s3-object-store';
import { LAMBDA_CLIENT } from '../../src/clients/lambda';
import { awsClientsFor, remoteCoreIngestFor } from '../../src/loader/aws-runtime';
import { readLambdaEnv } from '../../src/loader/lambda-env';

const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:hcdl-dev-core-writer-ingest';
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ID = '01J8Z3Q4R5S6T7V8W9X0Y1Z2A3';
const creds = { accessKeyId: 'x', secretAccessKey: 'y' };
const lambdaMock = mockClient(LambdaClient);
const s3Mock = mockClient(S3Client);

const record = (messageId: string): MessageRecord =>
  ({
    messageId,
    source: 'lab-a',
    status: 'ingested',
    rawKey: `raw/source=lab-a/dt=2024-09-24/${messageId}.hl7`,
    contentHash: 'h',
    size: 3,
    attempts: 0,
    receivedAt: 'now',
    updatedAt: 'now',
  }) as unknown as MessageRecord;

const answer = (body: unknown) => ({ StatusCode: 200, Payload: Buffer.from(JSON.stringify(body)) as never });

function adapter(ids: string[] = ['u1', 'u2', 'u3']): RemoteCoreIngest {
  const landing = new S3ObjectStore(new S3Client({ region: 'eu-west-1', credentials: creds }), { bucket: 'lake', kmsKeyId: KEY });
  return new RemoteCoreIngest({
    lambda: new LambdaClient({ region: 'eu-west-1', credentials: creds }),
    functionName: FN,
    landing,
    newId: () => ids.shift() ?? 'none',
  });
}

const invoked = (i = 0): unknown => JSON.parse(Buffer.from(lambdaMock.commandCalls(InvokeCommand)[i]?.args[0].input.Payload as Uint8Array).toString('utf8'));

beforeEach(() => {
  lambdaMock.reset();
  s3Mock.reset();
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"e"' });
});

const HEADER = { controlId: 'C1', messageType: 'ADT^A01', delimiters: { field: '|' } };
const TEXT = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|C1|P|2.5\rPID|1\r';

describe('RemoteCoreIngest.ingest', () => {
  it('lands the bytes under work/incoming/ with SSE-KMS, then invokes the function synchronously with a pointer', async () => {
    lambdaMock.on(InvokeCommand).resolves(answer({ op: 'ingest', record: record(ID) }));
    const bytes = Buffer.from(TEXT, 'utf8');
    const out = await adapter().ingest({ messageId: ID, source: 'lab-a', bytes, normalized: TEXT, header: HEADER, submittedBy: 'user-1' });
    expect(out.messageId).toBe(ID);

    const puts = s3Mock.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    const put = puts[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: 'lake', Key: 'work/incoming/u1', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY, IfNoneMatch: '*' });
    expect(Buffer.from(put?.Body as Uint8Array).equals(bytes)).toBe(true);

    const calls = lambdaMock.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.FunctionName).toBe(FN);
    expect(input?.InvocationType).toBe('RequestResponse');
    // A pointer, never the bytes (the invoke payload limit is 6 MB, bodies may be 10 MB).
    expect(invoked()).toEqual({ op: 'ingest', landingKey: 'work/incoming/u1', messageId: ID, source: 'lab-a', header: HEADER, submittedBy: 'user-1' });
    expect(parseCoreIngestRequest(invoked())).toEqual(invoked());
  });

  it('lands the normalized text beside the bytes only when it differs from them', async () => {
    lambdaMock.on(InvokeCommand).resolves(answer({ op: 'ingest', record: record(ID) }));
    const bytes = Buffer.from(`\x0b${TEXT}\x1c\r`, 'latin1');
    await adapter().ingest({ messageId: ID, source: 'lab-a', bytes, normalized: TEXT, header: HEADER, batchId: 'B1', batchIndex: 2 });
    const puts = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual(['work/incoming/u1', 'work/incoming/u2']);
    expect(Buffer.from(puts[1]?.Body as Uint8Array).toString('utf8')).toBe(TEXT);
    expect(puts[1]?.ServerSideEncryption).toBe('aws:kms');
    expect(invoked()).toMatchObject({ landingKey: 'work/incoming/u1', normalizedKey: 'work/incoming/u2', batchId: 'B1', batchIndex: 2 });
  });

  it('maps a function error to CoreIngestInvokeError with the remote error class, not its message', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: Buffer.from(JSON.stringify({ errorType: 'CatalogConflictError', errorMessage: 'secret PID value', trace: [] })) as never,
    });
    const err = await adapter()
      .ingest({ messageId: ID, source: 'lab-a', bytes: Buffer.from(TEXT), normalized: TEXT, header: HEADER })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreIngestInvokeError);
    expect((err as CoreIngestInvokeError).functionError).toBe('Unhandled');
    expect((err as CoreIngestInvokeError).remoteError).toBe('CatalogConflictError');
    expect((err as Error).message).not.toContain('secret');
  });

  it('maps a failed invoke (SDK error) to CoreIngestInvokeError keeping the cause', async () => {
    const cause = new ResourceNotFoundException({ message: 'no such function', $metadata: {} });
    lambdaMock.on(InvokeCommand).rejects(cause);
    const err = await adapter()
      .ingest({ messageId: ID, source: 'lab-a', bytes: Buffer.from(TEXT), normalized: TEXT, header: HEADER })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreIngestInvokeError);
    expect((err as CoreIngestInvokeError).remoteError).toBe('ResourceNotFoundException');
    expect((err as Error).cause).toBe(cause);
  });

  it('refuses an answer without a record', async () => {
    lambdaMock.on(InvokeCommand).resolves(answer({ op: 'batch', key: 'raw/x' }));
    await expect(adapter().ingest({ messageId: ID, source: 'lab-a', bytes: Buffer.from(TEXT), normalized: TEXT, header: HEADER })).rejects.toBeInstanceOf(
      CoreIngestProtocolError,
    );
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from('not json') as never });
    await expect(adapter().ingest({ messageId: ID, source: 'lab-a', bytes: Buffer.from(TEXT), normalized: TEXT, header: HEADER })).rejects.toBeInstanceOf(
      CoreIngestProtocolError,
    );
  });

  it('does not invoke when the landing put fails', async () => {
    s3Mock.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    await expect(adapter().ingest({ messageId: ID, source: 'lab-a', bytes: Buffer.from(TEXT), normalized: TEXT, header: HEADER })).rejects.toThrow();
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});

describe('RemoteCoreIngest.ingestRejected and storeBatch', () => {
  it('sends at most MAX_REMOTE_DIAGNOSTICS diagnostics, errors first', async () => {
    lambdaMock.on(InvokeCommand).resolves(answer({ op: 'reject', record: record(ID) }));
    const warnings = Array.from({ length: 150 }, (_, i) => ({ severity: 'warning', code: `W${i}` }));
    const errors = Array.from({ length: 3 }, (_, i) => ({ severity: 'error', code: `E${i}` }));
    await adapter().ingestRejected({
      messageId: ID,
      source: 'lab-a',
      bytes: Buffer.from('garbage'),
      stage: 'front-door',
      diagnostics: [...warnings, ...errors],
    });
    const sent = invoked() as { op: string; diagnostics: { code: string }[]; stage: string };
    expect(sent.op).toBe(CoreIngestOp.Reject);
    expect(sent.stage).toBe('front-door');
    expect(sent.diagnostics).toHaveLength(MAX_REMOTE_DIAGNOSTICS);
    expect(sent.diagnostics.slice(0, 4).map((d) => d.code)).toEqual(['E0', 'E1', 'E2', 'W0']);
  });

  it('stores a batch file through the function and returns its raw key', async () => {
    lambdaMock.on(InvokeCommand).resolves(answer({ op: 'batch', key: 'raw/source=lab-a/batches/B1.hl7' }));
    const out = await adapter().storeBatch({ source: 'lab-a', batchId: 'B1', bytes: Buffer.from('FHS|...'), messages: 2 });
    expect(out).toEqual({ key: 'raw/source=lab-a/batches/B1.hl7' });
    expect(invoked()).toEqual({ op: 'batch', landingKey: 'work/incoming/u1', source: 'lab-a', batchId: 'B1', messages: 2 });
  });
});

describe('parseCoreIngestRequest', () => {
  it('accepts only landing keys under work/incoming/', () => {
    const base = { op: 'ingest', messageId: ID, source: 'lab-a', header: {} };
    expect(() => parseCoreIngestRequest({ ...base, landingKey: 'raw/source=lab-a/x.hl7' })).toThrow(CoreIngestProtocolError);
    expect(() => parseCoreIngestRequest({ ...base, landingKey: 'work/incoming/../../raw/x' })).toThrow(CoreIngestProtocolError);
    expect(() => parseCoreIngestRequest({ ...base, landingKey: 'work/incoming/u1', normalizedKey: 'staging/x' })).toThrow(CoreIngestProtocolError);
    expect(parseCoreIngestRequest({ ...base, landingKey: 'work/incoming/u1' })).toEqual({ ...base, landingKey: 'work/incoming/u1' });
  });

  it('rejects unknown ops and malformed fields, naming the field', () => {
    expect(() => parseCoreIngestRequest({ op: 'delete', landingKey: 'work/incoming/u1' })).toThrow(/op must be one of/);
    expect(() => parseCoreIngestRequest({ op: 'ingest', landingKey: 'work/incoming/u1', messageId: ID, source: '', header: {} })).toThrow(/source/);
    expect(() => parseCoreIngestRequest({ op: 'ingest', landingKey: 'work/incoming/u1', messageId: ID, source: 's', header: {}, batchId: 'B' })).toThrow(
      /batchIndex/,
    );
    expect(() => parseCoreIngestRequest({ op: 'batch', landingKey: 'work/incoming/u1', source: 's', batchId: 'B', messages: 0 })).toThrow(/messages/);
    expect(() => parseCoreIngestRequest('x')).toThrow(CoreIngestProtocolError);
  });
});

describe('remoteCoreIngestFor', () => {
  it("builds the adapter from the env with the registry's Lambda and S3 clients (endpoint override honoured)", async () => {
    const registry = awsClientsFor({ region: 'eu-west-1', endpoints: { lambda: 'http://127.0.0.1:4566' } });
    const env = readLambdaEnv({ AWS_REGION: 'eu-west-1', HCDL_LAKE_BUCKET: 'lake', HCDL_CORE_INGEST_FUNCTION: FN }, ['lakeBucket', 'coreIngestFunction']);
    expect(remoteCoreIngestFor(env, registry)).toBeInstanceOf(RemoteCoreIngest);
    expect(registry.created().sort()).toEqual(['lambda', 's3']);
    const endpoint = await registry.get(LAMBDA_CLIENT).config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    registry.destroy();
  });
});
