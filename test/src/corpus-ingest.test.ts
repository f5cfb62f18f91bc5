/**
 * Every corpus message through the real front door and pipeline: messages of valid files end
 * staged, deliberately invalid files end in the error zone with a located diagnostic, and
 * nothing is lost: raw objects = staged + error, in the zones and in the catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readHeader, splitMessages } from '@hcdl/hl7v2';
import { CORPUS, REPO, post, startTestLake, type TestLake } from './support/harness';
import { corpusMessageRows } from '../fixtures/corpus-manifest';

const rows = corpusMessageRows();

/** Invalid only for a profile or a test's intent: valid HL7 that stages (reasons in the file). */
const notDetectable = JSON.parse(readFileSync(path.join(REPO, 'test/fixtures/corpus-not-detectable.json'), 'utf8')) as Record<string, string>;

const LOCATION = /^(line \d+|[A-Z0-9]{3}\[\d+\](-\d+(\[\d+\])?(\.\d+){0,2})?)$/;

async function countObjects(t: TestLake, prefix: string, suffix: string): Promise<number> {
  // Objects of a zone whose name ends with suffix (sidecars are never listed).
  let n = 0;
  for await (const k of t.lake.adapters.objectStore.list(prefix)) if (k.endsWith(suffix)) n++;
  return n;
}

describe('corpus ingest through the local lake', () => {
  let t: TestLake;
  const outcomes = new Map<string, { status: number; ids: string[] }>();

  beforeAll(async () => {
    // Lenient: the corpus holds fragments from other projects' test suites (many miss required
    // segments); what this test checks is that the parser stages them (ADR 0013).
    t = await startTestLake({ env: { HCDL_VALIDATION_POLICY: 'lenient' } });
    const token = await t.token({ sub: 'corpus', write: '*', read: '*' });
    for (const r of rows) {
      // One source per corpus project, so identical messages of two projects are two messages.
      const source = r.path.split('/')[0]!.replace(/[^A-Za-z0-9._-]/g, '-');
      const res = await post(t.url, readFileSync(path.join(CORPUS, r.path)), { token, query: `?source=${source}` });
      const body = res.json();
      const ids: string[] =
        res.status === 400
          ? body.error?.details?.messageId
            ? [body.error.details.messageId]
            : []
          : body.messages
            ? body.messages.map((m: { messageId: string }) => m.messageId)
            : [body.messageId];
      outcomes.set(r.path, { status: res.status, ids });
    }
    await t.lake.idle();
  }, 240_000);
  afterAll(async () => t.close());

  it('answers every file with 201, 409 or (for invalid input) 400', () => {
    for (const r of rows) {
      const o = outcomes.get(r.path)!;
      const allowed = r.negative ? [201, 400, 409] : [201, 409];
      expect({ file: r.path, ok: allowed.includes(o.status) || (o.status === 400 && o.ids.length === 0) }).toEqual({ file: r.path, ok: true });
    }
  });

  it('stages every message of every valid file that has MSH-9 and MSH-10', async () => {
    const notStaged: string[] = [];
    let withoutHeader = 0;
    for (const r of rows.filter((x) => !x.negative || notDetectable[x.path] !== undefined)) {
      const o = outcomes.get(r.path)!;
      const chunks = splitMessages(readFileSync(path.join(CORPUS, r.path))).messages;
      const expected = chunks.length;
      if (expected === 0) {
        // ruby-hl7 empty-batch.hl7: an envelope with no message is refused, nothing to stage.
        expect(o.status).toBe(400);
        continue;
      }
      if (![201, 409].includes(o.status) || o.ids.length !== expected) notStaged.push(`${r.path}: HTTP ${o.status}, ${o.ids.length}/${expected} ids`);
      for (const [i, id] of o.ids.entries()) {
        const rec = await t.lake.adapters.catalog.getMessage(id);
        const header = chunks[i] === undefined ? undefined : readHeader(chunks[i].text);
        if (header !== undefined && (header.messageCode === undefined || header.controlId === undefined)) {
          // Never staged without MSH-9 and MSH-10, whatever the policy (ADR 0013): kept in error, located at the field.
          const codes = (await t.lake.adapters.catalog.listErrors({ messageId: id })).items.map((e) => `${e.code}@${e.location}`);
          if (rec?.status !== 'error' || !codes.some((c) => /^POLICY_(MESSAGE_TYPE|CONTROL_ID)_MISSING@MSH\[1\]-(9|10)$/.test(c)))
            notStaged.push(`${r.path}: ${id} without MSH-9 or MSH-10 is ${rec?.status}`);
          withoutHeader++;
          continue;
        }
        if (rec?.status !== 'staged') notStaged.push(`${r.path}: ${id} is ${rec?.status}`);
      }
    }
    expect(notStaged).toEqual([]);
    // The corpus has such fragments (test suites build messages field by field): the rule is exercised.
    expect(withoutHeader).toBeGreaterThan(0);
  });

  it('sends every deliberately invalid file to the error zone with a located diagnostic', async () => {
    const missed: string[] = [];
    for (const r of rows.filter((x) => x.negative && notDetectable[x.path] === undefined)) {
      const o = outcomes.get(r.path)!;
      let located = false;
      for (const id of o.ids) {
        const rec = await t.lake.adapters.catalog.getMessage(id);
        if (rec?.status !== 'error') continue;
        const errors = (await t.lake.adapters.catalog.listErrors({ messageId: id })).items.filter((e) => e.severity === 'error');
        expect(await t.lake.adapters.objectStore.head(rec.errorKey!)).toBeDefined();
        if (errors.length > 0 && errors.every((e) => LOCATION.test(e.location ?? ''))) located = true;
      }
      if (!located) missed.push(`${r.path}: HTTP ${o.status}`);
    }
    expect(missed).toEqual([]);
  });

  it('loses nothing: raw = staged + error, in the zones and in the catalog', async () => {
    let messagesRaw = 0;
    let batchFiles = 0;
    for await (const k of t.lake.adapters.objectStore.list('raw/')) {
      if (k.includes('/format=er7-batch/')) batchFiles++;
      else messagesRaw++;
    }
    expect(batchFiles).toBeGreaterThan(10);
    const staging = await countObjects(t, 'staging/', '.json');
    const errorZone = await countObjects(t, 'error/', '.error.json');
    expect(messagesRaw).toBeGreaterThan(400);
    expect(messagesRaw).toBe(staging + errorZone);
    const staged = (await t.lake.adapters.catalog.listMessages({ status: 'staged', limit: 1000 })).items.length;
    const errors = (await t.lake.adapters.catalog.listMessages({ status: 'error', limit: 1000 })).items.length;
    const waiting = (await t.lake.adapters.catalog.listMessages({ status: 'ingested', limit: 1000 })).items.length;
    expect(waiting).toBe(0);
    expect(staged).toBe(staging);
    expect(errors).toBe(errorZone);
    expect(t.lake.adapters.hub.deadLetters).toEqual([]);
  });
});
