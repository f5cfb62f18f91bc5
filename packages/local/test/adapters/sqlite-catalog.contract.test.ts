import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { catalogContract } from '@hcdl/lake/testing';
import { openDatabase } from '../../src/adapters/local-adapters';
import { SqliteCatalog } from '../../src/adapters/sqlite-catalog';

// A file database opened like the runtime does (WAL, synchronous=FULL), in a temp folder.
catalogContract('SqliteCatalog', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-catalog-contract-'));
  const db = openDatabase(path.join(dir, 'catalog.db'));
  return {
    catalog: new SqliteCatalog(db),
    close: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
