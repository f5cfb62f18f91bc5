/**
 * bench:refined: what the refined FHIR stage costs the local lake. The test corpus's messages
 * are posted at once to a fresh lake and the clock runs until the lake is idle (every message
 * staged and, with the refined stage, refined and its versions published), with the refined
 * stage on and, as the baseline in the same run, with its use-case replaced by one that does
 * nothing. Rounds alternate the two so the machine's load falls on both alike.
 *
 *   pnpm --filter @hcdl/bench bench:refined [--rounds 2]
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openLocalLake, readConfig } from '../../packages/local/src/index';
import { corpusMessageRows } from '../../test/fixtures/corpus-manifest';
import { scriptArgs } from './options';

const CORPUS = path.resolve(import.meta.dirname, '../../test/fixtures/corpus');

interface Round {
  refined: boolean;
  messages: number;
  idleMs: number;
  cpuMs: number;
  versions: number;
  syncs: number;
}

async function round(refined: boolean): Promise<Round> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hcdl-bench-refined-'));
  // Without refine: the use-case is replaced on this thread, so the stage must run here (ADR 0018).
  const lake = await openLocalLake(readConfig({ HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PORT: '0' }), refined ? {} : { refinedThread: false });
  try {
    const stage = lake.app.refined;
    if (stage === undefined) throw new Error('the lake has no refined stage');
    if (!refined) stage.refine = async (target) => ({ messageId: target.messageId, versions: [], unchanged: 0, stale: 0 });
    const rows = corpusMessageRows();
    const bodies = rows.map((m) => ({ source: m.source, body: readFileSync(path.join(CORPUS, m.path)) }));
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      bodies.map(
        (m) =>
          lake.durably(() =>
            lake.http.handle({
              method: 'POST',
              path: '/hl7v2/er7',
              claims: { 'custom:write': '*' },
              headers: { 'content-type': 'application/hl7-v2' },
              query: { source: m.source },
              body: m.body,
            }),
          ).durable,
      ),
    );
    await lake.idle();
    const idleMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    let versions = 0;
    let after: string | undefined;
    for (;;) {
      const page = await lake.adapters.resources.changes({ limit: 1000, ...(after !== undefined ? { after } : {}) });
      versions += page.items.length;
      if (page.cursor === undefined) break;
      after = page.cursor;
    }
    const syncs = lake.adapters.group.stats.syncs;
    return { refined, messages: rows.length, idleMs, cpuMs: (used.user + used.system) / 1000, versions, syncs };
  } finally {
    await lake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: scriptArgs(),
    options: { rounds: { type: 'string', default: '2' } },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number from 1');
  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) for (const refined of [false, true]) results.push(await round(refined));
  for (const refined of [false, true]) {
    const mine = results.filter((r) => r.refined === refined);
    const first = mine[0] as Round;
    const idle = median(mine.map((r) => r.idleMs));
    const cpu = median(mine.map((r) => r.cpuMs));
    process.stdout.write(
      `${refined ? 'refined stage on ' : 'baseline (no refine)'}: ${first.messages} messages to idle in ${Math.round(idle)} ms ` +
        `(${Math.round((first.messages * 1000) / idle)} messages/s), main-thread CPU ${Math.round(cpu)} ms, ${first.versions} versions, ` +
        `${first.syncs} catalog syncs; rounds ${mine.map((r) => Math.round(r.idleMs)).join(', ')} ms\n`,
    );
  }
}

await main();
