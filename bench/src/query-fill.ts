/**
 * Two ways to fill a lake with generated messages for bench:query.
 *
 * fillViaStagingSteps (the default): the real code without the per-message durability of
 * ingest. Every message goes through the staging use-case's own work (stageMessage of
 * @hcdl/core: decode, normalize, parse, validate, staging JSON), its staging
 * JSON is written at the real zone key (stagingKey of packages/lake) and its catalog row is
 * inserted by the real SqliteCatalog.putMessage; the patient index (createPatientIndex of
 * @hcdl/lake) records each message's identifiers, links and merges as the outcomes use-case
 * does, so the catalog's patient tables are as full as a real lake's. Skipped: the front door
 * (auth, dedup, raw zone), the hub and the object store; the rows go through the group commit in one deferred
 * unit of work (no wait per row). Message ids are spread over 30 days so `dt` has 30
 * partitions; four sources.
 *
 * fillViaFrontDoor: every message submitted to the real submit route of a local lake (the
 * whole pipeline: dedup, raw zone, hub, staging, outcomes, syncs), eight at a time.
 * All messages get today's ids, so `dt` has one partition.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { normalize, readHeader } from '@hcdl/hl7v2';
import { stageMessage } from '../../packages/core/src';
import { createPatientIndex, MessageStatus, newMessageId, stagingKey, type MessageRecord } from '../../packages/lake/src';
import { groupCommitOf } from '../../packages/local/src/adapters/group-commit';
import { openDatabase } from '../../packages/local/src/adapters/local-adapters';
import { SqliteCatalog } from '../../packages/local/src/adapters/sqlite-catalog';
import { QueryEngine } from '../../packages/local/src/query';
import { readConfig } from '../../packages/local/src/runtime/env';
import { openLocalLake } from '../../packages/local/src/runtime/lake';
import { generateMessages } from './generator';

export const SOURCES = ['genhosp-adt', 'stmary-adt', 'labcore-lis', 'northclin-emr'] as const;
const DAY = 24 * 3600 * 1000;

export interface Filled {
  staged: number;
  errors: number;
}

export async function fillViaStagingSteps(dataDir: string, count: number): Promise<Filled> {
  const zones = path.join(dataDir, 'zones');
  await mkdir(zones, { recursive: true });
  const db = openDatabase(path.join(dataDir, 'catalog.db'));
  db.pragma('synchronous = OFF');
  const catalog = new SqliteCatalog(db);
  const patients = createPatientIndex(catalog);
  const messages = generateMessages(count);
  const start = Date.now() - 30 * DAY;
  const dirs = new Set<string>();
  let staged = 0;
  let errors = 0;
  const group = groupCommitOf(db);
  await group.deferred(async () => {
    for (let i = 0; i < messages.length; i++) {
      const text = messages[i] as string;
      const bytes = Buffer.from(text, 'latin1');
      const messageId = newMessageId(start + Math.floor((i / messages.length) * 30 * DAY));
      const source = SOURCES[i % SOURCES.length] as string;
      const normalized = normalize(bytes);
      const outcome = stageMessage(bytes);
      const header = readHeader(normalized);
      const now = new Date().toISOString();
      const record: MessageRecord = {
        messageId,
        source,
        protocol: 'hl7v2',
        format: 'er7',
        status: outcome.ok ? MessageStatus.Staged : MessageStatus.Error,
        receivedAt: new Date(start + Math.floor((i / messages.length) * 30 * DAY)).toISOString(),
        updatedAt: now,
        contentHash: createHash('sha256').update(normalized).digest('hex'),
        size: bytes.byteLength,
        rawKey: `raw/source=${source}/protocol=hl7v2/format=er7/dt=x/${messageId}.hl7`,
        attempts: 1,
      };
      if (header.controlId !== undefined) record.controlId = header.controlId;
      if (header.messageType !== undefined) record.messageType = header.messageType;
      if (outcome.ok) {
        // The facts staging gathered, as the outcomes use-case indexes them (no second parse).
        const indexed = await patients.indexFacts(outcome.patient, { messageId, source, at: record.receivedAt, messageType: header.messageType ?? 'UNKNOWN' });
        if (indexed.patientId !== undefined) record.patientId = indexed.patientId;
        const key = stagingKey(source, outcome.structure, messageId);
        record.stagingKey = key;
        if (outcome.structure !== undefined) record.structure = outcome.structure;
        const file = path.join(zones, ...key.split('/'));
        const dir = path.dirname(file);
        if (!dirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          dirs.add(dir);
        }
        await writeFile(file, outcome.stagingJson);
        staged++;
      } else errors++;
      await catalog.putMessage(record);
      if (i % 5000 === 4999) process.stderr.write(`\r  filled ${i + 1}/${count}`);
    }
  });
  await group.close();
  db.close();
  process.stderr.write('\n');
  return { staged, errors };
}

export async function fillViaFrontDoor(dataDir: string, count: number): Promise<Filled> {
  const lake = await openLocalLake(readConfig({ HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PORT: '0' }));
  const messages = generateMessages(count);
  const counts: Record<number, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < messages.length; i = next++) {
      // As the HTTP server runs a submission: one deferred unit of work, answered once durable.
      const res = await lake.durably(() =>
        lake.http.handle({
          method: 'POST',
          path: '/hl7v2/er7',
          claims: { sub: 'bench', 'custom:write': '*' },
          headers: { 'content-type': 'application/hl7-v2' },
          query: { source: SOURCES[i % SOURCES.length] as string },
          body: Buffer.from(messages[i] as string, 'latin1'),
        }),
      ).durable;
      counts[res.status] = (counts[res.status] ?? 0) + 1;
      if (i % 1000 === 999) process.stderr.write(`\r  submitted ${i + 1}/${count}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
    await lake.idle();
  } finally {
    await lake.close();
  }
  process.stderr.write('\n');
  const engine = await QueryEngine.open({ dataDir });
  let statuses: number[];
  try {
    statuses = (await engine.query("SELECT count(*) FILTER (WHERE status = 'staged'), count(*) FILTER (WHERE status = 'error') FROM messages"))
      .rows[0] as number[];
  } finally {
    engine.close();
  }
  if ((counts[201] ?? 0) + (counts[409] ?? 0) !== count) process.stderr.write(`  answers: ${JSON.stringify(counts)}\n`);
  return { staged: statuses[0] ?? 0, errors: statuses[1] ?? 0 };
}
