import Database from 'better-sqlite3';
import { resourceStoreContract } from '@hcdl/lake/testing';
import { groupCommitOf } from '../../src/adapters/group-commit';
import { SqliteResourceStore } from '../../src/adapters/sqlite-resource-store';

resourceStoreContract('SqliteResourceStore', async () => {
  const db = new Database(':memory:');
  const store = new SqliteResourceStore(db);
  return {
    store,
    feed: store,
    close: async () => {
      await groupCommitOf(db).close();
      db.close();
    },
  };
});
