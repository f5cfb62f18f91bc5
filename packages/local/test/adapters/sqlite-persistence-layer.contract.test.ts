import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { idempotencyContract } from '@hcdl/lake/testing';
import { openDatabase } from '../../src/adapters/local-adapters';
import { SqlitePersistenceLayer } from '../../src/adapters/sqlite-persistence-layer';

idempotencyContract('SqlitePersistenceLayer', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-idem-contract-'));
  const db = openDatabase(path.join(dir, 'catalog.db'));
  return {
    store: new SqlitePersistenceLayer(db),
    close: async () => {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
