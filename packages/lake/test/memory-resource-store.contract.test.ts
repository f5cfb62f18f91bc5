import { MemoryResourceStore, resourceStoreContract } from '@hcdl/lake/testing';

resourceStoreContract('MemoryResourceStore', async () => {
  const store = new MemoryResourceStore();
  return { store, feed: store };
});
