import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { objectStoreContract } from '@hcdl/lake/testing';
import { LakeObjectStore, type LakeObjectStoreOptions } from '../../src/adapters/lake-object-store';
import { openDatabase } from '../../src/adapters/local-adapters';

/** The store as the lake opens it: one SQLite file (WAL, group commit) and a zones folder. */
const harness =
  (options: LakeObjectStoreOptions, segments = false) =>
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-lake-store-contract-'));
    const db = openDatabase(path.join(dir, 'catalog.db'));
    const zoneDb = segments ? openDatabase(path.join(dir, 'zone.db')) : undefined;
    const zones = zoneDb === undefined ? {} : { attributeZones: [{ prefix: '', db: zoneDb, segments: path.join(dir, 'segments', 'all') }] };
    return {
      store: new LakeObjectStore(db, path.join(dir, 'zones'), { ...options, ...zones }),
      close: async () => {
        db.close();
        zoneDb?.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };

// The lake's routing: raw/, error/ and work/ in the table, the contract's own keys as files.
objectStoreContract('LakeObjectStore (zones routed)', harness({}));
// Every key in the table, so the whole contract runs against the table.
objectStoreContract('LakeObjectStore (all in the table)', harness({ tablePrefixes: [''] }));
// Every key in a segment zone (ADR 0019; multi-line bodies and exclusive puts still as files).
objectStoreContract('LakeObjectStore (all in segments)', harness({ tablePrefixes: [] }, true));
