import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/clients';
import { addReturnOldOnConditionFailure } from './dynalite-compat';

/** Fake credentials and region: the loopback servers accept any signature. */
export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface DynamoServer {
  endpoint: string;
  clients: AwsClients;
  close(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB-compatible server, in memory) on 127.0.0.1 with a free port
 * and returns clients pointed at it. Table operations complete at once (no CREATING delay).
 * `returnOldOnConditionFailure` adds that DynamoDB feature to dynalite (dynalite-compat.ts).
 */
export async function startDynalite(options: { returnOldOnConditionFailure?: boolean } = {}): Promise<DynamoServer> {
  if (options.returnOldOnConditionFailure === true) addReturnOldOnConditionFailure();
  // dynalite ships no types: typed here by the one call made.
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, number>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { dynamodb: endpoint } });
  return {
    endpoint,
    clients,
    close: async () => {
      destroyAwsClients(clients);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
