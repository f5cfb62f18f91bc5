/**
 * S3- and DynamoDB-compatible servers for the Lambda bundle tests, started on 127.0.0.1
 * with port 0 (s3rver and dynalite, from npm). The bundles reach them through the endpoint
 * overrides of the loader (HCDL_AWS_ENDPOINT_S3 / _DYNAMODB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Credentials both servers accept (any value works; the SDK needs some). */
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const TEST_REGION = 'us-east-1';

export interface LoopbackServers {
  s3Endpoint: string;
  dynamoEndpoint: string;
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Starts s3rver (with the given buckets) and dynalite; close() stops both and removes s3rver's folder. */
export async function startLoopbackServers(buckets: readonly string[]): Promise<LoopbackServers> {
  const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const directory = mkdtempSync(path.join(tmpdir(), 'hcdl-s3rver-'));
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
    vhostBuckets: false,
  });
  const s3Address = await s3.run();
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => resolve());
  });
  const dynamoAddress = dynamo.address() as AddressInfo;
  return {
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    dynamoEndpoint: `http://127.0.0.1:${dynamoAddress.port}`,
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
