/**
 * kill -9 between write and publish: the lake stops at the failpoint `refine.committed` (the
 * A01's versions are committed with their outbox entries, nothing is published), is killed
 * there, and restarted on the same folder: every event then arrives exactly once. The kill
 * comes after observed progress (the failpoint announced on stderr), never after a time.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalAdapters, withRefinedStore } from '@hcdl/local';
import { A01, a08Of, readEvents } from './support/fhir';
import { getJson, post, removeDir, spawnLake, stopChild, tokenFor } from './support/harness';

describe('refined outbox across a kill -9', () => {
  let dataDir: string;
  afterAll(async () => removeDir(dataDir), 60_000);

  it('publishes the versions committed before the kill exactly once after the restart', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-refined-crash-'));
    const first = await spawnLake(dataDir, { HCDL_FAILPOINTS: 'refine.committed' });
    const token = await tokenFor(dataDir, { write: 'ghh', read: 'ghh' });
    let stderr = '';
    const reached = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`failpoint not reached: ${stderr}`)), 120_000);
      first.child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('failpoint refine.committed reached')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const res = await post(first.url, A01, { token });
    expect(res.status).toBe(201);
    await reached;
    await stopChild(first.child, 'SIGKILL');

    // Killed between write and publish: versions committed and pending, no refined object yet.
    const killed = withRefinedStore(createLocalAdapters({ dataDir }));
    let pending: Awaited<ReturnType<typeof killed.resources.pending>>;
    try {
      pending = await killed.resources.pending(1000);
      expect(pending.map((v) => v.resourceType)).toEqual(expect.arrayContaining(['Patient', 'Encounter']));
      for (const v of pending) expect(await killed.objectStore.head(v.key)).toBeUndefined();
    } finally {
      await killed.close();
    }
    const committed = pending.map((v) => `${v.resourceType}/${v.id}/_history/${v.versionId}`);

    const second = await spawnLake(dataDir);
    try {
      // A later change marks the end of what the stream must hold: when its event is there,
      // everything committed before it has been delivered, once each or more.
      const patientId = pending.find((v) => v.resourceType === 'Patient')?.id as string;
      const marker = `Patient/${patientId}/_history/2`;
      const streamed = readEvents(`${second.url}/fhir/_changes/stream?since=0`, token, (es) => es.some((e) => JSON.parse(e.data).eventId === marker), 120_000);
      expect((await post(second.url, a08Of('CRASH-A08', '20290901080000+0115', '42 NEW ROAD'), { token })).status).toBe(201);
      const ids = (await streamed).map((e) => JSON.parse(e.data).eventId as string);
      expect(ids).toContain(marker);
      for (const id of committed) expect([id, ids.filter((x) => x === id).length]).toEqual([id, 1]);
      expect(new Set(ids).size).toBe(ids.length);
      const feed = await getJson(second.url, '/fhir/_changes?_count=1000', token);
      const fed = feed.json.items.map((i: any) => i.eventId as string);
      for (const id of committed) expect(fed.filter((x: string) => x === id)).toHaveLength(1);
      expect((await getJson(second.url, `/fhir/Patient/${patientId}/_history/1`, token)).status).toBe(200);
    } finally {
      await stopChild(second.child);
    }
    // The restarted lake published the outbox: nothing pending, every object written.
    const after = withRefinedStore(createLocalAdapters({ dataDir }));
    try {
      expect(await after.resources.pending(1000)).toEqual([]);
      for (const v of pending) expect(await after.objectStore.head(v.key)).toBeDefined();
    } finally {
      await after.close();
    }
  }, 480_000);
});
