/**
 * Duplicates across a crash (issue 13, ADR 0014): SIGKILL the lake 20 times at random points
 * while clients post new messages and resend earlier ones (answered or not), then resend
 * everything to a last lake. Every message must end with exactly one catalog row (0
 * duplicates, 0 losses), every resend must be answered 201 or 409 (never 500), and a message
 * once acknowledged keeps its first id in every later answer. Kills come after observed
 * progress (answers), never after a time. A dedup record left in progress by a kill blocks
 * its key for HCDL_DEDUP_IN_PROGRESS_SECONDS (2 s here instead of 60).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalAdapters } from '@hcdl/local';
import type { MessageRecord } from '@hcdl/lake';
import { CORPUS, post, removeDir, spawnLake, stopChild, tokenFor } from './support/harness';

const TEMPLATE = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ORU-R01-01.hl7'), 'latin1').replace(/\r?\n/g, '\r');
const message = (id: string): string => TEMPLATE.replace(/^(MSH(?:\|[^|\r]*){8}\|)[^|\r]*/, `$1${id}`);

const KILLS = 20;
const CLIENTS = 6;
const ENV = { HCDL_DEDUP_IN_PROGRESS_SECONDS: '2' };

/** mulberry32: the kill points differ per run (HCDL_CRASH_SEED replays one). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('kill -9 and resend', () => {
  let dataDir: string;
  afterAll(async () => removeDir(dataDir), 60_000);

  it(`leaves no duplicate and loses nothing through ${KILLS} kills and resends`, async () => {
    const seed = Number(process.env.HCDL_CRASH_SEED ?? Date.now() % 1_000_000);
    const rand = random(seed);
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-crash-dedup-'));
    const sent: string[] = [];
    /** The first id each control id was acknowledged with (201 or 409). */
    const firstId = new Map<string, string>();
    const mismatches: string[] = [];
    const note = (controlId: string, id: string): void => {
      const known = firstId.get(controlId);
      if (known === undefined) firstId.set(controlId, id);
      else if (known !== id) mismatches.push(controlId);
    };
    let next = 0;
    for (let round = 0; round < KILLS; round++) {
      const lake = await spawnLake(dataDir, ENV);
      const token = await tokenFor(dataDir, { write: 'crash', read: 'crash' });
      const killAfter = 1 + Math.floor(rand() * 30);
      let seen = 0;
      let reached = (): void => undefined;
      const progress = new Promise<void>((resolve) => (reached = resolve));
      const load = Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (;;) {
            // Half new messages, half resends of any earlier one (acknowledged or not).
            const resend = sent.length > 0 && rand() < 0.5;
            const controlId = resend ? (sent[Math.floor(rand() * sent.length)] as string) : `R${round}M${next++}`;
            if (!resend) sent.push(controlId);
            try {
              const res = await post(lake.url, message(controlId), { token });
              if (res.status === 201 || res.status === 409) {
                note(controlId, res.json().messageId);
                if (++seen >= killAfter) reached();
              }
            } catch {
              return; // refused or reset: the lake is gone
            }
          }
        }),
      );
      await progress;
      await stopChild(lake.child, 'SIGKILL');
      await load;
    }

    const last = await spawnLake(dataDir, ENV);
    const adapters = createLocalAdapters({ dataDir });
    try {
      const token = await tokenFor(dataDir, { write: 'crash', read: 'crash' });
      const statuses = new Map<number, number>();
      let i = 0;
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (i < sent.length) {
            const controlId = sent[i++] as string;
            const res = await post(last.url, message(controlId), { token });
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 201 || res.status === 409) note(controlId, res.json().messageId);
          }
        }),
      );
      const rows: MessageRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await adapters.catalog.listMessages({ source: 'crash', limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
        rows.push(...page.items);
        cursor = page.cursor;
      } while (cursor !== undefined);
      const perControlId = new Map<string, number>();
      for (const r of rows) perControlId.set(r.controlId ?? '', (perControlId.get(r.controlId ?? '') ?? 0) + 1);
      const duplicates = [...perControlId].filter(([, n]) => n > 1).map(([c]) => c);
      const lost = sent.filter((c) => !perControlId.has(c));
      const summary = { seed, sent: sent.length, rows: rows.length, statuses: Object.fromEntries(statuses), duplicates, lost, mismatches };
      expect(summary).toEqual({
        ...summary,
        rows: sent.length,
        statuses: { ...Object.fromEntries([...statuses].filter(([s]) => s === 409 || s === 201)) },
        duplicates: [],
        lost: [],
        mismatches: [],
      });
      // Every message was answered by the final resend, and each answer's id is its row.
      for (const r of rows) expect([r.controlId, firstId.get(r.controlId ?? '')]).toEqual([r.controlId, r.messageId]);
    } finally {
      await stopChild(last.child);
      await adapters.close();
    }
  }, 1_200_000);
});
