/**
 * The refined stage runs on a thread of its own (ADR 0018): a POSTed ADT^A01 becomes FHIR
 * resources readable at /fhir and `fhir-changed` events on the lake's hub while the main
 * thread's refine use-case is never called; the thread is another thread than this one; the
 * refined objects' attribute rows are in refined.db, none in catalog.db (which the thread
 * only reads), and the main thread's object store still reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import type { FhirChangedEvent } from '@hcdl/lake';
import { openReadOnlyDatabase } from '@hcdl/local';
import { A01, recordFhirChanges } from './support/fhir';
import { post, startTestLake, type TestLake } from './support/harness';

let t: TestLake;
let token: string;
let refinedHere = 0;
let events: FhirChangedEvent['body'][] = [];

beforeAll(async () => {
  t = await startTestLake();
  token = await t.token({ write: 'ghh', read: 'ghh' });
  const stage = t.lake.app.refined;
  if (stage === undefined) throw new Error('no refined stage');
  const refine = stage.refine;
  // Counts any refine that would run on this (the main) thread.
  stage.refine = async (target) => {
    refinedHere++;
    return refine(target);
  };
  events = recordFhirChanges(t);
}, 120_000);
afterAll(async () => t?.close(), 60_000);

describe('the refined stage on its own thread', () => {
  it('refines a message off the main thread; its events reach the main hub once each', async () => {
    expect(t.lake.refinedThread).toBeDefined();
    expect(t.lake.refinedThread?.threadId).not.toBe(threadId);
    const res = await post(t.url, A01, { token });
    expect(res.status).toBe(201);
    await t.lake.idle();
    expect(refinedHere).toBe(0);
    const patient = events.find((e) => e.resourceType === 'Patient');
    expect(patient).toMatchObject({ change: 'create', versionId: '1' });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const read = await fetch(`${t.url}/fhir/Patient/${patient?.resourceId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    // Nothing waits in the outbox: each announced version was confirmed by the main thread.
    expect(await t.lake.adapters.resources.pending(1000)).toEqual([]);
  }, 120_000);

  it('keeps the refined objects’ attributes in refined.db, none in catalog.db, readable from the main thread', async () => {
    const count = (file: string): number => {
      const db = openReadOnlyDatabase(path.join(t.dataDir, file));
      try {
        return (db.prepare("SELECT count(*) AS n FROM objects WHERE key LIKE 'refined/%'").get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(count('catalog.db')).toBe(0);
    expect(count('refined.db')).toBe(events.length);
    const patient = events.find((e) => e.resourceType === 'Patient');
    const key = patient?.resourceKey as string;
    expect(await t.lake.adapters.objectStore.getTags(key)).toEqual({ data_src: expect.stringMatching(/^raw\//) });
    expect((await t.lake.adapters.objectStore.head(key))?.metadata).toEqual({ 'message-id': expect.any(String) });
  }, 60_000);
});
