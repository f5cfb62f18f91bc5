/**
 * Kill the lake process (SIGKILL) in the middle of a load and start it again on the same
 * folder: every message that got a 201 is in the raw zone and the catalog, and ends staged
 * or error once the restarted lake has resumed the work left in flight. The kill comes
 * after observed progress (a number of 201s), never after a time, so a slow machine kills
 * the lake in the same state as a fast one.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalAdapters } from '@hcdl/local';
import { CORPUS, post, removeDir, spawnLake, stopChild, tokenFor } from './support/harness';

const TEMPLATE = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'), 'latin1');

/** Distinct messages: the template with its own control id. */
const message = (i: number): string => TEMPLATE.replace(/^(MSH(?:\|[^|\r\n]*){8}\|)[^|\r\n]*/, `$1CRASH${i}`);

/** How many 201s to see before the kill: enough that some messages are still being staged. */
const KILL_AFTER = 20;

describe('crash and resume', () => {
  let dataDir: string;
  afterAll(async () => removeDir(dataDir), 60_000);

  it('keeps every 201 through a SIGKILL and finishes the work after restart', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-crash-'));
    const first = await spawnLake(dataDir);
    const token = await tokenFor(dataDir, { write: 'crash', read: 'crash' });
    const accepted: string[] = [];
    let reached = (): void => undefined;
    const progress = new Promise<void>((resolve) => (reached = resolve));
    let sent = 0;
    const load = (async () => {
      // Four clients in parallel until the lake dies under them.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (;;) {
            const i = sent++;
            try {
              const res = await post(first.url, message(i), { token });
              if (res.status === 201) accepted.push(res.json().messageId);
              if (accepted.length >= KILL_AFTER) reached();
            } catch {
              return; // connection refused or reset: the lake is gone
            }
          }
        }),
      );
    })();
    await progress;
    await stopChild(first.child, 'SIGKILL');
    await load;
    expect(accepted.length).toBeGreaterThanOrEqual(KILL_AFTER);

    const second = await spawnLake(dataDir);
    const adapters = createLocalAdapters({ dataDir });
    try {
      for (const id of accepted) {
        const rec = await adapters.catalog.getMessage(id);
        expect(rec).toBeDefined();
        expect(await adapters.objectStore.head(rec!.rawKey)).toBeDefined();
      }
      // The restarted lake re-publishes what was left 'ingested'; wait for it to drain.
      const deadline = Date.now() + 180_000;
      for (;;) {
        const waiting = await adapters.catalog.listMessages({ status: 'ingested', limit: 1000 });
        if (waiting.items.length === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const id of accepted) {
        const rec = await adapters.catalog.getMessage(id);
        expect(['staged', 'error']).toContain(rec?.status);
      }
    } finally {
      await stopChild(second.child);
      await adapters.close();
    }
  }, 480_000);
});
