import { fork } from 'node:child_process';
import path from 'node:path';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/clients';

/** Fake credentials and region: the loopback servers accept any signature. */
export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface DynamoServer {
  endpoint: string;
  clients: AwsClients;
  close(): Promise<void>;
}

/**
 * Starts dynalite (a DynamoDB-compatible server, in memory) in a child process on 127.0.0.1
 * with a free port, and returns clients pointed at it. Table operations complete at once (no
 * CREATING delay); TransactWriteItems is added (dynalite-transactions.cjs: Put, Update, Delete,
 * ConditionCheck, all or nothing). `returnOldOnConditionFailure` adds that DynamoDB feature to
 * dynalite's single-item writes
 * (see dynalite-process.cjs). Its own process keeps the server's work off the test's event
 * loop, so timing-sensitive tests (the idempotency contract's concurrency case) hold under load.
 */
export async function startDynalite(options: { returnOldOnConditionFailure?: boolean } = {}): Promise<DynamoServer> {
  const args = options.returnOldOnConditionFailure === true ? ['--return-old'] : [];
  const child = fork(path.join(import.meta.dirname, 'dynalite-process.cjs'), args, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${String(code)}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const clients = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { dynamodb: endpoint } });
  return {
    endpoint,
    clients,
    close: async () => {
      destroyAwsClients(clients);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}
