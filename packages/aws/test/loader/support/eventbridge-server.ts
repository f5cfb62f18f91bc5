/**
 * A loopback stand-in for EventBridge's PutEvents, the one call the refined function makes:
 * an HTTP server speaking the service's JSON 1.1 protocol (`X-Amz-Target: AWSEvents.PutEvents`)
 * that records every entry it accepts and answers an EventId for each, as EventBridge does.
 * The SDK client takes its endpoint (HCDL_AWS_ENDPOINT_EVENTBRIDGE); any other target is
 * answered 400 UnknownOperationException, so a call the function should not make fails loudly.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One accepted PutEvents entry as the bus received it (Detail parsed). */
export interface BusEvent {
  eventId: string;
  eventBusName: string;
  source: string;
  detailType: string;
  time?: string;
  detail: Record<string, unknown>;
}

export interface EventBridgeServer {
  endpoint: string;
  /** Entries accepted so far, in arrival order. */
  events(): BusEvent[];
  /** PutEvents requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number | string;
}

const JSON_11 = 'application/x-amz-json-1.1';

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_11, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The SDK serializes `Time` as epoch seconds (a number). */
const timeOf = (t: PutEventsEntry['Time']): string | undefined => (t === undefined ? undefined : new Date(typeof t === 'number' ? t * 1000 : t).toISOString());

export async function startEventBridgeServer(): Promise<EventBridgeServer> {
  const events: BusEvent[] = [];
  let requests = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const text = await bodyOf(req);
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        answer(res, 400, { __type: 'UnknownOperationException', message: `not served here: ${target}` });
        return;
      }
      requests++;
      const entries = ((JSON.parse(text) as { Entries?: PutEventsEntry[] }).Entries ?? []).slice();
      if (entries.length === 0 || entries.length > 10) {
        answer(res, 400, { __type: 'ValidationException', message: 'PutEvents takes 1 to 10 entries' });
        return;
      }
      const out = entries.map((e) => {
        const eventId = randomUUID();
        const time = timeOf(e.Time);
        events.push({
          eventId,
          eventBusName: e.EventBusName ?? 'default',
          source: e.Source ?? '',
          detailType: e.DetailType ?? '',
          ...(time !== undefined ? { time } : {}),
          detail: JSON.parse(e.Detail ?? '{}') as Record<string, unknown>,
        });
        return { EventId: eventId };
      });
      answer(res, 200, { FailedEntryCount: 0, Entries: out });
    })().catch((err: unknown) => answer(res, 500, { __type: 'InternalException', message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    events: () => events.slice(),
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
