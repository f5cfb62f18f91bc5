/**
 * Lambda events shaped as AWS delivers them: API Gateway HTTP API (payload format 2.0)
 * with a JWT authorizer, SNS notifications, the SQS batch EventBridge Pipes passes on, plus
 * Lambda's context object.
 */
import { randomUUID } from 'node:crypto';
import { snsAttributesOf, type HubEvent } from '@hcdl/lake';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path without the query string, e.g. /hl7v2/er7. */
  path: string;
  routeKey?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  body?: Uint8Array | string;
  /** Claims the JWT authorizer verified; undefined = no authorizer context. */
  claims?: Record<string, string | number | string[]>;
}

/** An API Gateway HTTP API payload v2 event (binary bodies base64 encoded, as API Gateway does). */
export function apiGatewayV2Event(req: HttpRequest): Record<string, unknown> {
  const now = new Date();
  const query = req.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const headers: Record<string, string> = {
    accept: '*/*',
    host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'curl/8.5.0',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const binary = req.body instanceof Uint8Array;
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: req.routeKey ?? `${req.method} ${req.path}`,
    rawPath: req.path,
    rawQueryString,
    headers,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: req.method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'curl/8.5.0' },
      requestId: randomUUID(),
      routeKey: req.routeKey ?? `${req.method} ${req.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(req.claims === undefined ? {} : { authorizer: { jwt: { claims: req.claims, scopes: null } } }),
    },
    isBase64Encoded: binary,
  };
  if (rawQueryString !== '') event.queryStringParameters = query;
  if (req.pathParameters !== undefined) event.pathParameters = req.pathParameters;
  if (req.body !== undefined) event.body = binary ? Buffer.from(req.body as Uint8Array).toString('base64') : req.body;
  return event;
}

/** JWT claims as the API Gateway JWT authorizer passes them (Cognito-style custom attributes). */
export function jwtClaims(claims: { sub?: string; write?: string; read?: string }): Record<string, string | number> {
  const iat = Math.floor(Date.now() / 1000);
  const out: Record<string, string | number> = {
    sub: claims.sub ?? randomUUID(),
    iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_Example`,
    aud: 'hcdl-client',
    token_use: 'id',
    auth_time: iat,
    iat,
    exp: iat + 3600,
  };
  if (claims.write !== undefined) out['custom:write'] = claims.write;
  if (claims.read !== undefined) out['custom:read'] = claims.read;
  return out;
}

/** What the hub put on SNS: the JSON body and the String message attributes. */
export interface SnsPublish {
  Message: string;
  MessageAttributes: Record<string, { DataType: string; StringValue?: string }>;
}

/** The PublishCommand input the SNS hub sends for a hub event (body as JSON, String attributes). */
export function snsPublishOf(event: HubEvent): SnsPublish {
  return { Message: JSON.stringify(event.body), MessageAttributes: snsAttributesOf(event.attributes) };
}

/** An SNS event as Lambda receives it for a subscription (raw message delivery off). */
export function snsEvent(publishes: readonly SnsPublish[], topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:hcdl-dev-hub`): { Records: unknown[] } {
  return {
    Records: publishes.map((p) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${topicArn}:${randomUUID()}`,
      Sns: {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: topicArn,
        Subject: null,
        Message: p.Message,
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
        UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:x`,
        MessageAttributes: Object.fromEntries(Object.entries(p.MessageAttributes).map(([k, v]) => [k, { Type: v.DataType, Value: v.StringValue ?? '' }])),
      },
    })),
  };
}

/**
 * The input EventBridge Pipes hands the staging workflow for queued hub events: the batch of
 * SQS records as a JSON array (SNS raw message delivery: each body is the event body, the
 * event attributes are SQS String message attributes).
 */
export function pipeInputOf(publishes: readonly SnsPublish[], queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:hcdl-dev-staging`): Record<string, unknown>[] {
  return publishes.map((p) => ({
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID()}`,
    body: p.Message,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAIT2UOQQY3AUEKVGXU',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(p.MessageAttributes).map(([k, v]) => [
        k,
        { stringValue: v.StringValue ?? '', stringListValues: [], binaryListValues: [], dataType: v.DataType },
      ]),
    ),
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  }));
}

/** Lambda's context object (the fields handlers and Powertools Logger read). */
export function lambdaContext(functionName: string): Record<string, unknown> {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/23/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An S3 "Object Created" event as EventBridge delivers it (S3 → EventBridge: the key as stored, not URL-encoded). */
export function s3ObjectCreatedEvent(o: { bucket: string; key: string; size: number; versionId?: string; requester?: string; time?: Date }) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT,
    time: (o.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws:s3:::${o.bucket}`],
    detail: {
      version: '0',
      bucket: { name: o.bucket },
      object: {
        key: o.key,
        size: o.size,
        etag: randomUUID().replace(/-/g, ''),
        ...(o.versionId !== undefined ? { 'version-id': o.versionId } : {}),
        sequencer: Date.now().toString(16).toUpperCase().padStart(18, '0'),
      },
      'request-id': randomUUID().slice(0, 16).toUpperCase(),
      requester: o.requester ?? ACCOUNT,
      'source-ip-address': '203.0.113.10',
      reason: 'PostObject',
    },
  };
}

/** The SQS batch Lambda receives from the landing queue (an EventBridge rule's target): each body is one event. */
export function sqsEventOf(bodies: readonly unknown[], queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:hcdl-dev-landing`): { Records: Record<string, unknown>[] } {
  return {
    Records: bodies.map((b) => ({
      messageId: randomUUID(),
      receiptHandle: `AQEB${randomUUID()}`,
      body: typeof b === 'string' ? b : JSON.stringify(b),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAEVENTBRIDGE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: REGION,
    })),
  };
}

/** What EventBridge Scheduler hands the sweep function: the schedule target's Input, as infra sets it (infra/src/stacks/sweeper.ts). */
export function schedulerInput(schedule = 'hcdl-dev-sweep'): Record<string, unknown> {
  return { schedule };
}
