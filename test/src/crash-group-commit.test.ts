/**
 * SIGKILL the lake 20 times in a row on one data folder while clients post single messages and
 * batch files, each time after a different, random number of acknowledged messages, so the
 * kills land at random points of the group commit (a batch being written, committed, synced,
 * answered) and of staging. Every acknowledged message must be durable (raw object and
 * catalog row) and end staged or error once the last lake has resumed the work left in flight.
 * Kills come after observed progress (201s), never after a time.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalAdapters } from '@hcdl/local';
import { CORPUS, post, removeDir, spawnLake, stopChild, tokenFor } from './support/harness';

const TEMPLATE = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'), 'latin1').replace(/\r?\n/g, '\r');

/** A distinct message: the template with its own control id. */
const message = (id: string): string => TEMPLATE.replace(/^(MSH(?:\|[^|\r]*){8}\|)[^|\r]*/, `$1${id}`);
/** A batch file of three distinct messages. */
const batch = (id: string): string =>
  ['FHS|^~\\&|A|B|C|D|20260101', 'BHS|^~\\&|A|B|C|D|20260101', ...[0, 1, 2].map((i) => message(`${id}-${i}`).replace(/\r$/, '')), 'BTS|3', 'FTS|1'].join('\r') +
  '\r';

const KILLS = 20;
const CLIENTS = 6;

/** A small seeded PRNG (mulberry32): the kill points differ per round but a failing run can be replayed. */
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

describe('kill -9 during group commit', () => {
  let dataDir: string;
  afterAll(async () => removeDir(dataDir), 60_000);

  it(`keeps every acknowledged message through ${KILLS} kills at random points`, async () => {
    const seed = Number(process.env.HCDL_CRASH_SEED ?? Date.now() % 1_000_000);
    const rand = random(seed);
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-crash-gc-'));
    const accepted: string[] = [];
    let sent = 0;
    for (let round = 0; round < KILLS; round++) {
      const lake = await spawnLake(dataDir);
      const token = await tokenFor(dataDir, { write: 'crash', read: 'crash' });
      // Between 1 and 40 acknowledged messages this round, then the kill.
      const killAfter = 1 + Math.floor(rand() * 40);
      let seen = 0;
      let reached = (): void => undefined;
      const progress = new Promise<void>((resolve) => (reached = resolve));
      const load = Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          for (;;) {
            const n = sent++;
            const asBatch = n % 5 === 0;
            try {
              const res = await post(lake.url, asBatch ? batch(`R${round}B${n}`) : message(`R${round}M${n}`), { token });
              if (res.status === 201) {
                const body = res.json();
                const ids: string[] = asBatch ? body.messages.map((m: { messageId: string }) => m.messageId) : [body.messageId];
                accepted.push(...ids);
                seen += ids.length;
                if (seen >= killAfter) reached();
              }
            } catch {
              return; // connection refused or reset: the lake is gone
            }
          }
        }),
      );
      await progress;
      await stopChild(lake.child, 'SIGKILL');
      await load;
    }
    expect(accepted.length).toBeGreaterThanOrEqual(KILLS);

    const last = await spawnLake(dataDir);
    const adapters = createLocalAdapters({ dataDir });
    try {
      for (const id of accepted) {
        const rec = await adapters.catalog.getMessage(id);
        expect([`seed ${seed}`, id, rec !== undefined]).toEqual([`seed ${seed}`, id, true]);
        expect(await adapters.objectStore.head(rec?.rawKey ?? 'raw/missing')).toBeDefined();
      }
      // The last lake resumes what was left `ingested`; wait for it to drain.
      const deadline = Date.now() + 300_000;
      for (;;) {
        const waiting = await adapters.catalog.listMessages({ status: 'ingested', limit: 1 });
        if (waiting.items.length === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const id of accepted) expect([id, (await adapters.catalog.getMessage(id))?.status]).toEqual([id, expect.stringMatching(/^(staged|error)$/)]);
    } finally {
      await stopChild(last.child);
      await adapters.close();
    }
  }, 1_200_000);
});
