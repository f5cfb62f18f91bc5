import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A loopback proxy in front of dynalite that supplies `ReturnValuesOnConditionCheckFailure:
 * ALL_OLD` (DynamoDB, 2023), which dynalite 4.0.0 ignores: when a PutItem asking for it
 * fails its condition, the proxy reads the item (consistent GetItem) and adds it as `Item`
 * to the ConditionalCheckFailedException body, as DynamoDB does. Powertools' idempotency
 * layer relies on it to tell "in progress" from "completed" at the moment of the conflict.
 * Everything else (and the conditional check itself) is dynalite's.
 */
export async function startDynamoCompatProxy(upstream: string, direct: DynamoDBClient): Promise<{ endpoint: string; close(): Promise<void> }> {
  const keySchemas = new Map<string, Promise<string[]>>();
  const keyNames = (table: string): Promise<string[]> => {
    let names = keySchemas.get(table);
    if (names === undefined) {
      names = direct.send(new DescribeTableCommand({ TableName: table })).then(({ Table }) => (Table?.KeySchema ?? []).flatMap((k) => (k.AttributeName !== undefined ? [k.AttributeName] : [])));
      keySchemas.set(table, names);
    }
    return names;
  };

  const server: Server = createServer((req, res) => {
    (async () => {
      const body = await readBody(req);
      const up = await forward(upstream, req, body);
      let out = up.body;
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.endsWith('.PutItem') && up.status === 400 && up.body.toString('utf8').includes('ConditionalCheckFailedException')) {
        const input = JSON.parse(body.toString('utf8')) as { TableName: string; Item: Record<string, AttributeValue>; ReturnValuesOnConditionCheckFailure?: string };
        if (input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
          const Key = Object.fromEntries((await keyNames(input.TableName)).map((k) => [k, input.Item[k] as AttributeValue]));
          const { Item } = await direct.send(new GetItemCommand({ TableName: input.TableName, Key, ConsistentRead: true }));
          if (Item !== undefined) out = Buffer.from(JSON.stringify({ ...(JSON.parse(up.body.toString('utf8')) as object), Item }));
        }
      }
      const headers: Record<string, string | string[] | undefined> = { ...up.headers, 'content-length': String(out.byteLength) };
      delete headers['transfer-encoding'];
      // dynalite signs its responses with a CRC32 of the body; a changed body drops it.
      if (out !== up.body) delete headers['x-amz-crc32'];
      res.writeHead(up.status, headers);
      res.end(out);
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function forward(upstream: string, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const target = new URL(upstream);
  return new Promise((resolve, reject) => {
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      readBody(r).then((b) => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: b }), reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
