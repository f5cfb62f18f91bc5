import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/clients';
import { TEST_CREDENTIALS, TEST_REGION } from './dynalite';
import { startS3CompatProxy } from './s3-compat-proxy';

/** Marks an SDK client of the test infrastructure (its requests are not the system's). */
export const TEST_INFRASTRUCTURE = Symbol.for('hcdl.test-infrastructure');

export interface S3Server {
  /** The endpoint the adapters use: the compat proxy in front of s3rver (see s3-compat-proxy.ts). */
  endpoint: string;
  /** s3rver itself. */
  s3rverEndpoint: string;
  clients: AwsClients;
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

/**
 * Starts s3rver (an S3-compatible server on a temp folder) on 127.0.0.1 with a free port,
 * with `buckets` created, behind the compat proxy that adds the S3 features s3rver lacks.
 */
export async function startS3rver(buckets: readonly string[]): Promise<S3Server> {
  // s3rver ships no types: typed here by the calls made.
  const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const directory = await mkdtemp(path.join(tmpdir(), 'hcdl-aws-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
    vhostBuckets: false,
  });
  const { port } = await server.run();
  const s3rverEndpoint = `http://127.0.0.1:${port}`;
  const direct = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { s3: s3rverEndpoint } });
  // The proxy's own requests stand for S3 features, not for what the code under test sends:
  // request counters skip clients marked so (lambda-harness.ts).
  Object.assign(direct.s3, { [TEST_INFRASTRUCTURE]: true });
  const proxy = await startS3CompatProxy(s3rverEndpoint, direct.s3);
  const clients = createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, endpoints: { s3: proxy.endpoint } });
  return {
    endpoint: proxy.endpoint,
    s3rverEndpoint,
    clients,
    close: async () => {
      destroyAwsClients(clients);
      await proxy.close();
      destroyAwsClients(direct);
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
