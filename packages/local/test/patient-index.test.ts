import Database from 'better-sqlite3';
import { SqliteCatalog } from '../src/adapters/sqlite-catalog';
import { patientIndexScenarios } from '../../lake/test/patient-index/scenarios';

// The patient index scenarios of @hcdl/lake, on the local runtime's SQLite catalog.
patientIndexScenarios('SQLite catalog', async () => {
  const db = new Database(':memory:');
  return { catalog: new SqliteCatalog(db), close: async () => void db.close() };
});
