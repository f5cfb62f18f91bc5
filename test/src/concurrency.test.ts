/**
 * 50 parallel posts of one message: exactly one wins (201), the 49 others get 409 with the
 * winner's id, and the lake holds one raw object and one catalog row for it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS, post, startTestLake, type TestLake } from './support/harness';

const ORU = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ORU-R01-01.hl7'));

describe('concurrent duplicates', () => {
  let t: TestLake;
  beforeAll(async () => {
    t = await startTestLake();
  });
  afterAll(async () => t.close());

  it('50 parallel posts of the same message give one 201 and 49 x 409', async () => {
    const token = await t.token({ write: 'lab', read: 'lab' });
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(t.url, ORU, { token })));
    const created = answers.filter((a) => a.status === 201);
    const duplicates = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(1);
    expect(duplicates).toHaveLength(49);
    const winner = created[0]!.json().messageId as string;
    for (const d of duplicates) expect(d.json()).toEqual({ status: 'duplicate', messageId: winner });
    await t.lake.idle();
    const rows = await t.lake.adapters.catalog.listMessages({ source: 'lab' });
    expect(rows.items.map((r) => r.messageId)).toEqual([winner]);
    expect(rows.items[0]?.status).toBe('staged');
    const raw: string[] = [];
    for await (const k of t.lake.adapters.objectStore.list('raw/source=lab/')) raw.push(k);
    expect(raw).toHaveLength(1);
  });

  it('the same message from another source is another message (dedup is per source)', async () => {
    const token = await t.token({ write: 'lab2' });
    const res = await post(t.url, ORU, { token });
    expect(res.status).toBe(201);
  });
});
