/**
 * The MLLP container image, built offline: its context is assembled by scripts/mllp-image.mjs,
 * the Dockerfile is read instruction by instruction (every COPY source must be in the context,
 * the process must not run as root), the image's file system is laid out as its COPY and
 * WORKDIR say, and its CMD is run there with Node, as a task would run it, against S3- and
 * DynamoDB-compatible servers and an SNS stand-in on loopback: an interface engine's MLLP
 * frames are stored, deduplicated and acknowledged, each port under its own source. No Docker
 * engine is needed (none on this machine); `docker build` of the same context adds only the
 * base image.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAwsAdapters, createCatalogTable, type AwsAdapters, ObjectAuditTrail } from '@hcdl/aws';
import { mllpFrame } from '@hcdl/local/mllp';
import { startDynalite, TEST_CREDENTIALS, TEST_REGION, type DynamoServer } from '../../../packages/aws/test/support/dynalite';
import { startS3rver, type S3Server } from '../../../packages/aws/test/support/s3rver';

const root = path.resolve(import.meta.dirname, '../../..');
const BUCKET = 'hcdl-mllp-test-lake';
const TABLES = { catalog: 'hcdl-mllp-test-catalog', idempotency: 'hcdl-mllp-test-idempotency' };
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:hcdl-mllp-test-hub';
const ADT = (control: string, mrn: string) =>
  `MSH|^~\\&|ADT|HOSP|HCDL|LAKE|20240102030405||ADT^A01^ADT_A01|${control}|P|2.5\rEVN|A01|20240102030405\rPID|1||${mrn}^^^HOSP^MR||DOE^JANE||19800101|F\rPV1|1|I\r`;

interface Instruction {
  op: string;
  args: string;
}
/** The Dockerfile as instructions (comments and blank lines dropped, ARG values substituted in FROM). */
function instructions(dockerfile: string): Instruction[] {
  const args: Record<string, string> = {};
  const out: Instruction[] = [];
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [op = '', ...rest] = line.split(/\s+/);
    let text = rest.join(' ');
    if (op === 'ARG') {
      const [k, v] = text.split('=');
      if (k !== undefined && v !== undefined) args[k] = v;
    }
    text = text.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? '');
    out.push({ op: op.toUpperCase(), args: text });
  }
  return out;
}

/** A stand-in for SNS's Publish (query protocol, XML answer) that records what was published. */
async function startSnsStandIn(): Promise<{ endpoint: string; publishes: URLSearchParams[]; close(): Promise<void> }> {
  const publishes: URLSearchParams[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (form.get('Action') !== 'Publish') {
        res.writeHead(400).end();
        return;
      }
      publishes.push(form);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${++n}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${n}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    publishes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends one MLLP frame and reads one framed answer. */
function exchange(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (all.includes(0x1c)) {
        socket.end();
        resolve(all.toString('latin1').replace(/[\x0b\x1c]/g, ''));
      }
    });
    socket.on('error', reject);
    socket.write(mllpFrame(message));
  });
}

describe('the MLLP container image', () => {
  let context: string;
  let imageRoot: string;
  let s3: S3Server;
  let dynamo: DynamoServer;
  let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
  let adapters: AwsAdapters;
  let task: ChildProcess;
  let stdout = '';
  let stderr = '';
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    const script = (await import(pathToFileURL(path.join(root, 'scripts/mllp-image.mjs')).href)) as {
      assembleMllpContext(out: string): Promise<{ files: string[] }>;
    };
    const work = mkdtempSync(path.join(tmpdir(), 'hcdl-mllp-image-'));
    context = path.join(work, 'context');
    imageRoot = path.join(work, 'image');
    await script.assembleMllpContext(context);
    [s3, dynamo, sns] = await Promise.all([startS3rver([BUCKET]), startDynalite({ returnOldOnConditionFailure: true }), startSnsStandIn()]);
    await createCatalogTable(dynamo.clients.dynamoRaw, TABLES.catalog);
    await (dynamo.clients.dynamoRaw as DynamoDBClient).send(
      new CreateTableCommand({
        TableName: TABLES.idempotency,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    adapters = createAwsAdapters(
      { lakeBucket: BUCKET, catalogTable: TABLES.catalog, idempotencyTable: TABLES.idempotency, hubTopicArn: TOPIC },
      { s3: s3.clients.s3, dynamo: dynamo.clients.dynamo, dynamoRaw: dynamo.clients.dynamoRaw, sns: s3.clients.sns },
    );
  }, 180_000);

  afterAll(async () => {
    if (task !== undefined && task.exitCode === null) task.kill('SIGKILL');
    await Promise.allSettled([s3?.close(), dynamo?.close(), sns?.close()]);
    rmSync(path.dirname(context), { recursive: true, force: true });
  });

  it('has a Dockerfile whose every COPY source is in the assembled context, on Node 22, not running as root', () => {
    const steps = instructions(readFileSync(path.join(context, 'Dockerfile'), 'utf8'));
    const from = steps.find((s) => s.op === 'FROM');
    expect(from?.args).toMatch(/^node:22(-|\.|@|$)/);
    const copies = steps.filter((s) => s.op === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/);
      for (const source of parts.slice(0, -1)) expect([source, existsSync(path.join(context, source))]).toEqual([source, true]);
    }
    expect(steps.filter((s) => s.op === 'ADD' || s.op === 'RUN')).toEqual([]);
    const user = steps.filter((s) => s.op === 'USER').at(-1);
    expect(user?.args).not.toMatch(/^(root|0)$/);
    expect(user?.args).toBeDefined();
    expect(steps.find((s) => s.op === 'CMD')?.args).toBe('["node", "server.mjs"]');
    // the context is what the image needs, nothing of the repository besides
    expect(readFileSync(path.join(context, 'package.json'), 'utf8')).toContain('"type": "module"');
  });

  it("runs its CMD from the image's file system: one listener per configured port, each under its source", async () => {
    const steps = instructions(readFileSync(path.join(context, 'Dockerfile'), 'utf8'));
    let workdir = '/';
    for (const step of steps) {
      if (step.op === 'WORKDIR') workdir = step.args;
      if (step.op !== 'COPY') continue;
      const parts = step.args.split(/\s+/);
      const dest = path.join(imageRoot, workdir, parts.at(-1) as string);
      mkdirSync(dest, { recursive: true });
      for (const source of parts.slice(0, -1)) copyFileSync(path.join(context, source), path.join(dest, path.basename(source)));
    }
    const cmd = JSON.parse(steps.find((s) => s.op === 'CMD')?.args ?? '[]') as string[];
    expect(cmd[0]).toBe('node');
    task = spawn(process.execPath, cmd.slice(1), {
      cwd: path.join(imageRoot, workdir),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        HCDL_LAKE_BUCKET: BUCKET,
        HCDL_CATALOG_TABLE: TABLES.catalog,
        HCDL_IDEMPOTENCY_TABLE: TABLES.idempotency,
        HCDL_HUB_TOPIC_ARN: TOPIC,
        HCDL_CATALOG_MIRROR: 'true',
        HCDL_AWS_ENDPOINT_S3: s3.endpoint,
        HCDL_AWS_ENDPOINT_DYNAMODB: dynamo.endpoint,
        HCDL_AWS_ENDPOINT_SNS: sns.endpoint,
        HCDL_MLLP_LISTENERS: '0=lab,0=adt',
        HCDL_MLLP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    task.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    task.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        const listening = stdout
          .split('\n')
          .filter((l) => l.includes('mllp listening'))
          .map((l) => JSON.parse(l) as { port: number; source: string });
        for (const l of listening) ports[l.source] = l.port;
        if (ports.lab !== undefined && ports.adt !== undefined) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      task.once('exit', (code) => {
        clearInterval(check);
        reject(new Error(`the task exited (${String(code)}): ${stderr}`));
      });
    });
    expect(ports.lab).not.toBe(ports.adt);
  }, 60_000);

  it('stores a frame durably before its ACK, publishes ingested, acknowledges a resend as already stored', async () => {
    const ack = await exchange(ports.lab as number, ADT('MLLP-1', 'MRN-77'));
    expect(ack).toMatch(/^MSH\|/);
    expect(ack).toMatch(/MSA\|AA\|MLLP-1/);
    const rows = await adapters.catalog.listMessages({ source: 'lab' });
    expect(rows.items).toHaveLength(1);
    const row = rows.items[0];
    expect(row).toMatchObject({ controlId: 'MLLP-1', status: 'ingested', submittedBy: 'mllp:lab' });
    expect(await adapters.objectStore.get(row?.rawKey as string)).toBeDefined();
    const eventOf = (p: URLSearchParams): string | undefined => {
      for (let i = 1; p.has(`MessageAttributes.entry.${i}.Name`); i++)
        if (p.get(`MessageAttributes.entry.${i}.Name`) === 'event') return p.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? undefined;
      return undefined;
    };
    expect(sns.publishes.map(eventOf)).toEqual(['ingested']);
    expect(sns.publishes.every((p) => p.get('TopicArn') === TOPIC)).toBe(true);

    const again = await exchange(ports.lab as number, ADT('MLLP-1', 'MRN-77'));
    expect(again).toMatch(/MSA\|AA\|MLLP-1\|.*already stored/);
    expect((await adapters.catalog.listMessages({ source: 'lab' })).items).toHaveLength(1);

    await exchange(ports.adt as number, ADT('MLLP-2', 'MRN-78'));
    expect((await adapters.catalog.listMessages({ source: 'adt' })).items.map((r) => r.controlId)).toEqual(['MLLP-2']);

    // Every frame is in the audit trail under audit/ (ADR 0016): who (the port's source), what, the outcome.
    const trail = (await new ObjectAuditTrail(adapters.objectStore).query({ limit: 100 })).records;
    expect(trail.map((r) => [r.principal, r.action, r.outcome])).toEqual([
      ['mllp:lab', 'write', 'success'],
      ['mllp:lab', 'write', 'duplicate'],
      ['mllp:adt', 'write', 'success'],
    ]);
    expect(trail[0]?.entityIds).toContain(row?.messageId);
  }, 60_000);

  it('stops on SIGTERM once the frames in flight are answered, and logged nothing of a message', async () => {
    const exited = new Promise<number | null>((resolve) => task.once('exit', (code) => resolve(code)));
    task.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('mllp stopped');
    for (const secret of ['DOE^JANE', 'MRN-77', 'MRN-78', '19800101']) expect(stdout + stderr).not.toContain(secret);
  }, 60_000);
});
