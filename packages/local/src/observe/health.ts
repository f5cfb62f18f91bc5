import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { GroupCommit } from '../adapters/group-commit';

export interface CheckResult {
  ok: boolean;
  ms: number;
  /** Why not, as the error's name and code (never a path's content). */
  error?: string;
}

async function timed(probe: () => Promise<void>): Promise<CheckResult> {
  const started = performance.now();
  try {
    await probe();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as { name?: string; code?: string };
    return { ok: false, ms: Math.round(performance.now() - started), error: [e.name, e.code].filter((x) => x !== undefined).join(' ') };
  }
}

/**
 * The checks of /health: the catalog takes a write (a row of its own, through the group
 * commit, so a full disk, a read-only file or a dead sync thread all show), and the zones
 * folder takes a file. Any check not ok makes /health answer 503.
 */
export function createHealthChecks(deps: { db: Database.Database; group: GroupCommit; zonesDir: string }) {
  deps.db.exec('CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL)');
  const probe = deps.db.prepare('INSERT OR REPLACE INTO health_probe (id, at) VALUES (1, ?)');
  return async (): Promise<Record<string, CheckResult>> => {
    const [catalog, zones] = await Promise.all([
      timed(() => deps.group.write(() => void probe.run(new Date().toISOString()))),
      timed(async () => {
        const file = path.join(deps.zonesDir, `.health-${randomUUID()}`);
        await writeFile(file, 'ok');
        await rm(file);
      }),
    ]);
    return { catalog, zones };
  };
}
