import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { objectStoreContract } from '@hcdl/lake/testing';
import { FolderObjectStore } from '../../src/adapters/folder-object-store';

objectStoreContract('FolderObjectStore', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hcdl-store-contract-'));
  return { store: new FolderObjectStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
});
