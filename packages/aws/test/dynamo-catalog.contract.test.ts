import { afterAll, beforeAll } from '@jest/globals';
import { catalogContract } from '@hcdl/lake/testing';
import { createCatalogTable } from '../src/dynamodb/create-catalog-table';
import { DynamoCatalog } from '../src/dynamodb/dynamo-catalog';
import { startDynalite, type DynamoServer } from './support/dynalite';

// The shared Catalog contract against DynamoCatalog talking HTTP to dynalite: conditional
// puts/updates and the three GSIs are exercised for real. One table for the whole file
// (the suites namespace their rows).
const TABLE = 'hcdl-test-catalog';
let server: DynamoServer;

beforeAll(async () => {
  server = await startDynalite();
  await createCatalogTable(server.clients.dynamoRaw, TABLE);
});

afterAll(async () => {
  await server?.close();
});

catalogContract('DynamoCatalog (dynalite)', async () => ({ catalog: new DynamoCatalog(server.clients.dynamo, TABLE) }));
