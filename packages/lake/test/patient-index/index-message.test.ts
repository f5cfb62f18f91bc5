import { MemoryPatientCatalog } from './memory-catalog';
import { patientIndexScenarios } from './scenarios';

patientIndexScenarios('in-memory catalog', async () => ({ catalog: new MemoryPatientCatalog(), close: async () => {} }));
