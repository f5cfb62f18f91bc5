import { MemoryCatalog } from '../../src/testing/memory/memory-catalog';
import { patientIndexScenarios } from './scenarios';

patientIndexScenarios('in-memory catalog', async () => ({ catalog: new MemoryCatalog(), close: async () => {} }));
