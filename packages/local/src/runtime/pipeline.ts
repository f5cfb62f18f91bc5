import { createCoreWriter, CORE_WRITER_SUBSCRIPTION, type Core, type LogPort } from '@hcdl/fn-core-writer';
import { createStaging, STAGING_SUBSCRIPTION, type StagingDeps } from '@hcdl/fn-staging-er7';
import type { HubEvent } from '@hcdl/lake';
import type { LocalAdapters } from '../adapters/local-adapters';

/** Builds the staging run for one `ingested` event (default: staging-er7's normalize then parse). */
export type StagingFactory = (deps: StagingDeps) => (event: HubEvent) => Promise<unknown>;

export interface PipelineOptions {
  /**
   * Replaces the staging function (tests use it to run an older parser, then replay with the
   * real one). Production wiring never sets it.
   */
  staging?: StagingFactory;
}

/**
 * Subscribes the same function code the Lambdas run to the in-process hub, with the filter
 * policies declared beside each function: staging-er7 on `ingested`, core-writer on
 * `staged`/`failed`. Returns core (zones' and catalog's only writer) for resume and replay.
 */
export function wirePipeline(adapters: Pick<LocalAdapters, 'objectStore' | 'catalog' | 'hub'>, logger: LogPort, options: PipelineOptions = {}): { core: Core } {
  const base = { objectStore: adapters.objectStore, catalog: adapters.catalog, hub: adapters.hub, logger };
  const stage = (options.staging ?? createStaging)(base);
  const writer = createCoreWriter(base);
  adapters.hub.subscribe({ ...STAGING_SUBSCRIPTION, handle: async (e) => void (await stage(e)) });
  adapters.hub.subscribe({ ...CORE_WRITER_SUBSCRIPTION, handle: (e) => writer.handleEvent(e) });
  return { core: writer.core };
}
