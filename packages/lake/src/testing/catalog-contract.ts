import { afterEach, beforeEach, describe } from '@jest/globals';
import type { Catalog } from '../ports/catalog';
import { describeCatalogClaims } from './catalog-claims-contract';
import { describeCatalogErrorsAndPatients } from './catalog-errors-contract';
import { describeCatalogIdentity } from './catalog-identity-contract';
import { describeCatalogMessages } from './catalog-messages-contract';
import { describeCatalogPatients } from './catalog-patients-contract';
import { describeCatalogQueries } from './catalog-queries-contract';

export interface CatalogHarness {
  catalog: Catalog;
  close?: () => Promise<void>;
}

export type CatalogFactory = () => Promise<CatalogHarness>;

/**
 * Contract of the Catalog port (ports/catalog.ts): messages, errors, patient identifiers,
 * links and merges. Sources, patient ids, identifiers and the message type of the
 * type-only query are random per test, so a factory may share one table between tests
 * (e.g. one DynamoDB table on dynalite); only the status-only query reads rows of other
 * tests, and it checks just its own rows among them.
 */
export function catalogContract(name: string, factory: CatalogFactory): void {
  describe(`Catalog contract: ${name}`, () => {
    let harness: CatalogHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.close?.();
    });
    const catalog = (): Catalog => harness.catalog;
    describeCatalogMessages(catalog);
    describeCatalogErrorsAndPatients(catalog);
    describeCatalogQueries(catalog);
    describeCatalogPatients(catalog);
    describeCatalogIdentity(catalog);
    describeCatalogClaims(catalog);
  });
}
