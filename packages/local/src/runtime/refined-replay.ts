import type { RebuildFilter, RebuildSummary } from '@hcdl/core';
import type { LocalConfig } from './env';
import { localLogger, openLocalApplication } from './lake';

/**
 * `hcdl replay --fhir`: refines the staged messages of a local lake's data folder again in this
 * process (after a mapping change), then publishes what it committed (objects in the refined
 * zone; announcements on this process's hub, which no server listens to: a running server's
 * change streams read the feed). Safe while `hcdl serve` runs on the same folder: versions are
 * committed with optimistic concurrency in SQLite.
 */
export async function replayFhirLocal(config: LocalConfig, filter: RebuildFilter): Promise<RebuildSummary> {
  const logger = localLogger(config, 'hcdl-replay-fhir');
  // Refined on this thread: the command serves nothing, and rebuild calls refine directly.
  const local = await openLocalApplication(config, logger, { refinedThread: false });
  const { adapters, app } = local;
  try {
    const refined = app.refined;
    if (refined === undefined) throw new Error('the lake has no refined stage');
    const summary = await refined.rebuild(filter);
    await refined.relay.drain();
    await adapters.hub.idle();
    return summary;
  } finally {
    await local.close();
  }
}
