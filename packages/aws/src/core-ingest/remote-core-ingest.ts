import { randomUUID } from 'node:crypto';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { MessageRecord, ObjectStore } from '@hcdl/lake';
import { awsErrorName } from '../errors';
import { CoreIngestInvokeError, CoreIngestProtocolError } from './errors';
import { CoreIngestOp, INCOMING_PREFIX, type CoreIngestRequest, type CoreIngestResponse, type IngestPointer, type RejectPointer } from './protocol';

/** At most this many diagnostics travel per rejected input, errors first (what core keeps). */
export const MAX_REMOTE_DIAGNOSTICS = 100;

export interface RemoteIngestInput {
  messageId: string;
  source: string;
  bytes: Uint8Array;
  normalized: string;
  header: object;
  submittedBy?: string;
  batchId?: string;
  batchIndex?: number;
}

export interface RemoteRejectInput {
  messageId: string;
  source: string;
  bytes: Uint8Array;
  stage: string;
  diagnostics: readonly { severity: string }[];
  submittedBy?: string;
}

export interface RemoteBatchInput {
  source: string;
  batchId: string;
  bytes: Uint8Array;
  messages: number;
}

export interface RemoteCoreIngestOptions {
  lambda: LambdaClient;
  /** Name or ARN of core-writer's ingest function. */
  functionName: string;
  /** The lake bucket (SSE-KMS puts); only `work/incoming/` is written through it. */
  landing: ObjectStore;
  /** Landing object ids (tests); default random UUIDs. */
  newId?: () => string;
}

const decoder = new TextDecoder();

/** Whether the bytes are exactly the UTF-8 encoding of the text. */
function isUtf8Of(bytes: Uint8Array, text: string): boolean {
  const encoded = Buffer.from(text, 'utf8');
  return encoded.byteLength === bytes.byteLength && encoded.equals(bytes);
}

function errorsFirst<T extends { severity: string }>(diagnostics: readonly T[], max: number): T[] {
  return [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')].slice(0, max);
}

/** The error class a failed function reported in its payload (`errorType`), if readable. */
function remoteErrorOf(payload: Uint8Array | undefined): string | undefined {
  if (payload === undefined || payload.byteLength === 0) return undefined;
  try {
    const body = JSON.parse(decoder.decode(payload)) as { errorType?: unknown };
    return typeof body.errorType === 'string' && /^[\w.$-]{1,100}$/.test(body.errorType) ? body.errorType : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Core's ingest on AWS, as the front door uses it: the bytes are landed in
 * `work/incoming/<uuid>` (the front door's only write), then core-writer's ingest function
 * is invoked synchronously with a pointer and answers once the message is durable (raw
 * object + catalog row). A function error or a failed invoke throws CoreIngestInvokeError.
 */
export class RemoteCoreIngest {
  private readonly newId: () => string;

  constructor(private readonly options: RemoteCoreIngestOptions) {
    this.newId = options.newId ?? randomUUID;
  }

  async ingest(input: RemoteIngestInput): Promise<MessageRecord> {
    const landingKey = await this.land(input.bytes, 'application/octet-stream');
    const request: IngestPointer = { op: CoreIngestOp.Ingest, landingKey, messageId: input.messageId, source: input.source, header: input.header };
    if (!isUtf8Of(input.bytes, input.normalized)) request.normalizedKey = await this.land(Buffer.from(input.normalized, 'utf8'), 'text/plain; charset=utf-8');
    if (input.submittedBy !== undefined) request.submittedBy = input.submittedBy;
    if (input.batchId !== undefined && input.batchIndex !== undefined) {
      request.batchId = input.batchId;
      request.batchIndex = input.batchIndex;
    }
    return this.record(await this.invoke(request), CoreIngestOp.Ingest);
  }

  async ingestRejected(input: RemoteRejectInput): Promise<MessageRecord> {
    const landingKey = await this.land(input.bytes, 'application/octet-stream');
    const request: RejectPointer = {
      op: CoreIngestOp.Reject,
      landingKey,
      messageId: input.messageId,
      source: input.source,
      stage: input.stage,
      diagnostics: errorsFirst(input.diagnostics, MAX_REMOTE_DIAGNOSTICS),
    };
    if (input.submittedBy !== undefined) request.submittedBy = input.submittedBy;
    return this.record(await this.invoke(request), CoreIngestOp.Reject);
  }

  async storeBatch(input: RemoteBatchInput): Promise<{ key: string }> {
    const landingKey = await this.land(input.bytes, 'application/octet-stream');
    const answer = await this.invoke({ op: CoreIngestOp.Batch, landingKey, source: input.source, batchId: input.batchId, messages: input.messages });
    if (answer.op !== CoreIngestOp.Batch || typeof answer.key !== 'string')
      throw new CoreIngestProtocolError('the ingest function answered a batch request without its key');
    return { key: answer.key };
  }

  private async land(body: Uint8Array, contentType: string): Promise<string> {
    const key = `${INCOMING_PREFIX}${this.newId()}`;
    await this.options.landing.put({ key, body, contentType, ifNoneMatch: true });
    return key;
  }

  private record(answer: CoreIngestResponse, op: typeof CoreIngestOp.Ingest | typeof CoreIngestOp.Reject): MessageRecord {
    if (answer.op !== op || !('record' in answer) || typeof answer.record?.messageId !== 'string') {
      throw new CoreIngestProtocolError(`the ingest function answered an ${op} request without its record`);
    }
    return answer.record;
  }

  private async invoke(request: CoreIngestRequest): Promise<CoreIngestResponse> {
    let out;
    try {
      out = await this.options.lambda.send(
        new InvokeCommand({
          FunctionName: this.options.functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(request), 'utf8'),
        }),
      );
    } catch (err) {
      const name = awsErrorName(err) ?? 'Error';
      throw new CoreIngestInvokeError(`invoking the core ingest function failed (${name})`, { remoteError: name }, { cause: err });
    }
    if (out.FunctionError !== undefined) {
      const remoteError = remoteErrorOf(out.Payload);
      throw new CoreIngestInvokeError(`the core ingest function failed (${remoteError ?? out.FunctionError})`, {
        functionError: out.FunctionError,
        ...(remoteError !== undefined ? { remoteError } : {}),
      });
    }
    if (out.StatusCode !== 200 || out.Payload === undefined)
      throw new CoreIngestProtocolError(`the core ingest function answered status ${String(out.StatusCode)} without a payload`);
    try {
      return JSON.parse(decoder.decode(out.Payload)) as CoreIngestResponse;
    } catch (err) {
      throw new CoreIngestProtocolError('the core ingest function answered with a payload that is not JSON', { cause: err });
    }
  }
}
