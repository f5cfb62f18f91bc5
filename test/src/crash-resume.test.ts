/**
 * Kill the lake process (SIGKILL) in the middle of a load and start it again on the same
 * folder: every message that got a 201 is in the raw zone and the catalog, and ends staged
 * or error once the restarted lake has resumed the work left in flight.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createLocalAdapters } from '@hcdl/local';
import { CORPUS, post, spawnLake, tokenFor } from './support/harness';

const TEMPLATE = readFileSync(path.join(CORPUS, 'FHIR-Converter/data/SampleData/Hl7v2/ADT-A01-01.hl7'), 'latin1');

/** Distinct messages: the template with its own control id. */
const message = (i: number): string => TEMPLATE.replace(/^(MSH(?:\|[^|\r\n]*){8}\|)[^|\r\n]*/, `$1CRASH${i}`);

describe('crash and resume', () => {
  let dataDir: string;
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('keeps every 201 through a SIGKILL and finishes the work after restart', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-crash-'));
    const first = await spawnLake(dataDir);
    const token = await tokenFor(dataDir, { write: 'crash', read: 'crash' });
    const accepted: string[] = [];
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
            } catch {
              return; // connection refused or reset: the lake is gone
            }
          }
        }),
      );
    })();
    await new Promise((r) => setTimeout(r, 1500));
    first.child.kill('SIGKILL');
    await load;
    if (first.child.exitCode === null && first.child.signalCode === null) {
      await new Promise((r) => first.child.once('exit', r));
    }
    expect(accepted.length).toBeGreaterThan(5);

    const second = await spawnLake(dataDir);
    const deadline = Date.now() + 60_000;
    const adapters = createLocalAdapters({ dataDir });
    try {
      for (const id of accepted) {
        const rec = await adapters.catalog.getMessage(id);
        expect(rec).toBeDefined();
        expect(await adapters.objectStore.head(rec!.rawKey)).toBeDefined();
      }
      // The restarted lake re-publishes what was left 'ingested'; wait for it to drain.
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
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
      await adapters.close();
    }
  }, 120_000);
});
