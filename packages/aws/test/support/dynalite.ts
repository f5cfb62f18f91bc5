import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/clients';
import { startDynamoCompatProxy } from './dynamo-compat-proxy';

/** Fake credentials and region: the loopback servers accept any signature. */
export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface DynamoServer {
  /** The endpoint `clients` use (the compat proxy when asked for). */
  endpoint: string;
  clients: AwsClients;
  close(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB-compatible server, in memory) on 127.0.0.1 with a free port
 * and returns clients pointed at it. Table operations complete at once (no CREATING delay).
 * `returnOldOnConditionFailure` puts the compat proxy in front (dynamo-compat-proxy.ts).
 */
export async function startDynalite(options: { returnOldOnConditionFailure?: boolean } = {}): Promise<DynamoServer> {
  // dynalite ships no types: typed here by the one call made.
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, number>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const dynaliteEndpoint = `http://127.0.0.1:${port}`;
  const direct = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { dynamodb: dynaliteEndpoint } });
  const proxy = options.returnOldOnConditionFailure === true ? await startDynamoCompatProxy(dynaliteEndpoint, direct.dynamoRaw) : undefined;
  const endpoint = proxy?.endpoint ?? dynaliteEndpoint;
  const clients = proxy === undefined ? direct : createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { dynamodb: endpoint } });
  return {
    endpoint,
    clients,
    close: async () => {
      if (clients !== direct) destroyAwsClients(clients);
      await proxy?.close();
      destroyAwsClients(direct);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
