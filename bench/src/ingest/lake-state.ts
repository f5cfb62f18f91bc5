import path from 'node:path';
import { openDatabase } from '../../../packages/local/src/adapters/local-adapters';

/** GET /health of the lake. */
export async function health(url: string): Promise<{
  staging: { waiting: number };
  durability: { writes: number; commits: number; syncs: number };
  /** The refined thread's backlog (absent when the lake refines on its main thread). */
  refined?: { inWork: number; waiting: number };
}> {
  return (await (await fetch(`${url}/health`)).json()) as never;
}

/** Waits until nothing waits for staging (at most `seconds`); resolves with whether it drained. */
export async function drained(url: string, seconds = 300): Promise<boolean> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if ((await health(url)).staging.waiting === 0) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Catalog rows of one source (read straight from the lake's SQLite file, as `hcdl query` does). */
export function rowsOf(dataDir: string, source: string): { status: string; receivedAt: string; updatedAt: string }[] {
  const db = openDatabase(path.join(dataDir, 'catalog.db'));
  try {
    const docs = db.prepare('SELECT doc FROM messages WHERE source = ?').all(source) as { doc: string }[];
    return docs.map((d) => JSON.parse(d.doc) as { status: string; receivedAt: string; updatedAt: string });
  } finally {
    db.close();
  }
}
